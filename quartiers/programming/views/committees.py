"""Views: committee sessions (comité technique, comité de pilotage) and the programming table."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, register_converter, reverse
from django.utils import timezone

from quartiers.core import idempotency
from quartiers.core.forms import BaseForm
from quartiers.core.pagination import paginate
from quartiers.programming import exports, permissions, services
from quartiers.programming.enums import CommitteeKind
from quartiers.programming.forms.committees import (
    AgendaForm,
    DecisionForm,
    SessionForm,
    SessionTableForm,
    TechnicalOpinionForm,
)
from quartiers.programming.models import Application, CommitteeSession
from quartiers.programming.views.calls import call_page
from quartiers.programming.views.instruction import breadcrumb

# --------------------------------------------------------------------------- session page


@dataclass
class TableRow:
    """One row of the session's table: a dossier (technical) or one funder it asks (steering).
    `form` is None when the dossier can no longer be ruled on by this session (`note` says
    why)."""

    key: str
    row: exports.Row
    cell: exports.FunderCell | None = None
    form: BaseForm | None = None
    note: str = ""

    @property
    def anchor(self) -> str:
        return f"ligne-{self.key}"

    @property
    def label(self) -> str:
        title = self.row.application.title
        return f"{title} — {self.cell.funder}" if self.cell is not None else title


def _table_rows(session, consolidation, data=None, editable=True) -> list[TableRow]:
    technical = session.kind == CommitteeKind.TECHNICAL
    allowed = services.examinable_statuses(session)
    rows = []
    for row in consolidation.rows:
        application = row.application
        ruled = application.status in allowed
        note = "" if ruled else _note(session, row)
        if technical:
            key = f"t{application.pk}"
            current = next((o for o in row.technical_opinions if o.session_id == session.pk), None)
            initial = {"opinion": current.opinion, "comment": current.comment} if current else {}
            form = (
                TechnicalOpinionForm(data, prefix=key, initial=initial)
                if ruled and editable
                else None
            )
            rows.append(TableRow(key, row, form=form, note=note))
            continue
        for cell in row.requested_cells:
            key = f"d{application.pk}-{cell.funder.pk}"
            decision = cell.decision
            initial = (
                {
                    "outcome": decision.outcome,
                    "amount": cell.granted,
                    "motivation": decision.motivation,
                }
                if decision
                else {"amount": cell.proposed}
            )
            form = (
                DecisionForm(data, prefix=key, initial=initial, funder=cell.funder)
                if ruled and editable
                else None
            )
            rows.append(TableRow(key, row, cell=cell, form=form, note=note))
    return rows


def _note(session, row) -> str:
    """Why this session cannot rule on an agenda dossier, in words true to its records."""
    status = row.application.get_status_display()
    if session.kind == CommitteeKind.TECHNICAL:
        return f"Ce dossier n'est plus en instruction ({status})."
    if row.technical_opinion is None and row.application.status in services.INSTRUCTABLE:
        return "Ce dossier n'a pas encore été examiné en comité technique."
    return f"Ce dossier ne peut plus être décidé par cette séance ({status})."


def _changed(table_rows, technical) -> dict:
    """The rows to record: filled in and changed since the page was shown."""
    rows = {}
    for item in table_rows:
        form = item.form
        if form is None or not form.has_changed():
            continue
        values = form.cleaned_data
        if technical:
            if values["opinion"]:
                rows[item.key] = {"application": item.row.application, **values}
        elif values["outcome"]:
            rows[item.key] = {
                "application": item.row.application,
                "funder": item.cell.funder,
                "outcome": values["outcome"],
                "amount": values["amount"],
                "motivation": values["motivation"],
            }
    return rows


def _session_url(session) -> str:
    return reverse("programming:session-detail", kwargs={"uuid": session.uuid})


def _session(uuid, user):
    session = get_object_or_404(
        CommitteeSession.objects.select_related("call__contract"), uuid=uuid
    )
    if not permissions.can_run_committees(user, session.call.contract):
        raise PermissionDenied
    return session


@idempotency.replays_submissions
def session_detail(request, uuid):
    session = _session(uuid, request.user)
    call = session.call
    technical = session.kind == CommitteeKind.TECHNICAL
    archived = call.contract.is_archived
    # A large agenda is cut into pages of dossiers; each page is its own form, saved at once.
    agenda = services.agenda_applications(session).order_by("title", "pk")
    pagination = paginate(request, agenda.values_list("pk", flat=True), SESSION_PER_PAGE)
    page = agenda.filter(pk__in=list(pagination.objects))
    consolidation = exports.consolidate(call, applications=page, totals_of=agenda)
    page_url = _session_url(session) + (
        pagination.url(pagination.page.number) if pagination.page.number > 1 else ""
    )
    posted = request.POST if request.method == "POST" else None
    envelope = SessionTableForm(posted, initial={"version": session.version})
    table_rows = _table_rows(session, consolidation, posted, editable=not archived)
    row_errors = []
    if posted is not None:
        if archived:
            messages.error(request, "Ce contrat est archivé : ses séances ne changent plus.")
            return redirect(_session_url(session))
        # Validate every row (each shows its errors), not only up to the first invalid one.
        rows_valid = [item.form.is_valid() for item in table_rows if item.form is not None]
        valid = envelope.is_valid() and all(rows_valid)
        if valid:
            rows = _changed(table_rows, technical)
            record = (
                services.record_session_opinions if technical else services.record_session_decisions
            )
            try:
                outcome = idempotency.once(
                    token=envelope.submission_token,
                    user=request.user,
                    create=lambda: record(
                        session=session,
                        rows=rows,
                        expected_version=envelope.cleaned_data["version"],
                        by=request.user,
                    ),
                    url=lambda _: page_url,
                )
            except services.RowErrors as error:
                by_key = {item.key: item for item in table_rows}
                for key, row_error in error.rows.items():
                    by_key[key].form.add_error(None, row_error)
                envelope.add_error(None, error)
            except ValidationError as error:
                envelope.add_error(None, error)
            else:
                if outcome.replayed:
                    messages.info(request, idempotency.ALREADY_RECORDED)
                else:
                    messages.success(request, _saved(outcome.object, technical))
                return redirect(outcome.url)  # the page's top, where the message is
        row_errors = [
            (item.anchor, f"{item.label} — {message}")
            for item in table_rows
            if item.form is not None
            for message in _messages_of(item.form)
        ]
    return render(
        request,
        "programming/committees/session_detail.html",
        {
            "session": session,
            "call": call,
            "breadcrumb": breadcrumb(call),
            "consolidation": consolidation,
            "pagination": pagination,
            "page_url": page_url,
            "table_rows": table_rows,
            "envelope": envelope,
            "row_errors": row_errors,
            "technical": technical,
            "archived": archived,
            "agenda_chosen": session.agenda.exists(),
            "agenda_closed": services.has_records(session),
        },
        status=200,
    )


SESSION_PER_PAGE = 20  # dossiers per page of a session's table (a dossier has one row per
# funder it asks in a comité de pilotage: a page stays under ~200 fields; Django renders a
# widget in ~1 ms, the page's main cost)


def _saved(count, technical) -> str:
    if not count:
        return "Aucune modification : rien n'était à enregistrer."
    what = "avis" if technical else ("décisions" if count > 1 else "décision")
    return f"Séance enregistrée : {count} {what}."


def _messages_of(form) -> list[str]:
    """Every error of a row's form, the field's label first."""
    found = list(form.non_field_errors())
    for field in form:
        found += [f"{field.label} : {error}" for error in field.errors]
    return found


@idempotency.replays_submissions
def session_agenda(request, uuid):
    session = _session(uuid, request.user)
    call = session.call
    closed = call.contract.is_archived or services.has_records(session)
    candidates = (
        Application.objects.for_call(call)
        .filter(
            Q(status__in=services.examinable_statuses(session)) | Q(agenda_items__session=session)
        )
        .select_related("carrier")
        .distinct()
        .order_by("title", "pk")
    )
    current = list(services.agenda_applications(session).values_list("pk", flat=True))
    initial = {"applications": current, "version": session.version}
    if request.method == "POST" and not closed:
        form = AgendaForm(request.POST, candidates=candidates, initial=initial)
        response = form.is_valid() and idempotency.submit(
            request,
            form,
            create=lambda: services.set_agenda(
                session=session,
                applications=form.cleaned_data["applications"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            ),
            url=_session_url,
            success=lambda session: f"Ordre du jour de la séance « {session} » enregistré.",
        )
        if response:
            return response
    elif request.method == "POST":
        messages.error(request, services.AGENDA_CLOSED)
        return redirect(_session_url(session))
    else:
        form = AgendaForm(candidates=candidates, initial=initial)
    return render(
        request,
        "programming/committees/session_agenda.html",
        {
            "session": session,
            "call": call,
            "breadcrumb": [*breadcrumb(call), (str(session), _session_url(session))],
            "form": form,
            "closed": closed,
            "agenda": (
                services.agenda_applications(session).select_related("carrier").order_by("title")
                if closed
                else []
            ),
            "agenda_chosen": session.agenda.exists(),
        },
    )


@call_page(check=permissions.can_hold_sessions)
@idempotency.replays_submissions
def session_create(request, call):
    if request.method == "POST":
        form = SessionForm(request.POST)
        response = form.is_valid() and idempotency.submit(
            request,
            form,
            create=lambda: services.create_committee_session(
                call=call, by=request.user, **form.cleaned_data
            ),
            url=lambda session: reverse(
                "programming:session-detail", kwargs={"uuid": session.uuid}
            ),
            success=lambda session: f"Séance « {session} » créée.",
        )
        if response:
            return response
    else:
        form = SessionForm()
    return render(
        request,
        "programming/committees/session_form.html",
        {"call": call, "breadcrumb": breadcrumb(call), "form": form},
    )


# --------------------------------------------------------------------------- programming table


@call_page(check=permissions.can_read_programming_table)
def programming_table(request, call):
    """One page of rows; the totals (foot of the table) are over the whole call, in SQL."""
    applications = Application.objects.for_call(call).submitted().order_by("title", "pk")
    pagination = paginate(request, applications.values_list("pk", flat=True))
    page = applications.filter(pk__in=list(pagination.objects))
    return render(
        request,
        "programming/committees/programming_table.html",
        {
            "call": call,
            "breadcrumb": breadcrumb(call),
            "title": exports.table_title(call),
            "consolidation": exports.consolidate(call, page, totals_of=applications),
            "pagination": pagination,
        },
    )


@call_page(check=permissions.can_read_programming_table)
def programming_export(request, call, fmt):
    content = exports.export_programming(
        exports.consolidate(call), fmt, generated_on=timezone.localdate()
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    filename = f"programmation-{call.year}-{call.contract.slug}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ProgrammingFormatConverter:
    regex = "|".join(exports.FORMATS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ProgrammingFormatConverter, "programming_format")

urlpatterns = [
    path("appels/<uuid:uuid>/seances/nouvelle/", session_create, name="session-create"),
    path("seances/<uuid:uuid>/", session_detail, name="session-detail"),
    path("seances/<uuid:uuid>/ordre-du-jour/", session_agenda, name="session-agenda"),
    path("appels/<uuid:uuid>/programmation/", programming_table, name="programming-table"),
    path(
        "appels/<uuid:uuid>/programmation.<programming_format:fmt>",
        programming_export,
        name="programming-export",
    ),
]
