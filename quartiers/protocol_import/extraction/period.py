"""Period pass: signature date, end dates, the period of a protocol or amendment."""

import re
from datetime import date

from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import fold

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


def read_period(draft: Draft) -> None:
    if not draft.paragraphs:
        return
    full = [(p.text, p.line) for p in draft.paragraphs]
    texts = [text for text, _ in full]
    draft.signed_on = _first_date(texts, r"sign[ée]e?s?\s+le\s+")
    draft.ends_on = _first_date(texts, r"jusqu.(?:au|à)\s+(?:le\s+)?")
    title_period = re.search(r"(?:19|20)(\d{2})\s*[-–à]\s*(?:19|20)(\d{2})", draft.title)
    periods = [
        (int(m.group(1)), int(m.group(2)))
        for text, _ in full[1:]
        for m in re.finditer(r"p[ée]riode\s+((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})", text)
    ]
    if title_period:
        start, end = (int(x) for x in re.findall(r"(?:19|20)\d{2}", title_period.group(0)))
        draft.period = (start, end)
        if draft.ends_on is None:
            draft.ends_on = date(end, 12, 31)
            draft.warn(
                "date_inferred",
                f"Date de fin déduite de la période du titre ({start}-{end}) : 31/12/{end}.",
                draft.paragraphs[0].line,
            )
    originals = [p for p in periods if draft.period is None or p != draft.period]
    if originals:
        draft.original_ends_on = date(originals[0][1], 12, 31)
    if draft.signed_on is None:
        draft.warn("no_signature_date", "La date de signature du contrat n'a pas été trouvée.")
    if draft.ends_on is None:
        draft.warn("no_end_date", "La date de fin du contrat n'a pas été trouvée.")


def _first_date(texts: list[str], prefix: str) -> date | None:
    for text in texts:
        for match in re.finditer(prefix + _DATE, text, re.IGNORECASE):
            found = _parse_date(match)
            if found:
                return found
    return None


def _parse_date(match: re.Match) -> date | None:
    month = MONTHS.get(fold(match.group("month")))
    if not month:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None
