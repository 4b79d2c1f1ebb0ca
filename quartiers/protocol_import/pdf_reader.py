"""PDF reader: rebuild paragraphs and ruled tables from the text layer of a PDF (pdfplumber).

A PDF knows characters and their positions, not paragraphs. The reader puts the characters
back into lines (upright or rotated), cuts the lines into paragraphs (a blank space, a change
of font, a bullet, or a line that ended before the margin although the next word would have
fitted), takes ruled tables from their drawn borders (a cell covered by a merged cell reads
empty, as in the other readers), joins a table continued on the next page (its repeated
header rows dropped), and drops what a page repeats: running headers, footers, page numbers.
"""

import io
import re
from collections import Counter
from dataclasses import dataclass

from quartiers.protocol_import.documents import (
    Document,
    DocumentError,
    Paragraph,
    Row,
    Table,
    add_synthetic_line,
    clean_text,
)

MAX_PDF_PAGES = 200
_MAX_EDGES = 3000  # drawn lines on a page past which its tables are not looked for
_BAND = 0.12  # share of the page height, at the top and bottom, of running headers and footers
_SAME_EDGE = 3.0  # points: two table fragments with edges this close are one table
_BULLETS = "•◦▪■●▸►‣⁃\uf0b7\uf0a7\uf0d8"
_HYPHENATED = r"[^\W\d_][\u00ad\u2010]$"  # a soft hyphen or the one a word processor adds
_PAGE_NUMBER = re.compile(
    r"(?:page\s*(?:[-–—]\s*)?|[-–—]\s*|\s*)\d{1,4}(?:\s*(?:/|sur|of)\s*\d{1,4})?\s*[-–—]?",
    re.IGNORECASE,
)
_ENCRYPTED = (
    "« {name} » : ce PDF est protégé (chiffré) ; enregistrez-le sans protection puis "
    "déposez-le à nouveau."
)
_NO_TEXT = (
    "« {name} » : ce PDF n'a pas de couche texte (document numérisé ou image) ; la "
    "reconnaissance de caractères (OCR) n'est pas encore prise en charge. Exportez le "
    "document en PDF depuis le traitement de texte, ou déposez-le en .docx ou .odt."
)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    first_word: float  # width of the first word: would it have fitted on the line above?
    right_edge: float  # where full lines of the text (or of the cell) end
    upright: bool
    page: int


@dataclass
class _Page:
    items: list  # _Line and _Grid, top to bottom
    height: float
    scanned: bool  # images and no text


@dataclass
class _Grid:
    rows: list[list[str]]
    columns: list[float]  # left edge of each column; a row has one cell per column
    x0: float
    x1: float
    top: float
    page: int
    open_top: bool  # its first row goes on from the previous page (no border drawn above)
    open_bottom: bool  # its last row goes on to the next page


def read_pdf(doc: Document, data: bytes) -> None:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if pdf.doc.encryption:
                raise DocumentError(_ENCRYPTED.format(name=doc.name))
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise DocumentError(
                    f"« {doc.name} » : le PDF compte {len(pdf.pages)} pages ; "
                    f"{MAX_PDF_PAGES} au plus sont lues. Déposez le protocole sans ses annexes."
                )
            drawn = [_Drawn.of(page) for page in pdf.pages]
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of errors on a damaged file
        if _caused_by(exc, PDFPasswordIncorrect):
            raise DocumentError(_ENCRYPTED.format(name=doc.name)) from exc
        raise DocumentError(
            f"« {doc.name} » : PDF illisible ou endommagé ; exportez-le à nouveau depuis le "
            "traitement de texte."
        ) from exc
    pages = [_read_page(page, number) for number, page in enumerate(drawn, 1)]
    if not any(page.items for page in pages):
        raise DocumentError(_NO_TEXT.format(name=doc.name))
    crowded = [number for number, page in enumerate(drawn, 1) if page.crowded]
    if crowded:
        doc.notes.append(
            f"Pages où trop de traits sont dessinés pour y chercher des tableaux : "
            f"{', '.join(map(str, crowded))} ; leur texte est lu comme des paragraphes."
        )
    scanned = [number for number, page in enumerate(pages, 1) if page.scanned]
    if scanned:
        doc.notes.append(
            "Pages sans texte (numérisées ?) ignorées : "
            f"{', '.join(map(str, scanned))} ; la reconnaissance de caractères (OCR) n'est pas "
            "encore prise en charge."
        )
    _emit(doc, _join_split_tables(_drop_running_lines(pages)))


def _caused_by(exc: Exception, kind: type) -> bool:
    """pdfplumber wraps pdfminer's errors: look inside."""
    inner = [exc, exc.__cause__, *exc.args]
    return any(isinstance(item, kind) for item in inner)


