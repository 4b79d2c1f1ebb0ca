"""The consolidated view of a call's applications and the programming table built from it.

`consolidate()` reads a call's applications with a constant number of queries: per application
and per funder, its funding request (requested, proposed, granted), the funder's opinion (grid
score) and the comité de pilotage's decision; the totals per funder and per call are SQL sums
over the funding requests. The instruction list, the committee sessions, the programming table
page and its exports (xlsx and ods with `core.spreadsheets`, pdf with `core.pdf`) all read it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils.formats import date_format

from quartiers.core import pdf, spreadsheets
from quartiers.programming import services
from quartiers.programming.enums import BudgetSide, DecisionOutcome
from quartiers.programming.models import (
    ZERO,
    Application,
    BudgetLine,
    CallForProjects,
    FundingRequest,
    TechnicalOpinion,
)

FORMATS = ("xlsx", "ods", "pdf")
CONTENT_TYPES = {**spreadsheets.CONTENT_TYPES, "pdf": pdf.PDF_CONTENT_TYPE}
PDF_TEMPLATE = "programming/committees/programming_table_pdf.html"
PDF_STYLESHEET = "programming/committees/programming_table_pdf.css"
# The signed table is downloaded again and again (each funder, the committee): the same content
# is kept for an hour (`core.pdf`: keyed by the content's hash). A first request renders it.
PDF_CACHE_SECONDS = 3600


@dataclass
class FunderCell:
    """One application and one funder: its funding request (None if not asked), the funder's
    opinion and grid score, the decision."""

    funder: object
    request: FundingRequest | None = None
    score: Decimal | None = None

    @property
    def is_requested(self) -> bool:
        return self.request is not None

    @property
    def requested(self) -> Decimal:
        return self.request.requested if self.request is not None else ZERO

    @property
    def proposed(self) -> Decimal | None:
        return self.request.proposed if self.request is not None else None

    @property
    def granted(self) -> Decimal:
        return self.request.granted if self.request is not None else ZERO

    @property
    def opinion(self):
        return getattr(self.request, "opinion", None) if self.request is not None else None

    @property
    def decision(self):
        return getattr(self.request, "decision", None) if self.request is not None else None


@dataclass
class Row:
    application: Application
    cells: list[FunderCell]
    total_budget: Decimal
    technical_opinions: list = field(default_factory=list)

    @property
    def requested_cells(self) -> list[FunderCell]:
        return [cell for cell in self.cells if cell.is_requested]

    @property
    def requested_total(self) -> Decimal:
        return sum((cell.requested for cell in self.cells), ZERO)

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
    def technical_label(self) -> str:
        """What the comité technique said, true to the records: its latest opinion, or that it
        has not examined the dossier yet, or (a dossier past that stage with no opinion
        recorded, e.g. imported) that no opinion is recorded."""
        opinion = self.technical_opinion
        if opinion is not None:
            held_on = date_format(opinion.session.held_on, "j F Y")
            return f"{opinion.get_opinion_display()} (séance du {held_on})"
        if self.application.status in services.INSTRUCTABLE:
            return "pas encore examiné"
        return "aucun avis enregistré"

    @property
    def decision_label(self) -> str:
        decisions = [cell.decision for cell in self.requested_cells if cell.decision is not None]
        if not decisions:
            return "en attente"
        outcomes = {decision.outcome for decision in decisions}
        for outcome in (DecisionOutcome.GRANTED, DecisionOutcome.ADJOURNED):
            if outcome in outcomes:
                label = outcome.label
                break
        else:
            label = DecisionOutcome.REFUSED.label
        if len(decisions) < len(self.requested_cells):
            label += " (décision partielle)"
        return label


@dataclass
class Consolidation:
    call: CallForProjects
    funders: list  # the columns: organisations
    rows: list[Row]
    criteria: list
    envelopes: dict = field(default_factory=dict)  # organisation pk → the call's envelope
    by_funder: dict = field(default_factory=dict)  # organisation pk → sums of its requests
    overall: dict = field(default_factory=dict)  # sums of every request of the rows
    budget_total: Decimal | None = None  # over `totals_of` (SQL) when the rows are one page

    @property
    def totals(self) -> list[dict]:
        """Per funder (in column order): envelope, then the sums of its funding requests."""
        empty = {"requested": ZERO, "proposed": ZERO, "granted": ZERO}
        return [
            {
                "funder": funder,
                "envelope": self.envelopes.get(funder.pk),
                **{key: self.by_funder.get(funder.pk, empty)[key] for key in empty},
            }
            for funder in self.funders
        ]

    @property
    def steering_sessions(self) -> list:
        """The comité de pilotage sessions whose decisions the rows show (held: they decided),
        by date; read from the prefetched decisions (no query)."""
        sessions = {
            cell.decision.session_id: cell.decision.session
            for row in self.rows
            for cell in row.requested_cells
            if cell.decision is not None
        }
        return sorted(sessions.values(), key=lambda session: session.held_on)

    @property
    def steering_label(self) -> str:
        """« Comité de pilotage du 1 avril 2025 », or plainly that none has decided yet."""
        sessions = self.steering_sessions
        if not sessions:
            return "Aucune séance du comité de pilotage n'a encore décidé de ces dossiers."
        dates = [date_format(session.held_on, "j F Y") for session in sessions]
        if len(dates) == 1:
            return f"Comité de pilotage du {dates[0]}"
        return f"Comités de pilotage des {', '.join(dates[:-1])} et {dates[-1]}"

    @property
    def approval_label(self) -> str:
        """The heading of the PDF's signature block."""
        sessions = self.steering_sessions
        if not sessions:
            return (
                "Aucune séance du comité de pilotage n'a encore décidé de ces dossiers : "
                "tableau provisoire."
            )
        if len(sessions) == 1:
            return "Vu et approuvé par le c" + self.steering_label[1:]
        return "Vu et approuvé par les c" + self.steering_label[1:]

    @property
    def total_budget(self) -> Decimal:
        if self.budget_total is not None:
            return self.budget_total
        return sum((row.total_budget for row in self.rows), ZERO)

    @property
    def requested_total(self) -> Decimal:
        return self.overall.get("requested", ZERO)

    @property
    def proposed_total(self) -> Decimal:
        return self.overall.get("proposed", ZERO)

    @property
    def granted_total(self) -> Decimal:
        return self.overall.get("granted", ZERO)


