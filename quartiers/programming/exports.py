"""The consolidated view of a call's applications and the programming table built from it.

`consolidate()` reads a call's applications with a constant number of queries: per application
and per funder, the amount asked, the funder's opinion (proposed amount, grid score) and the
comité de pilotage's decision. The instruction list, the committee sessions, the programming
table page and its exports (xlsx and ods with `core.spreadsheets`, pdf with `core.pdf`) all
read it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from quartiers.core import pdf, spreadsheets
from quartiers.programming import services
from quartiers.programming.enums import BudgetSide, DecisionOutcome
from quartiers.programming.models import (
    SUBSIDY_ACCOUNT,
    Application,
    BudgetLine,
    CallForProjects,
    TechnicalOpinion,
)

ZERO = Decimal("0")
FORMATS = ("xlsx", "ods", "pdf")
CONTENT_TYPES = {**spreadsheets.CONTENT_TYPES, "pdf": pdf.PDF_CONTENT_TYPE}
PDF_TEMPLATE = "programming/committees/programming_table_pdf.html"
PDF_STYLESHEET = "programming/committees/programming_table_pdf.css"


@dataclass
class FunderCell:
    """One application and one funder: asked → opinion (proposed, score) → decision."""

    funder: object
    asked: Decimal = ZERO
    opinion: object = None
    score: Decimal | None = None
    decision: object = None

    @property
    def is_asked(self) -> bool:
        return self.asked > 0

    @property
    def proposed(self) -> Decimal | None:
        return self.opinion.proposed_amount if self.opinion is not None else None

    @property
    def granted(self) -> Decimal:
        if self.decision is not None and self.decision.outcome == DecisionOutcome.GRANTED:
            return self.decision.amount
        return ZERO


@dataclass
class Row:
    application: Application
    cells: list[FunderCell]
    total_budget: Decimal
    technical_opinions: list = field(default_factory=list)

    @property
    def asked_cells(self) -> list[FunderCell]:
        return [cell for cell in self.cells if cell.is_asked]

    @property
    def asked_total(self) -> Decimal:
        return sum((cell.asked for cell in self.cells), ZERO)

    @property
    def proposed_total(self) -> Decimal:
        return sum((cell.proposed or ZERO for cell in self.cells), ZERO)

    @property
    def granted_total(self) -> Decimal:
        return sum((cell.granted for cell in self.cells), ZERO)

    @property
    def average_score(self) -> Decimal | None:
        scores = [cell.score for cell in self.cells if cell.score is not None]
        if not scores:
            return None
        return (sum(scores, ZERO) / len(scores)).quantize(Decimal("0.1"))

    @property
    def technical_opinion(self):
        """The latest opinion of the comité technique, if any."""
        return self.technical_opinions[-1] if self.technical_opinions else None

    @property
    def decision_label(self) -> str:
        decisions = [cell.decision for cell in self.asked_cells if cell.decision is not None]
        if not decisions:
            return "en attente"
        outcomes = {decision.outcome for decision in decisions}
        for outcome in (DecisionOutcome.GRANTED, DecisionOutcome.ADJOURNED):
            if outcome in outcomes:
                label = outcome.label
                break
        else:
            label = DecisionOutcome.REFUSED.label
        if len(decisions) < len(self.asked_cells):
            label += " (décision partielle)"
        return label


@dataclass
class Consolidation:
    call: CallForProjects
    funders: list  # the columns: organisations
    rows: list[Row]
    criteria: list
    envelopes: dict = field(default_factory=dict)  # organisation pk → the call's envelope

    @property
    def totals(self) -> list[dict]:
        """Per funder (in column order): envelope, total asked, proposed and granted."""
        return [
            {
                "funder": funder,
                "envelope": self.envelopes.get(funder.pk),
                "asked": sum((row.cells[i].asked for row in self.rows), ZERO),
                "proposed": sum((row.cells[i].proposed or ZERO for row in self.rows), ZERO),
                "granted": sum((row.cells[i].granted for row in self.rows), ZERO),
            }
            for i, funder in enumerate(self.funders)
        ]

    @property
    def total_budget(self) -> Decimal:
        return sum((row.total_budget for row in self.rows), ZERO)

    @property
    def asked_total(self) -> Decimal:
        return sum((row.asked_total for row in self.rows), ZERO)

    @property
    def granted_total(self) -> Decimal:
        return sum((row.granted_total for row in self.rows), ZERO)


def consolidate(call: CallForProjects, applications=None, funders=None) -> Consolidation:
    """The call's submitted applications (or `applications`), one column per funder.

    Columns are the call's funders, followed by any other funder an application asks (so the
    totals always add up); pass `funders` to show only those columns.
    """
    if applications is None:
        applications = Application.objects.for_call(call).submitted()
    criteria = list(call.criteria.all())
    applications = list(
        applications.select_related(
            "call__contract", "carrier", "action", "pillar", "theme"
        ).prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("funder")),
            "opinions",
            "decisions",
            Prefetch(
                "technical_opinions",
                queryset=TechnicalOpinion.objects.select_related("session").order_by(
                    "session__held_on", "pk"
                ),
            ),
        )
    )
    envelopes = {}
    if funders is None:
        call_funders = list(call.funders.select_related("organisation"))
        envelopes = {f.organisation_id: f.envelope for f in call_funders}
        funders = [f.organisation for f in call_funders]
        known = {funder.pk for funder in funders}
        others = {
            line.funder_id: line.funder
            for application in applications
            for line in application.budget_lines.all()
            if line.funder_id and line.amount > 0 and line.funder_id not in known
        }
        funders += sorted(others.values(), key=lambda funder: funder.name)
    rows = [_row(application, funders, criteria) for application in applications]
    return Consolidation(
        call=call, funders=list(funders), rows=rows, criteria=criteria, envelopes=envelopes
    )


def _row(application, funders, criteria) -> Row:
    asked: dict[int, Decimal] = {}
    total_budget = ZERO
    for line in application.budget_lines.all():
        if line.side == BudgetSide.CHARGE:
            total_budget += line.amount
        elif line.account == SUBSIDY_ACCOUNT and line.funder_id:
            asked[line.funder_id] = asked.get(line.funder_id, ZERO) + line.amount
    opinions = {opinion.funder_id: opinion for opinion in application.opinions.all()}
    decisions = {decision.funder_id: decision for decision in application.decisions.all()}
    cells = []
    for funder in funders:
        opinion = opinions.get(funder.pk)
        cells.append(
            FunderCell(
                funder=funder,
                asked=asked.get(funder.pk, ZERO),
                opinion=opinion,
                score=services.grid_score(opinion, criteria) if opinion else None,
                decision=decisions.get(funder.pk),
            )
        )
    return Row(
        application=application,
        cells=cells,
        total_budget=total_budget,
        technical_opinions=list(application.technical_opinions.all()),
    )


# --------------------------------------------------------------------------- programming table


def table_title(call: CallForProjects) -> str:
    return f"Programmation {call.year} — {call.title}"


def programming_table(consolidation: Consolidation) -> tuple[list[str], list[list]]:
    """Header, one row per application, then the total row (sum of the granted decisions)."""
    header = [
        "Porteur",
        "Action",
        "Pilier",
        "Thème",
        "Budget total",
        *(
            f"{funder} — {what}"
            for funder in consolidation.funders
            for what in ("demandé", "accordé")
        ),
        "Total demandé",
        "Total accordé",
        "Décision",
    ]
    rows = []
    for row in consolidation.rows:
        application = row.application
        rows.append(
            [
                application.carrier.name,
                application.title,
                application.pillar.name if application.pillar else "",
                application.theme.name if application.theme else "",
                row.total_budget,
                *(amount for cell in row.cells for amount in (cell.asked, cell.granted)),
                row.asked_total,
                row.granted_total,
                row.decision_label,
            ]
        )
    rows.append(
        [
            "Total",
            "",
            "",
            "",
            consolidation.total_budget,
            *(total[key] for total in consolidation.totals for key in ("asked", "granted")),
            consolidation.asked_total,
            consolidation.granted_total,
            "",
        ]
    )
    return header, rows


def programming_pdf(consolidation: Consolidation, *, generated_on: datetime.date) -> bytes:
    """The table the comité de pilotage signs: A4 landscape, with a signature block."""
    return pdf.render_pdf(
        template=PDF_TEMPLATE,
        stylesheet=PDF_STYLESHEET,
        context={
            "title": table_title(consolidation.call),
            "consolidation": consolidation,
            "contract": consolidation.call.contract,
            "generated_on": generated_on,
        },
    )


def export_programming(consolidation: Consolidation, fmt: str, *, generated_on) -> bytes:
    if fmt == "pdf":
        return programming_pdf(consolidation, generated_on=generated_on)
    header, rows = programming_table(consolidation)
    return spreadsheets.write(fmt, header, rows, title=f"Programmation {consolidation.call.year}")