# --------------------------------------------------------------------------- one page


@dataclass
class _Drawn:
    """What pdfplumber parsed on a page: characters, images, ruled tables."""

    chars: list[dict]
    images: bool
    height: float
    tables: list[tuple[tuple, list[list[tuple | None]]]]  # bbox, rows of cell bboxes or None
    closing: list[dict]  # see `_closing_lines`

    crowded: bool  # too many drawn lines to look for tables

    @classmethod
    def of(cls, page) -> "_Drawn":
        crowded = len(page.edges) > _MAX_EDGES
        closing = [] if crowded else _closing_lines(page.edges)
        tables = [] if crowded else page.find_tables({"explicit_horizontal_lines": closing})
        return cls(
            chars=list(page.chars),
            images=bool(page.images),
            height=page.height,
            tables=[(t.bbox, [list(row.cells) for row in t.rows]) for t in tables],
            closing=closing,
            crowded=crowded,
        )


def _read_page(page: _Drawn, number: int) -> _Page:
    """The lines outside tables and the tables of a page, top to bottom."""
    chars = _distinct(c for c in page.chars if c["text"].strip() or c["text"] == " ")
    if not any(c["text"].strip() for c in chars):
        return _Page(items=[], height=page.height, scanned=page.images)
    # A single cell is a frame around text, not a table.
    tables = [(bbox, rows) for bbox, rows in page.tables if sum(map(_cell_count, rows)) > 1]
    body: list[dict] = []
    grids: list[_Grid] = []
    in_table: list[list[dict]] = [[] for _ in tables]
    for char in chars:
        index = next((i for i, (bbox, _) in enumerate(tables) if _inside(char, bbox)), None)
        (body if index is None else in_table[index]).append(char)
    for (bbox, rows), table_chars in zip(tables, in_table, strict=True):
        x0, top, x1, bottom = bbox
        grids.append(
            _Grid(
                rows=[[_cell_text(table_chars, cell) for cell in row] for row in rows],
                columns=sorted({cell[0] for row in rows for cell in row if cell}),
                x0=x0,
                x1=x1,
                top=top,
                page=number,
                open_top=any(abs(line["top"] - top) < 1 for line in page.closing),
                open_bottom=any(abs(line["top"] - bottom) < 1 for line in page.closing),
            )
        )
    items = sorted([*_lines(body, number), *grids], key=lambda item: item.top)
    return _Page(items=items, height=page.height, scanned=False)


def _closing_lines(edges: list[dict]) -> list[dict]:
    """Horizontal lines that close table rows cut by a page break.

    A row that goes on over the page break has its side borders but no border at the cut; the
    line drawn here closes it, so that its cells are read, and tells which row goes on.
    """
    horizontals = [e for e in edges if e["orientation"] == "h"]
    ends: dict[int, list[float]] = {}
    for edge in (e for e in edges if e["orientation"] == "v"):
        for y in (edge["top"], edge["bottom"]):
            if not any(
                abs(h["top"] - y) <= 2 and h["x0"] - 2 <= edge["x0"] <= h["x1"] + 2
                for h in horizontals
            ):
                ends.setdefault(round(y), []).append(edge["x0"])
    return [
        {
            "object_type": "line",
            "x0": min(xs),
            "x1": max(xs),
            "top": y,
            "bottom": y,
            "width": max(xs) - min(xs),
            "height": 0,
        }
        for y, xs in ends.items()
        if len(xs) >= 2 and max(xs) - min(xs) > _SAME_EDGE
    ]


def _distinct(chars) -> list[dict]:
    """Characters drawn twice at the same place (a fake bold) count once."""
    seen: set[tuple] = set()
    out = []
    for char in chars:
        key = (char["text"], round(char["x0"]), round(char["top"]))
        if key not in seen:
            seen.add(key)
            out.append(char)
    return out


def _cell_count(row: list) -> int:
    return sum(1 for cell in row if cell is not None)


def _inside(char: dict, bbox) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _cell_text(chars: list[dict], bbox) -> str:
    if bbox is None:
        return ""  # covered by a merged cell, as colspan/rowspan in the other readers
    lines = _lines([c for c in chars if _inside(c, bbox)], page=0)
    if len(lines) > 1 and all(len(line.text.replace(" ", "")) <= 2 for line in lines):
        # A narrow column written one letter (or two) per line: « S A N T E ».
        return " ".join(c for line in lines for c in line.text if not c.isspace())
    upright = [line for line in lines if line.upright]
    rotated = [line.text for line in lines if not line.upright]
    texts = [" ".join(rotated)] if rotated else []
    texts += [_paragraph_text(group) for group in _paragraphs(upright)]
    return clean_text("\n".join(texts))


# --------------------------------------------------------------------------- characters to lines


