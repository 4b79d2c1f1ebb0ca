"""Grid pass: engagement tables, their header (partner columns, legend) and their rows."""

import re
from dataclasses import dataclass

from quartiers.protocol_import import reference
from quartiers.protocol_import.documents import Row, Table
from quartiers.protocol_import.extraction import marks
from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import (
    LONG_TEXT,
    code_of,
    fold,
    is_mark_cell,
    legend_pairs,
)

DEFAULT_SECTION = "Engagements"


@dataclass
class Layout:
    partner_columns: dict[int, str]  # column index -> partner code
    other_column: int | None
    text_column: int
    theme_column: int | None
    legend: bool
    letter_columns: tuple[str, ...] = ()  # one-letter labels read as a partner, to report


def column_code(label: str) -> str:
    """The partner a column header names; the one-letter « E » is read as the État."""
    code = code_of(label)
    return reference.STATE_CODE if code == reference.STATE_LETTER else code


def read_grid(draft: Draft) -> None:
    for table in draft.tables:
        read_table(draft, table, draft.section_of_table.get(id(table)))
    if not draft.tables:
        draft.warn(
            "no_table",
            "Aucun tableau d'engagements n'a été trouvé : aucun engagement n'est importé.",
        )
    elif not draft.engagements:
        draft.warn(
            "no_engagement", "Des tableaux ont été trouvés mais aucun engagement n'y a été lu."
        )


def cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells) or index < 0:
        return ""
    return cells[index].strip()


def is_header_row(row: Row) -> bool:
    filled = [c for c in row.cells if c.strip()]
    if not filled:
        return False
    if any(len(c) > LONG_TEXT for c in filled) or any(is_mark_cell(c) for c in filled):
        return False
    folded = " ".join(fold(c) for c in filled)
    if "chef" in folded or "associ" in folded or re.search(r"\bengagements?\b", folded):
        return True
    return len(filled) >= 3 and all(len(c) <= 30 for c in filled)


def layout_of(header: list[Row]) -> Layout | None:
    labels_row = next(
        (r for r in reversed(header) if sum(1 for c in r.cells if c.strip()) >= 2), None
    )
    if labels_row is None:
        return None
    folded_header = " ".join(fold(c) for r in header for c in r.cells)
    legend = "chef" in folded_header and "associ" in folded_header
    columns: dict[int, str] = {}
    letters: list[str] = []
    other: int | None = None
    for index, label in enumerate(labels_row.cells):
        value = label.strip()
        if not value or re.search(r"\bengagements?\b|th[eè]me", fold(value)):
            continue
        if "chef" in fold(value) or "associ" in fold(value):
            continue
        if re.fullmatch(r"autres?( partenaires?)?", fold(value)):
            other = index
            continue
        columns[index] = column_code(value)
        if code_of(value) == reference.STATE_LETTER:
            letters.append(value)
    if not columns:
        return None
    first = min([*columns, *([other] if other is not None else [])])
    if first == 0:
        return None
    text_column = first - 1
    theme_column = text_column - 1 if text_column >= 1 else None
    return Layout(columns, other, text_column, theme_column, legend, tuple(letters))


def read_table(draft: Draft, table: Table, section: str | None) -> None:
    rows = [r for r in table.rows if any(c.strip() for c in r.cells)]
    header: list[Row] = []
    layout: Layout | None = None
    theme: str | None = None
    for row in rows:
        draft.check_time()
        is_legend = bool(legend_pairs(" ".join(row.cells)))
        if (
            is_header_row(row) or (layout is None and header and _completes_header(header, row))
        ) and not is_legend:
            if layout is not None:  # a second header inside the same block: a new table
                header, layout, theme = [], None, None
            header.append(row)
            continue
        if layout is None:
            layout = layout_of(header)
            if layout is None:
                draft.warn(
                    "table_without_partners",
                    "Tableau ignoré : aucune ligne d'en-tête ne nomme de partenaires.",
                    row.line,
                )
                return
            _start_table(draft, layout, section, row.line)
        if is_legend:
            continue
        theme = read_row(draft, row, layout, section or DEFAULT_SECTION, theme)


def _start_table(draft: Draft, layout: Layout, section: str | None, line: int) -> None:
    if not layout.legend:
        draft.warn(
            "role_inferred",
            "L'en-tête du tableau ne dit pas ce que signifient X et x : "
            "X est lu comme « chef de file », x comme « partenaire associé ».",
            line,
        )
    for letter in layout.letter_columns:
        draft.warn(
            "state_letter",
            f"La colonne « {letter} » est lue comme l'État ({reference.STATE_CODE}) ; à vérifier.",
            line,
        )
    for code in layout.partner_columns.values():
        draft.add_partner(code, line, grid=True)
    if section is None:
        draft.warn(
            "section_missing",
            f"Aucun titre avant ce tableau : ses engagements sont classés sous "
            f"« {DEFAULT_SECTION} ».",
            line,
        )


def _completes_header(header: list[Row], row: Row) -> bool:
    """A row of short labels (no mark, no text) under a header that names no partner yet.

    `is_header_row` wants three labels; a table with only two partner columns has two.
    """
    filled = [c for c in row.cells if c.strip()]
    if not filled or any(len(c) > LONG_TEXT or is_mark_cell(c) for c in filled):
        return False
    return layout_of(header) is None and layout_of([*header, row]) is not None


def read_row(draft: Draft, row: Row, layout: Layout, section: str, theme) -> str | None:
    warned_since = len(draft.warnings)  # what this row raises is about its engagement
    cells = list(row.cells)
    text = cell(cells, layout.text_column)
    theme_cell = cell(cells, layout.theme_column)
    # A long text in the theme column is the engagement (merged cell, shifted row), unless the
    # text column holds a long text too: then it is a long theme label.
    if layout.theme_column is not None and len(theme_cell) > LONG_TEXT >= len(text):
        if not text:
            draft.warn(
                "row_realigned",
                "Texte d'engagement trouvé dans la colonne des thèmes (cellule fusionnée) : "
                "il est lu comme texte de l'engagement.",
                row.line,
            )
        elif is_mark_cell(text):
            cells.insert(layout.theme_column, "")
            draft.warn(
                "row_realigned",
                "Ligne décalée d'une colonne vers la gauche : elle a été réalignée.",
                row.line,
            )
        text, theme_cell = theme_cell, ""
        if not text:
            return theme
    elif theme_cell:
        theme = marks.theme_label(draft, theme_cell, row.line)
    if not text:
        if any(cell(cells, i) for i in layout.partner_columns):
            draft.warn("empty_text", "Ligne avec des marques mais sans texte : ignorée.", row.line)
        return theme
    roles = []
    for index, code in layout.partner_columns.items():
        roles.extend(marks.roles_from_cell(draft, cell(cells, index), code, row.line))
    if layout.other_column is not None:
        roles.extend(marks.roles_from_other(draft, cell(cells, layout.other_column), row.line))
    last = max([*layout.partner_columns, layout.other_column or 0])
    extra = [c for i, c in enumerate(cells) if i > last and c.strip()]
    if extra:
        draft.warn(
            "extra_cells", f"Cellules hors colonnes ignorées : {' | '.join(extra)}.", row.line
        )
    draft.add_engagement(
        pillar=section, theme=theme, text=text, roles=roles, row=row, warned_since=warned_since
    )
    return theme
