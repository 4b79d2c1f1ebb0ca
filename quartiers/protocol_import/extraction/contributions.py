"""Contributions pass: the free text under each partner's heading (« CCVD », « La caf de la
Drôme », « Commune de X »), split by sub-headings; services named in parentheses."""

import re
from dataclasses import dataclass

from quartiers.contracts.content import ContributionData
from quartiers.core.enums import OrganisationKind
from quartiers.protocol_import import reference
from quartiers.protocol_import.documents import Table
from quartiers.protocol_import.extraction.partners import partner_of_kind
from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import code_of, fold, is_heading

_BOUNDARY = re.compile(r"^(article|titre|chapitre|annexe)\b")


@dataclass
class _Open:
    partner: str
    title: str
    text: str
    line: int


def heading_partner(draft: Draft, text: str) -> str | None:
    """The partner a heading introduces, by code, legend meaning or institutional word."""
    folded = fold(text)
    candidates: list[tuple[int, str]] = []
    for code in draft.partners:
        # Short codes (EN, CD) only count in capitals: « en » is a French word.
        haystack, needle = (text, code) if len(code) <= 2 else (folded, fold(code))
        match = re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", haystack)
        if match and len(code) > 1:
            candidates.append((match.start(), code))
    for code, meaning in draft.glossary.items():
        position = folded.find(fold(meaning))
        if position >= 0 and code in draft.partners:
            candidates.append((position, code))
    for word, kind in reference.HEADING_ALIASES:
        match = re.search(rf"(?<![\w]){re.escape(fold(word))}(?![\w])", folded)
        if not match:
            continue
        code = partner_of_kind(draft, kind)
        if code is None and kind == OrganisationKind.CITIZEN_COUNCIL:
            code = reference.CITIZEN_COUNCIL_CODE
            partner = draft.add_partner(code, None)
            partner.name = "Conseil citoyen"
            partner.kind = kind
        if code:
            candidates.append((match.start(), code))
    return min(candidates)[1] if candidates else None


def read_contributions(draft: Draft) -> None:
    table_sections = {s for s in draft.section_of_table.values() if s}
    current: _Open | None = None
    pending_title = None
    partner: str | None = None
    partner_heading = ""

    def close():
        nonlocal current
        if current is not None and not current.text and pending_title is not None:
            # A short line with nothing under it is a sentence, not a sub-heading.
            current.text, current.title = current.title, partner_heading
        if current is not None and current.text:
            draft.contributions.append(
                ContributionData(current.partner, current.title, current.text, current.line)
            )
        current = None

    for index, block in enumerate(draft.blocks):
        draft.check_time()
        if isinstance(block, Table):
            close()
            partner, pending_title = None, None
            continue
        if index == 0:
            continue
        if is_heading(block):
            if _BOUNDARY.match(fold(block.text)) or block.text in table_sections:
                close()
                partner, pending_title = None, None
                continue
            found = heading_partner(draft, block.text)
            if found:
                close()
                partner, partner_heading = found, block.text
                current = _Open(found, block.text, "", block.line)
                pending_title = None
                continue
            if partner:
                if pending_title is not None and current is not None:
                    current.text = _join(current.text, pending_title.text)
                    pending_title = None
                close()
                current = _Open(partner, block.text, "", block.line)
                pending_title = block
            continue
        if partner and current is not None:
            current.text = _join(current.text, block.text)
            pending_title = None
    close()
    for contribution in draft.contributions:
        services_in_text(draft, contribution)


def _join(text: str, more: str) -> str:
    return f"{text}\n\n{more}" if text else more


def services_in_text(draft: Draft, contribution: ContributionData) -> None:
    """« les services de l'État (Direccte, ARS…) »: services hang under the partner."""
    for match in re.finditer(r"services[^().]{0,60}\(([^()]+)\)", contribution.text):
        for token in re.split(r"[,;]|\.\.\.|…", match.group(1)):
            token = token.strip()
            if (re.fullmatch(r"[A-ZÉ][A-Za-zÉ]{1,11}", token) and token[1:2].isupper()) or (
                token and code_of(token) in reference.STATE_SERVICES
            ):
                draft.add_partner(code_of(token), contribution.line, parent=contribution.partner)