def _direction(char: dict) -> str:
    if char.get("upright", True):
        return "ltr"
    return "btt" if char["matrix"][1] > 0 else "ttb"


def _across(char: dict, direction: str) -> float:
    """Position of the baseline, growing in the order lines are read."""
    x, y = char["matrix"][4], char["matrix"][5]
    return {"ltr": -y, "btt": x, "ttb": -x}[direction]


def _along(char: dict, direction: str) -> tuple[float, float]:
    """Start and end of the character along its line, growing in reading order."""
    if direction == "ltr":
        return char["x0"], char["x1"]
    if direction == "btt":
        return -char["bottom"], -char["top"]
    return char["top"], char["bottom"]


def _lines(chars: list[dict], page: int) -> list[_Line]:
    """Group characters into lines: same direction, same baseline; sorted in reading order."""
    keyed = sorted(((_direction(c), _across(c, _direction(c)), c) for c in chars), key=_by_line)
    clusters: list[list[dict]] = []
    start: tuple[str, float] | None = None
    for direction, across, char in keyed:
        if start is None or direction != start[0] or across - start[1] > 0.5 * char["size"]:
            clusters.append([])
            start = (direction, across)
        clusters[-1].append(char)
    lines = [line for line in map(_line, clusters) if line.text]
    _set_right_edge(lines)
    for line in lines:
        line.page = page
    return lines


def _set_right_edge(lines: list[_Line]) -> None:
    """Where full lines end: nearly the longest one (a stray overflowing line aside)."""
    ends = sorted(line.x1 for line in lines if line.upright)
    edge = ends[int(0.9 * (len(ends) - 1))] if ends else 0.0
    for line in lines:
        line.right_edge = edge


def _by_line(item: tuple[str, float, dict]) -> tuple:
    direction, across, _ = item
    return (direction != "ltr", direction, across)


def _line(chars: list[dict]) -> _Line:
    direction = _direction(chars[0])
    chars = sorted(chars, key=lambda c: _along(c, direction)[0])
    sizes = Counter(round(c["size"], 1) for c in chars if c["text"].strip())
    size = sizes.most_common(1)[0][0] if sizes else chars[0]["size"]
    text, end, first_word = "", None, None
    for char in chars:
        begin, finish = _along(char, direction)
        gap = begin - end if end is not None else 0.0
        if char["text"] == " " or (gap > 0.2 * size and text and not text.endswith(" ")):
            if first_word is None and text.strip():
                first_word = end - _along(chars[0], direction)[0]
            text += " "
        if char["text"] != " ":
            text += char["text"]
        end = finish
    start = _along(chars[0], direction)[0]
    visible = [c for c in chars if c["text"].strip()]
    return _Line(
        text=" ".join(text.split()),
        x0=min(c["x0"] for c in visible or chars),
        x1=max(c["x1"] for c in visible or chars),
        top=min(c["top"] for c in visible or chars),
        bottom=max(c["bottom"] for c in visible or chars),
        size=size,
        bold=bool(visible) and all(_is_bold(c["fontname"]) for c in visible),
        first_word=first_word if first_word is not None else (end or start) - start,
        right_edge=0.0,
        upright=direction == "ltr",
        page=0,
    )