def consolidate(
    call: CallForProjects, applications=None, funders=None, totals_of=None
) -> Consolidation:
    """The call's submitted applications (or `applications`), one column per funder.

    Columns are the call's funders, followed by any other funder an application asks (so the
    totals always add up); pass `funders` to show only those columns. When `applications` is
    one page of a list, `totals_of` (a queryset of applications: the whole list) is what the
    totals sum, in SQL.
    """
    if applications is None:
        applications = Application.objects.for_call(call).submitted()
    criteria = list(call.criteria.all())
    applications = list(
        applications.select_related("contract", "call", "carrier", "action", "pillar", "theme")
        .annotate(
            total_budget=Sum("budget_lines__amount", filter=Q(budget_lines__side=BudgetSide.CHARGE))
        )
        .prefetch_related(
            Prefetch(
                "funding_requests",
                queryset=FundingRequest.objects.select_related(
                    "funder", "opinion", "decision__session__meeting"
                ),
            ),
            Prefetch(
                "technical_opinions",
                queryset=TechnicalOpinion.objects.select_related("session__meeting").order_by(
                    "session__meeting__date", "pk"
                ),
            ),
        )
    )
    budget_total = None
    if totals_of is None:
        requests = FundingRequest.objects.filter(application__in=[a.pk for a in applications])
    else:
        whole = totals_of.order_by().values("pk")
        requests = FundingRequest.objects.filter(application__in=whole)
        budget_total = (
            BudgetLine.objects.filter(application__in=whole, side=BudgetSide.CHARGE).aggregate(
                total=Sum("amount")
            )["total"]
            or ZERO
        )
    envelopes = {}
    if funders is None:
        call_funders = list(call.funders.select_related("organisation"))
        envelopes = {f.organisation_id: f.envelope for f in call_funders}
        funders = [f.organisation for f in call_funders]
        known = {funder.pk for funder in funders}
        others = {
            request.funder_id: request.funder
            for application in applications
            for request in application.funding_requests.all()
            if request.funder_id not in known
        }
        funders += sorted(others.values(), key=lambda funder: funder.name)
    else:
        requests = requests.for_funders(funders)
    rows = [_row(application, funders, criteria) for application in applications]
    return Consolidation(
        call=call,
        funders=list(funders),
        rows=rows,
        criteria=criteria,
        envelopes=envelopes,
        by_funder=requests.totals_by_funder(),
        overall=requests.totals(),
        budget_total=budget_total,
    )


