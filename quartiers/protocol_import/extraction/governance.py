"""Governance pass: the bodies named in the governance section (the whole text if none)."""

import re

from quartiers.protocol_import import reference
from quartiers.protocol_import.extraction.state import Draft
from quartiers.protocol_import.extraction.text import fold, is_heading


def read_governance(draft: Draft) -> None:
    paragraphs = draft.paragraphs
    start = next(
        (i for i, p in enumerate(paragraphs) if is_heading(p) and "gouvernance" in fold(p.text)),
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
    draft.governance_bodies = list(dict.fromkeys(name for *_, name in sorted(found)))
