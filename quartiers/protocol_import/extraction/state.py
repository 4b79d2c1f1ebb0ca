"""The working state the passes fill in, and its freezing into an `ImportedContent`.

Passes need to complete partners as they go (a name from the legend, a parent from a
heading), so the draft is mutable; what leaves the pipeline is the frozen content.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from quartiers.contracts.content import (
    AmendmentData,
    ContractData,
    ContributionData,
    EngagementData,
    GlossaryData,
    ImportedContent,
    PartnerData,
    PriorityData,
    RoleData,
    SourceInfo,
    WarningData,
    sorted_roles,
)
from quartiers.contracts.enums import AmendmentKind, Generation
from quartiers.core.enums import OrganisationKind
from quartiers.protocol_import.documents import Document, Paragraph, Table

CV_2024_FROM = date(2023, 1, 1)  # contracts signed from then on are « Quartiers 2030 »


@dataclass
class PartnerDraft:
    code: str
    name: str = ""
    kind: str = OrganisationKind.OTHER
    parent: str | None = None
    is_grid_column: bool = False
    line: int | None = None


@dataclass
class Draft:
    document: Document
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    blocks: list[Paragraph | Table] = field(default_factory=list)
    section_of_table: dict[int, str | None] = field(default_factory=dict)  # id(table) -> heading
    title: str = ""
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
    partners: dict[str, PartnerDraft] = field(default_factory=dict)
    glossary: dict[str, str] = field(default_factory=dict)
    contributions: list[ContributionData] = field(default_factory=list)
    engagements: list[EngagementData] = field(default_factory=list)
    warnings: list[WarningData] = field(default_factory=list)

    def check_time(self) -> None:
        """Raise `DocumentError` once the document's time budget is spent."""
        self.document.deadline.check()

    def warn(
        self, code: str, message: str, line: int | None = None, *, partner: str | None = None
    ) -> None:
        """`partner`: the code of the partner the warning is about (see `WarningData`)."""
        warning = WarningData(code, message, line, partner=partner)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def add_partner(
        self, code: str, line: int | None, *, grid: bool = False, parent: str | None = None
    ) -> PartnerDraft:
        partner = self.partners.get(code)
        if partner is None:
            partner = PartnerDraft(code=code, parent=parent, line=line)
            self.partners[code] = partner
        partner.is_grid_column = partner.is_grid_column or grid
        if parent and partner.parent is None and parent != code:
            partner.parent = parent
        return partner

    def add_engagement(
        self,
        *,
        pillar: str,
        theme: str | None,
        text: str,
        roles: list[RoleData],
        row,
        warned_since: int | None = None,
    ) -> None:
        """The engagement of a grid row. `warned_since`: the length of `warnings` when the row
        began; the warnings raised since are about this engagement and name its number."""
        self.engagements.append(
            EngagementData(pillar, theme, text, sorted_roles(roles), row.line, tuple(row.cells))
        )
        if warned_since is not None:
            number = len(self.engagements)
            self.warnings[warned_since:] = [
                replace(w, engagement=number) for w in self.warnings[warned_since:]
            ]

    def freeze(self) -> ImportedContent:
        doc = self.document
        amendments = ()
        if self.is_amendment and self.ends_on:
            protocol = "protocole" in self.title.lower()
            amendments = (
                AmendmentData(
                    kind=AmendmentKind.PROTOCOL if protocol else AmendmentKind.AMENDMENT,
                    title=self.title[:500],
                    starts_on=date(self.period[0], 1, 1) if self.period else None,
                    ends_on=self.ends_on,
                    line=self.paragraphs[0].line if self.paragraphs else None,
                ),
            )
        generation = Generation.CV_2015
        if self.signed_on and self.signed_on >= CV_2024_FROM:
            generation = Generation.CV_2024
        contract_name = f"Contrat de ville « {self.territory} »" if self.territory else ""
        return ImportedContent(
            source=SourceInfo(doc.name, doc.sha256, self.title[:500], doc.format),
            contract=ContractData(
                name=contract_name or self.title[:300] or doc.name,
                territory=self.territory,
                epci=self.epci,
                signed_on=self.signed_on,
                starts_on=self.signed_on,
                ends_on=self.original_ends_on if self.is_amendment else self.ends_on,
                generation=generation,
            ),
            amendments=amendments,
            pillars=tuple(self.pillars),
            priorities=tuple(self.priorities),
            governance_bodies=tuple(self.governance_bodies),
            partners=tuple(
                PartnerData(p.code, p.name, p.kind, p.parent, p.is_grid_column, p.line)
                for p in self.partners.values()
            ),
            glossary=tuple(GlossaryData(a, m) for a, m in sorted(self.glossary.items())),
            contributions=tuple(self.contributions),
            engagements=tuple(self.engagements),
            warnings=tuple(sorted(self.warnings, key=lambda w: (w.line is None, w.line or 0))),
        )