def _row(application, funders, criteria) -> Row:
    requests = {request.funder_id: request for request in application.funding_requests.all()}
    cells = []
    for funder in funders:
        request = requests.get(funder.pk)
        opinion = getattr(request, "opinion", None) if request is not None else None
        cells.append(
            FunderCell(
                funder=funder,
                request=request,
                score=services.grid_score(opinion, criteria) if opinion else None,
            )
        )
    return Row(
        application=application,
        cells=cells,
        total_budget=application.total_budget or ZERO,
        technical_opinions=list(application.technical_opinions.all()),
    )


# --------------------------------------------------------------------------- instruction table


def instruction_table(consolidation: Consolidation) -> tuple[list[str], list[list]]:
    """The consolidated view of a call as a spreadsheet: per funder shown, requested, proposed
    and opinion (never a private note); then the average grid score, the comité technique's
    opinion and the decision."""
    header = [
        "Dossier",
        "Porteur",
        "État",
        "Pilier",
        "Thème",
        *(
            f"{funder} — {what}"
            for funder in consolidation.funders
            for what in ("demandé", "proposé", "avis")
        ),
        "Note moyenne",
        "Comité technique",
        "Décision",
    ]
    rows = []
    for row in consolidation.rows:
        application = row.application
        technical = row.technical_opinion
        rows.append(
            [
                application.title,
                application.carrier.name,
                application.get_status_display(),
                application.pillar.name if application.pillar else "",
                application.theme.name if application.theme else "",
                *(
                    value
                    for cell in row.cells
                    for value in (
                        cell.requested if cell.is_requested else "",
                        cell.proposed if cell.proposed is not None else "",
                        _opinion_words(cell),
                    )
                ),
                row.average_score if row.average_score is not None else "",
                technical.get_opinion_display() if technical else "",
                row.decision_label,
            ]
        )
    return header, rows


def _opinion_words(cell: FunderCell) -> str:
    if not cell.is_requested:
        return ""
    opinion = cell.opinion
    return opinion.get_opinion_display() if opinion and opinion.opinion else "à instruire"


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
                *(amount for cell in row.cells for amount in (cell.requested, cell.granted)),
                row.requested_total,
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
            *(total[key] for total in consolidation.totals for key in ("requested", "granted")),
            consolidation.requested_total,
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
        cache_for=PDF_CACHE_SECONDS,
    )


def export_programming(consolidation: Consolidation, fmt: str, *, generated_on) -> bytes:
    if fmt == "pdf":
        return programming_pdf(consolidation, generated_on=generated_on)
    header, rows = programming_table(consolidation)
    rows.append(["Comité de pilotage", consolidation.steering_label])
    return spreadsheets.write(fmt, header, rows, title=f"Programmation {consolidation.call.year}")
