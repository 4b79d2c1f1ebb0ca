"""A contract's imported content as plain data: what an import reads and what is stored.

`protocol_import` builds an `ImportedContent` from a document; `contracts.services.snapshot`
builds one from the database; `contracts.services.sync_imported_content` writes one. Two
contents are equal when the database would hold the same rows: provenance (source lines,
raw cells) and review notes (warnings) do not take part in the comparison.

The types live here, below `protocol_import`, so that contracts never imports the importer.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class SourceInfo:
    """The document the content was read from."""

    name: str
    sha256: str
    title: str
    format: str


@dataclass(frozen=True)
class ContractData:
    name: str
    territory: str
    epci: str | None
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None  # the initial end, before protocols and amendments
    generation: str


@dataclass(frozen=True)
class AmendmentData:
    """A protocol or amendment; imported ones are identified by (kind, starts_on)."""

    kind: str
    title: str
    starts_on: date | None
    ends_on: date | None
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PartnerData:
    code: str
    name: str
    kind: str
    parent: str | None
    is_grid_column: bool
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RoleData:
    partner: str
    service: str | None
    role: str


@dataclass(frozen=True)
class EngagementData:
    pillar: str
    theme: str | None
    text: str
    roles: tuple[RoleData, ...]  # sorted by (partner, service)
    line: int | None = field(default=None, compare=False)
    raw_cells: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class PriorityData:
    kind: str
    label: str
    details: str
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ContributionData:
    partner: str
    title: str
    text: str
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class GlossaryData:
    acronym: str
    meaning: str


@dataclass(frozen=True)
class WarningData:
    """Something the extraction could not decide. Its subject, when it has one, is what a
    person corrects to settle it: `partner` (a partner's code, e.g. a partner left unnamed) or
    `engagement` (an engagement's number, its rank in `ImportedContent.engagements`, e.g. a mark
    of its row not recognised)."""

    code: str
    message: str
    line: int | None = None
    partner: str | None = None
    engagement: int | None = None


@dataclass(frozen=True)
class ImportedContent:
    source: SourceInfo | None = field(compare=False)
    contract: ContractData
    amendments: tuple[AmendmentData, ...]
    pillars: tuple[str, ...]
    priorities: tuple[PriorityData, ...]
    governance_bodies: tuple[str, ...]
    partners: tuple[PartnerData, ...]
    glossary: tuple[GlossaryData, ...]  # sorted by acronym
    contributions: tuple[ContributionData, ...]
    engagements: tuple[EngagementData, ...]  # engagement n is engagements[n - 1]
    warnings: tuple[WarningData, ...] = field(default=(), compare=False)

    @property
    def ends_on(self) -> date | None:
        """The effective end: the latest of the initial end and the amendments' ends."""
        ends = [self.contract.ends_on, *(a.ends_on for a in self.amendments)]
        return max((d for d in ends if d), default=None)

    def partner(self, code: str) -> PartnerData | None:
        return next((p for p in self.partners if p.code == code), None)


def sorted_roles(roles) -> tuple[RoleData, ...]:
    """Roles in the one order both sides use, so that equal grids compare equal."""
    return tuple(sorted(roles, key=lambda r: (r.partner, r.service or "")))
