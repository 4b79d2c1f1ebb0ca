"""Partners: names from the document (legend, acronym expansion), then national vocabulary;
kinds; State services under the State."""

import re

from quartiers.contracts.models import UNKNOWN_ACRONYM, UNKNOWN_ACRONYM_MESSAGE
from quartiers.core.enums import OrganisationKind
from quartiers.protocol_import import reference
from quartiers.protocol_import.documents import Paragraph
from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import capitalise, fold


def expand_acronyms(draft: Draft) -> None:
    """Names for codes the legend does not define, from the document's own words."""
    for code, partner in draft.partners.items():
        if code in draft.glossary or code in reference.KNOWN_PARTNERS or partner.name:
            continue
        if code in reference.STATE_SERVICES or " " in code:
            continue
        draft.check_time()
        expansion = find_expansion(code, draft.paragraphs)
        if expansion:
            partner.name = expansion


def find_expansion(code: str, paragraphs: list[Paragraph]) -> str | None:
    """Consecutive words whose initials spell `code` (stopwords skipped); capitalised first."""
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


def partner_of_kind(draft: Draft, kind: str) -> str | None:
    return next((code for code in draft.partners if kind_of(draft, code) == kind), None)


def kind_of(draft: Draft, code: str) -> str:
    partner = draft.partners[code]
    if partner.kind != OrganisationKind.OTHER:
        return partner.kind
    if code in reference.KNOWN_PARTNERS:
        return reference.KNOWN_PARTNERS[code][1]
    if code in reference.STATE_SERVICES or partner.parent == reference.STATE_CODE:
        return OrganisationKind.STATE_SERVICE
    name = fold(partner.name or draft.glossary.get(code, ""))
    for keyword, kind in reference.KIND_KEYWORDS:
        if fold(keyword) in name:
            return kind
    return OrganisationKind.OTHER


def name_partners(draft: Draft) -> None:
    for code, partner in draft.partners.items():
        if code in draft.glossary:
            partner.name = capitalise(draft.glossary[code])
        elif partner.name:
            pass
        elif code in reference.KNOWN_PARTNERS:
            partner.name = reference.KNOWN_PARTNERS[code][0]
        elif code in reference.STATE_SERVICES:
            partner.name = reference.STATE_SERVICES[code]
        else:
            draft.warn(
                UNKNOWN_ACRONYM,
                UNKNOWN_ACRONYM_MESSAGE.format(code=code),
                partner.line,
                partner=code,
            )
        partner.kind = kind_of(draft, code)
        if (
            partner.kind == OrganisationKind.STATE_SERVICE
            and partner.parent is None
            and reference.STATE_CODE in draft.partners
        ):
            partner.parent = reference.STATE_CODE
        if partner.kind == OrganisationKind.EPCI and draft.epci is None and partner.name:
            draft.epci = partner.name
