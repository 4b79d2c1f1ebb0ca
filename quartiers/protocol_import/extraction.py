"""Extraction rules: from a `Document` (paragraphs and tables) to the contract as data.

Nothing here knows any particular protocol: sections, partners, marks and themes are found
by rules, and whatever a rule cannot decide becomes a warning instead of a guess.
"""

import difflib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date

from quartiers.contracts.enums import PriorityKind, Role
from quartiers.core.enums import OrganisationKind
from quartiers.protocol_import import reference
from quartiers.protocol_import.documents import Document, Paragraph, Row, Table

MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
_DATE = (
    r"(?P<day>\d{1,2})\s*(?:er|\^\{er\}|ᵉʳ|°)?\s+(?P<month>[a-zéèûô]+)\s+(?P<year>(?:19|20)\d{2})"
)
_LONG_TEXT = 60  # characters: a grid cell longer than this is commitment text, not a label
_MARK = re.compile(r"^[Xx✓✔]$")
_LEGEND_PAIR = re.compile(
    r"(?:^|;)\s*(?P<acronym>[A-ZÉ][A-Za-zÉ0-9]{1,15})\s*:\s*(?P<meaning>[^;:]{3,200}?)\s*\.?\s*(?=;|$)"
)


@dataclass
class Finding:
    code: str
    message: str
    line: int | None = None


@dataclass
class RoleData:
    partner: str
    service: str | None
    role: str


@dataclass
class EngagementData:
    section: str
    theme: str | None
    text: str
    roles: list[RoleData]
    line: int
    raw_cells: list[str]


@dataclass
class PartnerData:
    code: str
    name: str | None
    kind: str = OrganisationKind.OTHER
    parent: str | None = None
    is_grid_column: bool = False
    line: int | None = None


@dataclass
class ContributionData:
    partner: str
    title: str
    text: str
    line: int


@dataclass
class PriorityData:
    kind: str
    label: str
    details: str
    line: int


@dataclass
class Extraction:
    document: Document
    title: str = ""
    contract_name: str = ""
    territory: str = ""
    epci: str | None = None
    signed_on: date | None = None
    original_ends_on: date | None = None
    ends_on: date | None = None
    period: tuple[int, int] | None = None
    is_amendment: bool = False
    pillars: list[str] = field(default_factory=list)
    priorities: list[PriorityData] = field(default_factory=list)
    governance_bodies: list[str] = field(default_factory=list)
    partners: dict[str, PartnerData] = field(default_factory=dict)
    glossary: dict[str, str] = field(default_factory=dict)
    contributions: list[ContributionData] = field(default_factory=list)
    engagements: list[EngagementData] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def warn(self, code: str, message: str, line: int | None = None) -> None:
        if not any((w.code, w.message, w.line) == (code, message, line) for w in self.warnings):
            self.warnings.append(Finding(code, message, line))

    def to_json(self) -> dict:
        doc = self.document
        return {
            "document": {"name": doc.name, "sha256": doc.sha256, "title": self.title},
            "contract": {
                "name": self.contract_name,
                "territory": self.territory,
                "epci": self.epci,
                "signed_on": self.signed_on.isoformat() if self.signed_on else None,
                "ends_on": self.ends_on.isoformat() if self.ends_on else None,
            },
            "pillars": list(self.pillars),
            "priorities": {
                kind: [p.label for p in self.priorities if p.kind == kind]
                for kind in (PriorityKind.THEMATIC, PriorityKind.TRANSVERSAL)
            },
            "governance_bodies": list(self.governance_bodies),
            "partners": [{"code": p.code, "name": p.name} for p in self.partners.values()],
            "glossary": [{"acronym": a, "meaning": m} for a, m in self.glossary.items()],
            "contributions": [{"partner": c.partner, "text": c.text} for c in self.contributions],
            "engagements": [
                {
                    "section": e.section,
                    "theme": e.theme,
                    "text": e.text,
                    "roles": [
                        {"partner": r.partner, "service": r.service, "role": str(r.role)}
                        for r in e.roles
                    ],
                    "source": {"line": e.line},
                }
                for e in self.engagements
            ],
            "warnings": [asdict(w) for w in self.warnings],
        }


# --------------------------------------------------------------------------- text helpers


