"""The extraction pipeline: the passes, in the one order they run.

Each pass reads the document and what earlier passes found from the `Draft`, and adds to
it; whatever a rule cannot decide becomes a warning, never a silent guess.
"""

from collections.abc import Callable

from quartiers.contracts.content import ImportedContent
from quartiers.protocol_import.documents import Document
from quartiers.protocol_import.extraction import (
    checks,
    contributions,
    glossary,
    governance,
    grid,
    identity,
    partners,
    period,
    pillars,
    structure,
)
from quartiers.protocol_import.extraction.state import Draft

PASSES: list[Callable[[Draft], None]] = [
    structure.read_structure,  # paragraphs, tables, the heading above each table
    identity.read_identity,  # title, amendment or not, territory, EPCI
    period.read_period,  # signature date, end dates, period
    glossary.read_glossary,  # legend lines anywhere (needed by the grid's partner names)
    grid.read_grid,  # engagement tables: partner columns, marks, services, themes
    pillars.read_pillars,  # table headings, checked against « N piliers que sont … »
    pillars.read_priorities,  # thematic and transversal lists
    governance.read_governance,  # bodies named in the governance section
    partners.expand_acronyms,  # names of undefined codes from the document's own words
    contributions.read_contributions,  # text under partner headings; services in ( )
    partners.name_partners,  # legend, then national vocabulary; kinds; State services
    checks.check_names,  # the territory written two ways
]


def extract(
    document: Document, *, progress: Callable[[int], None] | None = None
) -> ImportedContent:
    """Run the passes; `progress(n)` is told before the n-th pass (from 1) starts."""
    draft = Draft(document=document)
    for number, run in enumerate(PASSES, start=1):
        draft.check_time()
        if progress:
            progress(number)
        run(draft)
    return draft.freeze()