def _is_bold(fontname: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold|demi", fontname, re.IGNORECASE))


# --------------------------------------------------------------------------- lines to paragraphs


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    groups: list[list[_Line]] = []
    for line in lines:
        if not groups or _starts_paragraph(groups[-1], line):
            groups.append([])
        groups[-1].append(line)
    return groups


def _is_item(line: _Line) -> bool:
    return line.text[:1] in _BULLETS or line.text.startswith(("- ", "– ", "— "))


def _starts_paragraph(group: list[_Line], line: _Line) -> bool:
    previous = group[-1]
    if not (previous.upright and line.upright) or _is_item(line):
        return True
    if abs(line.size - previous.size) > 0.5 or line.bold != previous.bold:
        return True
    if line.page == previous.page:
        gap = line.top - previous.bottom
        if gap > 0.5 * previous.size or gap < -previous.size:  # a blank, or back up: a column
            return True
    elif previous.text[-1:] in ".!?:" and line.text[:1].isupper():
        return True  # over a page break the spacing is lost; a sentence end is the best guess
    # Lines of a paragraph share their left edge; only its first line may stand out (an
    # indent, or a bullet hanging to the left of the text).
    if line.x0 < previous.x0 - 0.5 * line.size and (len(group) > 1 or _is_item(group[0])):
        return True
    if re.search(_HYPHENATED, previous.text):
        return False  # a word cut in two does not end a paragraph
    # The first word of this line would have fitted at the end of the previous one.
    return previous.right_edge - previous.x1 > line.first_word + 0.6 * line.size


def _paragraph_text(lines: list[_Line]) -> str:
    text = ""
    for line in lines:
        if re.search(_HYPHENATED, text):
            text = text[:-1] + line.text  # a word hyphenated at the end of the line
        elif re.search(r"[^\W\d_]-$", text) and line.text[:1].islower():
            text += line.text  # a compound word cut after its hyphen
        else:
            text = f"{text} {line.text}" if text else line.text
    text = text.replace("\u00ad", "")
    if text[:1] in _BULLETS or text.startswith(("– ", "— ")):
        text = "- " + text[1:].lstrip()
    return text


# --------------------------------------------------------------------------- whole document


def _drop_running_lines(pages: list[_Page]) -> list[_Line | _Grid]:
    """Drop page numbers and the lines repeated at the same place on most pages."""
    bands: list[tuple[int, _Line]] = []
    for number, page in enumerate(pages):
        for item in page.items:
            if not isinstance(item, _Line):
                continue
            if item.top < _BAND * page.height or item.bottom > (1 - _BAND) * page.height:
                bands.append((number, item))
    seen: dict[str, list[tuple[int, _Line]]] = {}
    for number, line in bands:
        seen.setdefault(re.sub(r"\d+", "#", line.text.lower()), []).append((number, line))
    dropped = {id(line) for _, line in bands if _PAGE_NUMBER.fullmatch(line.text)}
    enough = max(2, (len(pages) + 1) // 2)
    for group in seen.values():
        tops = sorted(line.top for _, line in group)
        if len({n for n, _ in group}) >= enough and tops[-1] - tops[0] <= 5:
            dropped |= {id(line) for _, line in group}
    kept = [item for page in pages for item in page.items if id(item) not in dropped]
    _set_right_edge([item for item in kept if isinstance(item, _Line)])
    return kept


def _join_split_tables(items: list[_Line | _Grid]) -> list[_Line | _Grid]:
    """A table that ends a page and one that starts the next, with the same edges, are one.

    The header rows the next page repeats are dropped; a row cut by the page break is joined.
    """
    out: list[_Line | _Grid] = []
    for item in items:
        previous = out[-1] if out else None
        if not (
            isinstance(item, _Grid)
            and isinstance(previous, _Grid)
            and item.page == previous.page + 1
            and abs(item.x0 - previous.x0) <= _SAME_EDGE
            and abs(item.x1 - previous.x1) <= _SAME_EDGE
        ):
            out.append(item)
            continue
        columns = _union(previous.columns, item.columns)
        rows = [_placed(row, previous.columns, columns) for row in previous.rows]
        more = [_placed(row, item.columns, columns) for row in item.rows]
        repeated = 0
        while repeated < min(len(more), len(rows)) and more[repeated] == rows[repeated]:
            repeated += 1
        more = more[repeated:]
        if more and (item.open_top or previous.open_bottom):
            rows[-1] = [_continued(a, b) for a, b in zip(rows[-1], more.pop(0), strict=True)]
        previous.rows, previous.columns = rows + more, columns
        previous.page, previous.open_bottom = item.page, item.open_bottom
    return out


def _union(first: list[float], second: list[float]) -> list[float]:
    columns = list(first)
    for x in second:
        if all(abs(x - c) > _SAME_EDGE for c in columns):
            columns.append(x)
    return sorted(columns)


def _placed(row: list[str], own: list[float], columns: list[float]) -> list[str]:
    """A row laid on wider columns: each cell under the column at its left edge."""
    out = [""] * len(columns)
    for x, text in zip(own, row, strict=False):
        out[min(range(len(columns)), key=lambda i: abs(columns[i] - x))] = text
    return out


def _continued(text: str, more: str) -> str:
    if not (text and more):
        return text or more
    return f"{text}\n{more}" if text[-1] in ".:;!?" else f"{text} {more}"


def _emit(doc: Document, items: list[_Line | _Grid]) -> None:
    sizes: Counter[float] = Counter()
    for line in items:
        if isinstance(line, _Line):
            sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 0.0
    pending: list[_Line] = []

    def flush():
        for group in _paragraphs(pending):
            text = clean_text(_paragraph_text(group)).replace("\n", " ")
            if not text:
                continue
            larger = group[0].size > body_size + 0.5 and len(text) <= 200
            paragraph = Paragraph(text=text, line=0, heading=True if larger else None)
            paragraph.line = add_synthetic_line(doc, paragraph)
            doc.blocks.append(paragraph)
        pending.clear()

    for item in items:
        if isinstance(item, _Line):
            pending.append(item)
            continue
        flush()
        table = Table(rows=[])
        for cells in item.rows:
            row = Row(cells=cells, line=0)
            row.line = add_synthetic_line(doc, row)
            table.rows.append(row)
        doc.blocks.append(table)
    flush()