def fold(value: str) -> str:
    """Lowercase without accents, for comparisons."""
    decomposed = unicodedata.normalize("NFKD", value.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def code_of(label: str) -> str:
    code = " ".join(fold(label).upper().split())
    return reference.CODE_ALIASES.get(code, code)


def capitalise(value: str) -> str:
    return value[:1].upper() + value[1:] if value else value


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


def is_letter_spaced(value: str) -> bool:
    return bool(re.fullmatch(r"(?:[^\W\d_] +){2,}[^\W\d_]", value.strip()))


def _is_heading(paragraph: Paragraph) -> bool:
    if paragraph.heading is not None:
        return paragraph.heading
    text = paragraph.text.strip()
    if not text or len(text) > 120 or len(text.split()) > 16:
        return False
    if text[-1] in ".:;,!?…" or text.startswith(("-", "•", "*", "«", '"')):
        return False
    if re.match(r"^\d+[.)]\s", text):
        return False
    return text[0].isupper() or text[0].isdigit()


def _parse_date(match: re.Match) -> date | None:
    month = MONTHS.get(fold(match.group("month")))
    if not month:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


# --------------------------------------------------------------------------- main entry


def extract(document: Document) -> Extraction:
    ex = Extraction(document=document)
    for note in document.notes:
        ex.warn("encoding", note)
    paragraphs = _merge_broken_paragraphs([b for b in document.blocks if isinstance(b, Paragraph)])
    tables = [b for b in document.blocks if isinstance(b, Table) and b.rows]
    blocks = _ordered_blocks(paragraphs, tables)

    _extract_identity(ex, paragraphs)
    _extract_glossary(ex, paragraphs, tables)
    section_of_table = _table_sections(ex, blocks)
    for table in tables:
        _extract_table(ex, table, section_of_table.get(id(table)), paragraphs)
    _extract_pillars(ex, paragraphs)
    _extract_priorities(ex, blocks)
    _extract_governance(ex, blocks)
    _extract_contributions(ex, blocks, section_of_table)
    _name_partners(ex, paragraphs)
    _check_names(ex, document, paragraphs, tables)
    if not tables:
        ex.warn(
            "no_table",
            "Aucun tableau d'engagements n'a été trouvé : aucun engagement n'est importé.",
        )
    elif not ex.engagements:
        ex.warn("no_engagement", "Des tableaux ont été trouvés mais aucun engagement n'y a été lu.")
    ex.warnings.sort(key=lambda w: (w.line is None, w.line or 0))
    return ex


def _ordered_blocks(paragraphs, tables):
    return sorted([*paragraphs, *tables], key=lambda b: b.line)


def _merge_broken_paragraphs(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join a paragraph cut in two by a stray blank line (next one starts in lowercase)."""
    merged: list[Paragraph] = []
    for paragraph in paragraphs:
        previous = merged[-1] if merged else None
        starts_lower = paragraph.text[:1].islower()
        if (
            previous is not None
            and starts_lower
            and paragraph.heading is not True
            and previous.heading is not True
            and previous.text[-1:] not in ".:;!?"
        ):
            previous.text = f"{previous.text} {paragraph.text}"
            continue
        merged.append(Paragraph(paragraph.text, paragraph.line, paragraph.heading))
    return merged


# --------------------------------------------------------------------------- identity


def _extract_identity(ex: Extraction, paragraphs: list[Paragraph]) -> None:
    if not paragraphs:
        ex.warn("no_title", "Le document ne contient aucun paragraphe de texte.")
        return
    ex.title = paragraphs[0].text
    folded_title = fold(ex.title)
    ex.is_amendment = any(word in folded_title for word in ("protocole", "avenant", "prolong"))

    quoted = re.search(r"«\s*(.+?)\s*»", ex.title) or _first_quoted_near_contract(paragraphs)
    if quoted:
        ex.territory = _proper_case(quoted.group(1))
        ex.contract_name = f"Contrat de ville « {ex.territory} »"
    else:
        ex.warn(
            "no_territory",
            "Le nom du territoire (entre « ») n'a pas été trouvé ; à saisir après import.",
            paragraphs[0].line,
        )

    full = [(p.text, p.line) for p in paragraphs]
    texts = [text for text, _ in full]
    ex.epci = next((e for e in map(_find_epci, texts) if e), None)
    ex.signed_on = _first_date(texts, r"sign[ée]e?s?\s+le\s+")
    ex.ends_on = _first_date(texts, r"jusqu.(?:au|à)\s+(?:le\s+)?")
    title_period = re.search(r"(?:19|20)(\d{2})\s*[-–à]\s*(?:19|20)(\d{2})", ex.title)
    periods = [
        (int(m.group(1)), int(m.group(2)), line)
        for text, line in full[1:]
        for m in re.finditer(r"p[ée]riode\s+((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})", text)
    ]
    if title_period:
        start, end = (int(x) for x in re.findall(r"(?:19|20)\d{2}", title_period.group(0)))
        ex.period = (start, end)
        if ex.ends_on is None:
            ex.ends_on = date(end, 12, 31)
            ex.warn(
                "date_inferred",
                f"Date de fin déduite de la période du titre ({start}-{end}) : 31/12/{end}.",
                paragraphs[0].line,
            )
    originals = [p for p in periods if ex.period is None or (p[0], p[1]) != ex.period]
    if originals:
        ex.original_ends_on = date(originals[0][1], 12, 31)
    if ex.signed_on is None:
        ex.warn("no_signature_date", "La date de signature du contrat n'a pas été trouvée.")
    if ex.ends_on is None:
        ex.warn("no_end_date", "La date de fin du contrat n'a pas été trouvée.")


def _first_date(texts: list[str], prefix: str) -> date | None:
    for text in texts:
        for match in re.finditer(prefix + _DATE, text, re.IGNORECASE):
            found = _parse_date(match)
            if found:
                return found
    return None


def _first_quoted_near_contract(paragraphs: list[Paragraph]) -> re.Match | None:
    for paragraph in paragraphs:
        match = re.search(r"contrat de ville\s+«\s*(.+?)\s*»", paragraph.text, re.IGNORECASE)
        if match:
            return match
    return None


def _proper_case(name: str) -> str:
    words = name.split()
    out = []
    for index, word in enumerate(words):
        if index and fold(word) in reference.STOPWORDS:
            out.append(word.lower())
        elif word.islower():
            out.append(capitalise(word))
        else:
            out.append(word)
    return " ".join(out)


def _find_epci(text: str) -> str | None:
    match = re.search(
        r"(communaut[ée] (?:de communes|d'agglom[ée]ration|urbaine)|m[ée]tropole)\b",
        text,
        re.IGNORECASE,
    )
    if not match:
        return None
    rest = text[match.end() :]
    tokens = re.findall(r"\s*(?:[dl]'|[^\s,;.()]+)", rest)
    name_tokens: list[str] = []
    for token in tokens:
        word = token.strip()
        if fold(word).rstrip("'") in reference.STOPWORDS or word[:1].isupper():
            name_tokens.append(token)
            continue
        break
    while name_tokens and fold(name_tokens[-1].strip()).rstrip("'") in reference.STOPWORDS:
        name_tokens.pop()
    if not name_tokens:
        return None
    prefix = capitalise(match.group(1))
    return (prefix + "".join(name_tokens)).strip()


# --------------------------------------------------------------------------- glossary


def _legend_pairs(text: str) -> list[tuple[str, str]]:
    pairs = [(m.group("acronym"), m.group("meaning").strip()) for m in _LEGEND_PAIR.finditer(text)]
    return pairs if len(pairs) >= 2 else []


def _extract_glossary(ex: Extraction, paragraphs, tables) -> None:
    texts = [(p.text, p.line) for p in paragraphs]
    texts += [(cell, row.line) for table in tables for row in table.rows for cell in row.cells]
    for text, line in texts:
        for acronym, meaning in _legend_pairs(text.replace("\n", " ")):
            code = code_of(acronym)
            if code in ex.glossary and fold(ex.glossary[code]) != fold(meaning):
                ex.warn(
                    "glossary_conflict",
                    f"Le sigle {code} est défini deux fois : « {ex.glossary[code]} » "
                    f"et « {meaning} ».",
                    line,
                )
                continue
            ex.glossary.setdefault(code, meaning)


# --------------------------------------------------------------------------- tables


def _table_sections(ex: Extraction, blocks) -> dict[int, str | None]:
    sections: dict[int, str | None] = {}
    last_heading: str | None = None
    for block in blocks:
        if isinstance(block, Paragraph):
            last_heading = block.text if _is_heading(block) else last_heading
        else:
            sections[id(block)] = last_heading
            last_heading = None
    return sections


@dataclass
class _Layout:
    partner_columns: dict[int, str]  # column index -> partner code
    other_column: int | None
    text_column: int
    theme_column: int | None
    legend: bool


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells) or index < 0:
        return ""
    return cells[index].strip()


def _is_mark_cell(value: str) -> bool:
    tokens = value.split()
    return bool(tokens) and bool(_MARK.match(tokens[0]))


def _is_header_row(row: Row) -> bool:
    filled = [c for c in row.cells if c.strip()]
    if not filled:
        return False
    if any(len(c) > _LONG_TEXT for c in filled) or any(_is_mark_cell(c) for c in filled):
        return False
    folded = " ".join(fold(c) for c in filled)
    if "chef" in folded or "associ" in folded or re.search(r"\bengagements?\b", folded):
        return True
    return len(filled) >= 3 and all(len(c) <= 30 for c in filled)


def _layout(ex: Extraction, header: list[Row]) -> _Layout | None:
    labels_row = next(
        (r for r in reversed(header) if sum(1 for c in r.cells if c.strip()) >= 2), None
    )
    if labels_row is None:
        return None
    folded_header = " ".join(fold(c) for r in header for c in r.cells)
    legend = "chef" in folded_header and "associ" in folded_header
    columns: dict[int, str] = {}
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
        columns[index] = code_of(value)
    if not columns:
        return None
    first = min([*columns, *([other] if other is not None else [])])
    if first == 0:
        return None
    text_column = first - 1
    theme_column = text_column - 1 if text_column >= 1 else None
    return _Layout(columns, other, text_column, theme_column, legend)


def _extract_table(ex: Extraction, table: Table, section: str | None, paragraphs) -> None:
    rows = [r for r in table.rows if any(c.strip() for c in r.cells)]
    header: list[Row] = []
    layout: _Layout | None = None
    theme: str | None = None
    for row in rows:
        if (
            _is_header_row(row)
            or (layout is None and header and _completes_header(ex, header, row))
        ) and not _legend_pairs(" ".join(row.cells)):
            if layout is not None:  # a second header inside the same block: a new table
                header, layout, theme = [], None, None
            header.append(row)
            continue
        if layout is None:
            layout = _layout(ex, header)
            if layout is None:
                ex.warn(
                    "table_without_partners",
                    "Tableau ignoré : aucune ligne d'en-tête ne nomme de partenaires.",
                    row.line,
                )
                return
            if not layout.legend:
                ex.warn(
                    "role_inferred",
                    "L'en-tête du tableau ne dit pas ce que signifient X et x : "
                    "X est lu comme « chef de file », x comme « partenaire associé ».",
                    row.line,
                )
            for code in layout.partner_columns.values():
                _add_partner(ex, code, row.line, grid=True)
            if section is None:
                ex.warn(
                    "section_missing",
                    "Aucun titre avant ce tableau : ses engagements sont classés sous "
                    "« Engagements ».",
                    row.line,
                )
        if _legend_pairs(" ".join(row.cells)):
            continue
        theme = _read_row(ex, row, layout, section or "Engagements", theme, paragraphs)


def _completes_header(ex: Extraction, header: list[Row], row: Row) -> bool:
    """A row of short labels (no mark, no text) under a header that names no partner yet.

    `_is_header_row` wants three labels; a table with only two partner columns has two.
    """
    filled = [c for c in row.cells if c.strip()]
    if not filled or any(len(c) > _LONG_TEXT or _is_mark_cell(c) for c in filled):
        return False
    return _layout(ex, header) is None and _layout(ex, [*header, row]) is not None


def _read_row(ex, row: Row, layout: _Layout, section: str, theme, paragraphs) -> str | None:
    cells = list(row.cells)
    text = _cell(cells, layout.text_column)
    theme_cell = _cell(cells, layout.theme_column)
    # A long text in the theme column is the engagement (merged cell, shifted row), unless the
    # text column holds a long text too: then it is a long theme label.
    if layout.theme_column is not None and len(theme_cell) > _LONG_TEXT >= len(text):
        if not text:
            ex.warn(
                "row_realigned",
                "Texte d'engagement trouvé dans la colonne des thèmes (cellule fusionnée) : "
                "il est lu comme texte de l'engagement.",
                row.line,
            )
        elif _is_mark_cell(text):
            cells.insert(layout.theme_column, "")
            ex.warn(
                "row_realigned",
                "Ligne décalée d'une colonne vers la gauche : elle a été réalignée.",
                row.line,
            )
        text, theme_cell = theme_cell, ""
        if not text:
            return theme
    elif theme_cell:
        theme = _theme_label(ex, theme_cell, row.line, paragraphs)
    if not text:
        if any(_cell(cells, i) for i in layout.partner_columns):
            ex.warn("empty_text", "Ligne avec des marques mais sans texte : ignorée.", row.line)
        return theme
    roles: list[RoleData] = []
    for index, code in layout.partner_columns.items():
        roles.extend(_roles_from_cell(ex, _cell(cells, index), code, row.line))
    if layout.other_column is not None:
        roles.extend(_roles_from_other(ex, _cell(cells, layout.other_column), row.line))
    extra = [c for i, c in enumerate(cells) if i > _last_column(layout) and c.strip()]
    if extra:
        ex.warn("extra_cells", f"Cellules hors colonnes ignorées : {' | '.join(extra)}.", row.line)
    ex.engagements.append(EngagementData(section, theme, text, roles, row.line, row.cells))
    return theme


def _last_column(layout: _Layout) -> int:
    return max([*layout.partner_columns, layout.other_column or 0])


def _theme_label(ex: Extraction, value: str, line: int, paragraphs) -> str:
    value = " ".join(value.split())
    needs_lookup = is_letter_spaced(value) or value.isupper()
    if not needs_lookup:
        return capitalise(value)
    letters = re.sub(r"[^\w]", "", fold(value))
    found = _find_letters(letters, paragraphs)
    if found:
        return capitalise(found)
    if is_letter_spaced(value) and "  " in value:
        return capitalise(" ".join(p.replace(" ", "") for p in value.split("  ")).lower())
    ex.warn(
        "theme_label",
        f"Intitulé de thème « {value} » reconstitué sans pouvoir vérifier ses mots ni ses "
        "accents dans le texte.",
        line,
    )
    return capitalise(letters)


def _find_letters(letters: str, paragraphs: list[Paragraph]) -> str | None:
    """Find consecutive words of the text whose letters spell `letters` (accents restored)."""
    for paragraph in paragraphs:
        words = _words(paragraph.text)
        folded = [fold(w) for w in words]
        for start in range(len(words)):
            built = ""
            for end in range(start, len(words)):
                built += folded[end]
                if built == letters:
                    phrase = " ".join(words[start : end + 1])
                    return phrase.lower() if not phrase.isupper() else phrase.capitalize()
                if not letters.startswith(built):
                    break
    return None


def _roles_from_cell(ex: Extraction, value: str, code: str, line: int) -> list[RoleData]:
    if not value:
        return []
    tokens = value.replace(",", " ").replace("/", " ").split()
    if not tokens:  # only separators, e.g. "," or "/": nothing is marked
        return []
    if not _MARK.match(tokens[0]):
        ex.warn(
            "mark_unrecognised",
            f"Marque « {value} » non reconnue dans la colonne {code} : rôle non précisé.",
            line,
        )
        role = Role.UNSPECIFIED
        services = [t for t in tokens if t.isupper() and len(t) > 1]
    else:
        role = Role.LEAD if tokens[0].isupper() else Role.ASSOCIATE
        if tokens[0] in "✓✔":
            role = Role.UNSPECIFIED
        services = tokens[1:]
    if not services:
        return [RoleData(code, None, role)]
    out = []
    for service in services:
        service_code = code_of(service)
        _add_partner(ex, service_code, line, parent=code)
        out.append(RoleData(code, service_code, role))
    return out


def _roles_from_other(ex: Extraction, value: str, line: int) -> list[RoleData]:
    if not value:
        return []
    tokens = [t for t in re.split(r"[\s,;/+]+|\bet\b", value) if t]
    role = Role.UNSPECIFIED
    if tokens and _MARK.match(tokens[0]) and len(tokens) > 1:
        role = Role.LEAD if tokens[0].isupper() else Role.ASSOCIATE
        tokens = tokens[1:]
    codes: list[str] = []
    for token in tokens:
        if len(token) == 1 and codes and token.isalpha():
            joined = codes[-1] + token.upper()
            ex.warn(
                "fragment_joined",
                f"Colonne « autre » : « {codes[-1]} {token} » lu comme « {joined} » "
                "(lettre isolée rattachée au sigle précédent).",
                line,
            )
            codes[-1] = joined
            continue
        codes.append(code_of(token))
    out = []
    for code in codes:
        _add_partner(ex, code, line)
        out.append(RoleData(code, None, role))
    return out


def _add_partner(ex: Extraction, code: str, line: int | None, *, grid=False, parent=None):
    partner = ex.partners.get(code)
    if partner is None:
        partner = PartnerData(code=code, name=None, parent=parent, line=line)
        ex.partners[code] = partner
    partner.is_grid_column = partner.is_grid_column or grid
    if parent and partner.parent is None and parent != code:
        partner.parent = parent
    return partner


# --------------------------------------------------------------------------- pillars


_NUMBERS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}


def _extract_pillars(ex: Extraction, paragraphs: list[Paragraph]) -> None:
    ex.pillars = list(dict.fromkeys(e.section for e in ex.engagements))
    for paragraph in paragraphs:
        match = re.search(
            r"\b(\d|deux|trois|quatre|cinq|six)\s+piliers?\b[^.:]*?(?:que sont|:)\s*([^.]+)",
            paragraph.text,
            re.IGNORECASE,
        )
        if not match:
            continue
        count = int(_NUMBERS.get(match.group(1).lower(), match.group(1)))
        if not ex.pillars:
            items = [
                re.sub(r"^(et|ainsi que)\s+", "", p.strip()) for p in match.group(2).split(",")
            ]
            ex.pillars = [capitalise(_strip_article(i)) for i in items if i]
            ex.warn(
                "pillars_from_text",
                "Piliers lus dans le texte faute de tableau d'engagements.",
                paragraph.line,
            )
        if count != len(ex.pillars):
            ex.warn(
                "pillar_count",
                f"Le texte annonce {count} piliers mais {len(ex.pillars)} ont été trouvés.",
                paragraph.line,
            )
        return


def _strip_article(value: str) -> str:
    return re.sub(r"^(la|le|les|l')\s*", "", value.strip(), flags=re.IGNORECASE)


# --------------------------------------------------------------------------- priorities


def _extract_priorities(ex: Extraction, blocks) -> None:
    kind: str | None = None
    for block in blocks:
        if not isinstance(block, Paragraph):
            kind = None
            continue
        text = block.text.strip()
        if text.startswith(("- ", "• ", "* ")) and kind:
            item = _strip_article(text[2:].strip())
            label, _, details = item.partition(",")
            ex.priorities.append(
                PriorityData(kind, capitalise(label.strip()), details.strip(), block.line)
            )
            continue
        folded = fold(text)
        kind = None
        if text.endswith(":"):
            if "transversal" in folded:
                kind = PriorityKind.TRANSVERSAL
            elif "thematique" in folded or ("priorites" in folded and "suivantes" in folded):
                kind = PriorityKind.THEMATIC


# --------------------------------------------------------------------------- governance


def _extract_governance(ex: Extraction, blocks) -> None:
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    start = next(
        (i for i, p in enumerate(paragraphs) if _is_heading(p) and "gouvernance" in fold(p.text)),
        None,
    )
    scope = paragraphs
    if start is not None:
        end = next(
            (
                i
                for i in range(start + 1, len(paragraphs))
                if re.match(r"^article\s+\d+", fold(paragraphs[i].text))
            ),
            len(paragraphs),
        )
        scope = paragraphs[start:end]
    found: list[tuple[int, int, str]] = []
    for order, paragraph in enumerate(scope):
        for pattern, name in reference.GOVERNANCE_PATTERNS:
            match = re.search(pattern, paragraph.text, re.IGNORECASE)
            if match:
                found.append((order, match.start(), name))
    ex.governance_bodies = list(dict.fromkeys(name for *_, name in sorted(found)))


# --------------------------------------------------------------------------- contributions


def _heading_partner(ex: Extraction, text: str) -> str | None:
    """The partner a heading introduces, by code, legend meaning or institutional word."""
    folded = fold(text)
    candidates: list[tuple[int, str]] = []
    for code in ex.partners:
        # Short codes (EN, CD) only count in capitals: « en » is a French word.
        haystack, needle = (text, code) if len(code) <= 2 else (folded, fold(code))
        match = re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", haystack)
        if match and len(code) > 1:
            candidates.append((match.start(), code))
    for code, meaning in ex.glossary.items():
        position = folded.find(fold(meaning))
        if position >= 0 and code in ex.partners:
            candidates.append((position, code))
    for word, kind in reference.HEADING_ALIASES:
        match = re.search(rf"(?<![\w]){re.escape(fold(word))}(?![\w])", folded)
        if not match:
            continue
        code = _partner_of_kind(ex, kind)
        if code is None and kind == OrganisationKind.CITIZEN_COUNCIL:
            code = reference.CITIZEN_COUNCIL_CODE
            partner = _add_partner(ex, code, None)
            partner.name = "Conseil citoyen"
            partner.kind = kind
        if code:
            candidates.append((match.start(), code))
    return min(candidates)[1] if candidates else None


def _partner_of_kind(ex: Extraction, kind: str) -> str | None:
    for code in ex.partners:
        if _kind_of(ex, code) == kind:
            return code
    return None


def _kind_of(ex: Extraction, code: str) -> str:
    partner = ex.partners[code]
    if partner.kind != OrganisationKind.OTHER:
        return partner.kind
    if code in reference.KNOWN_PARTNERS:
        return reference.KNOWN_PARTNERS[code][1]
    if code in reference.STATE_SERVICES or partner.parent == reference.STATE_CODE:
        return OrganisationKind.STATE_SERVICE
    name = fold(partner.name or ex.glossary.get(code, ""))
    for keyword, kind in reference.KIND_KEYWORDS:
        if fold(keyword) in name:
            return kind
    return OrganisationKind.OTHER


def _extract_contributions(ex: Extraction, blocks, section_of_table) -> None:
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    table_sections = {s for s in section_of_table.values() if s}
    _expand_unknown_codes(ex, paragraphs)
    current: ContributionData | None = None
    pending_title: Paragraph | None = None
    partner: str | None = None
    partner_heading = ""

    def close():
        nonlocal current
        if current is not None and not current.text and pending_title is not None:
            # A short line with nothing under it is a sentence, not a sub-heading.
            current.text, current.title = current.title, partner_heading
        if current is not None and current.text:
            ex.contributions.append(current)
        current = None

    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            close()
            partner = None
            pending_title = None
            continue
        if index == 0:
            continue
        if _is_heading(block):
            is_boundary = re.match(r"^(article|titre|chapitre|annexe)\b", fold(block.text))
            if is_boundary or block.text in table_sections:
                close()
                partner, pending_title = None, None
                continue
            found = _heading_partner(ex, block.text)
            if found:
                close()
                partner, partner_heading = found, block.text
                current = ContributionData(found, block.text, "", block.line)
                pending_title = None
                continue
            if partner:
                if pending_title is not None and current is not None:
                    current.text = _join(current.text, pending_title.text)
                    pending_title = None
                close()
                current = ContributionData(partner, block.text, "", block.line)
                pending_title = block
            continue
        if partner and current is not None:
            current.text = _join(current.text, block.text)
            pending_title = None
    close()
    for contribution in ex.contributions:
        _services_in_text(ex, contribution)


def _join(text: str, more: str) -> str:
    return f"{text}\n\n{more}" if text else more


def _services_in_text(ex: Extraction, contribution: ContributionData) -> None:
    """« les services de l'État (Direccte, ARS…) »: services hang under the partner."""
    for match in re.finditer(r"services[^().]{0,60}\(([^)]+)\)", contribution.text):
        for token in re.split(r"[,;]|\.\.\.|…", match.group(1)):
            token = token.strip()
            if (re.fullmatch(r"[A-ZÉ][A-Za-zÉ]{1,11}", token) and token[1:2].isupper()) or (
                token and code_of(token) in reference.STATE_SERVICES
            ):
                _add_partner(ex, code_of(token), contribution.line, parent=contribution.partner)


def _expand_unknown_codes(ex: Extraction, paragraphs: list[Paragraph]) -> None:
    """Names for codes the legend does not define, from the document's own words."""
    for code, partner in ex.partners.items():
        if code in ex.glossary or code in reference.KNOWN_PARTNERS or partner.name:
            continue
        if code in reference.STATE_SERVICES or " " in code:
            continue
        expansion = _find_expansion(code, paragraphs)
        if expansion:
            partner.name = expansion


def _find_expansion(code: str, paragraphs: list[Paragraph]) -> str | None:
    letters = fold(code)
    if not letters.isalpha() or len(letters) < 2:
        return None
    best: str | None = None
    for paragraph in paragraphs:
        tokens = re.findall(r"[dl]'|[^\W\d_]+(?:-[^\W\d_]+)*", paragraph.text)
        for start, word in enumerate(tokens):
            if fold(word)[0] != letters[0] or fold(word) in reference.STOPWORDS:
                continue
            matched, index, used = 0, start, []
            while index < len(tokens) and matched < len(letters):
                token = tokens[index]
                if fold(token).rstrip("'") in reference.STOPWORDS:
                    used.append(token)
                elif fold(token)[0] == letters[matched]:
                    used.append(token)
                    matched += 1
                else:
                    break
                index += 1
            if matched == len(letters):
                phrase = re.sub(r"([dl]') ", r"\1", " ".join(used))
                if phrase[:1].isupper():
                    return phrase
                best = best or capitalise(phrase)
    return best


# --------------------------------------------------------------------------- partners


def _name_partners(ex: Extraction, paragraphs) -> None:
    for code, partner in ex.partners.items():
        if code in ex.glossary:
            partner.name = capitalise(ex.glossary[code])
        elif partner.name:
            pass
        elif code in reference.KNOWN_PARTNERS:
            partner.name = reference.KNOWN_PARTNERS[code][0]
        elif code in reference.STATE_SERVICES:
            partner.name = reference.STATE_SERVICES[code]
        else:
            ex.warn(
                "unknown_acronym",
                f"Sigle inconnu : {code} (absent de la légende du document et des sigles "
                "nationaux connus) ; son nom est à compléter.",
                partner.line,
            )
        partner.kind = _kind_of(ex, code)
        if (
            partner.kind == OrganisationKind.STATE_SERVICE
            and partner.parent is None
            and reference.STATE_CODE in ex.partners
        ):
            partner.parent = reference.STATE_CODE
        if partner.kind == OrganisationKind.EPCI and ex.epci is None and partner.name:
            ex.epci = partner.name


# --------------------------------------------------------------------------- consistency


def _check_names(ex: Extraction, document: Document, paragraphs, tables) -> None:
    """Flag a name written differently in the same document (« Loriol » / « Lorient »)."""
    if not ex.territory:
        return
    texts = [(p.text, p.line) for p in paragraphs]
    texts += [(c, r.line) for t in tables for r in t.rows for c in r.cells]
    variants: dict[str, list[int]] = {}
    spellings: dict[str, str] = {}
    reference_name = fold(ex.territory)
    for text, line in texts:
        for match in re.finditer(r"«\s*(.+?)\s*»", text):
            candidate = match.group(1)
            key = fold(candidate)
            if key == reference_name:
                variants.setdefault(key, []).append(line)
                spellings.setdefault(key, candidate)
                continue
            ratio = difflib.SequenceMatcher(None, key, reference_name).ratio()
            if ratio >= 0.75 and len(key.split()) == len(reference_name.split()):
                variants.setdefault(key, []).append(line)
                spellings.setdefault(key, candidate)
    others = [k for k in variants if k != reference_name]
    if not others:
        return
    listed = "; ".join(
        f"« {_proper_case(spellings[k])} » (lignes {_lines(variants[k])})" for k in variants
    )
    ex.warn(
        "name_mismatch",
        f"Le territoire est écrit de plusieurs façons : {listed}. Le titre retient "
        f"« {ex.territory} » ; à vérifier.",
        min(variants[others[0]]),
    )
    reference_words = set(reference_name.split())
    for key in others:
        for word in set(key.split()) - reference_words:
            original = next(w for w in _words(spellings[key]) if fold(w) == word)
            lines = [
                line
                for text, line in texts
                if re.search(rf"\b{re.escape(original)}\b", text, re.IGNORECASE)
                and not re.search(r"«[^»]*" + re.escape(original), text, re.IGNORECASE)
            ]
            if lines:
                ex.warn(
                    "name_mismatch",
                    f"« {original} » apparaît aussi hors du nom du territoire "
                    f"(lignes {_lines(lines)}) : nom de commune à vérifier.",
                    lines[0],
                )


def _lines(lines: list[int]) -> str:
    return ", ".join(str(n) for n in sorted(set(lines)))
