"""Pillars and priorities: table headings are pillars, checked against the text's count;
the lists after « thématiques suivantes : » and « priorités transversales : »."""

import re

from quartiers.contracts.content import PriorityData
from quartiers.contracts.enums import PriorityKind
from quartiers.protocol_import.documents import Paragraph
from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import capitalise, fold, strip_article

_NUMBERS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}
_ANNOUNCE = re.compile(
    r"\b(\d|deux|trois|quatre|cinq|six)\s+piliers?\b[^.:]{0,300}?(?:que sont|:)\s*([^.]+)",
    re.IGNORECASE,
)


def read_pillars(draft: Draft) -> None:
    draft.pillars = list(dict.fromkeys(e.pillar for e in draft.engagements))
    for paragraph in draft.paragraphs:
        match = _ANNOUNCE.search(paragraph.text)
        if not match:
            continue
        count = int(_NUMBERS.get(match.group(1).lower(), match.group(1)))
        if not draft.pillars:
            items = [
                re.sub(r"^(et|ainsi que)\s+", "", p.strip()) for p in match.group(2).split(",")
            ]
            draft.pillars = [capitalise(strip_article(i)) for i in items if i]
            draft.warn(
                "pillars_from_text",
                "Piliers lus dans le texte faute de tableau d'engagements.",
                paragraph.line,
            )
        if count != len(draft.pillars):
            draft.warn(
                "pillar_count",
                f"Le texte annonce {count} piliers mais {len(draft.pillars)} ont été trouvés.",
                paragraph.line,
            )
        return


def read_priorities(draft: Draft) -> None:
    kind: str | None = None
    for block in draft.blocks:
        if not isinstance(block, Paragraph):
            kind = None
            continue
        text = block.text.strip()
        if text.startswith(("- ", "• ", "* ")) and kind:
            label, _, details = strip_article(text[2:].strip()).partition(",")
            draft.priorities.append(
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
