"""Views: committee sessions (comité technique, comité de pilotage) and the programming table."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, register_converter, reverse
from django.utils import timezone

from quartiers.core import idempotency
from quartiers.core.forms import BaseForm
from quartiers.core.pagination import paginate
from quartiers.programming import exports, permissions, services
from quartiers.programming.enums import CommitteeKind
from quartiers.programming.forms.committees import DecisionForm, SessionForm, TechnicalOpinionForm
from quartiers.programming.models import Application, CommitteeSession
from quartiers.programming.views.calls import call_page
from quartiers.programming.views.instruction import breadcrumb

# --------------------------------------------------------------------------- session page


@dataclass
class Entry:
    """One small form of the session page (one application, maybe one funder)."""

    prefix: str
    build: Callable  # build(data=None) -> form
    save: Callable  # save(form, by) -> None
    cell: exports.FunderCell | None = None
    form: BaseForm | None = None


@dataclass
class Block:
    row: exports.Row
    entries: list[Entry]
    note: str = ""

    @property
    def anchor(self) -> str:
        return f"dossier-{self.row.application.uuid}"


def _technical_entry(session, row) -> Entry:
    application = row.application
    current = next((o for o in row.technical_opinions if o.session_id == session.pk), None)
    initial = {"opinion": current.opinion, "comment": current.comment} if current else None
    prefix = f"ct-{application.pk}"

    def save(form, by):
        services.record_technical_opinion(
            session=session, application=application, by=by, **form.cleaned_data
        )

    return Entry(
        prefix=prefix,
        build=lambda data=None: TechnicalOpinionForm(data, prefix=prefix, initial=initial),
        save=save,
    )


def _decision_entry(session, row, cell) -> Entry:
    application, funder, decision = row.application, cell.funder, cell.decision
    initial = (
        {
            "outcome": decision.outcome,
            "amount": cell.granted,
            "motivation": decision.motivation,
        }
        if decision
        else {"amount": cell.proposed}
    )
    prefix = f"copil-{application.pk}-{funder.pk}"

    def save(form, by):
        services.record_decision(
            session=session, application=application, funder=funder, by=by, **form.cleaned_data
        )

    return Entry(
        prefix=prefix,
        build=lambda data=None: DecisionForm(data, prefix=prefix, initial=initial, funder=funder),
        save=save,
        cell=cell,
    )


def _blocks(session, consolidation) -> list[Block]:
    technical = session.kind == CommitteeKind.TECHNICAL
    blocks = []
    for row in consolidation.rows:
        status = row.application.get_status_display()
        if technical and row.application.status in services.EXAMINABLE:
            blocks.append(Block(row, [_technical_entry(session, row)]))
        elif technical:
            blocks.append(Block(row, [], f"Ce dossier n'est pas en instruction ({status})."))
        elif row.application.status in services.DECIDABLE:
            entries = [_decision_entry(session, row, cell) for cell in row.requested_cells]
            blocks.append(Block(row, entries))
        else:
            note = f"Ce dossier n'a pas encore été examiné en comité technique ({status})."
            blocks.append(Block(row, [], note))
    for block in blocks:
        for entry in block.entries:
            entry.form = entry.build()
    return blocks


def session_detail(request, uuid):
    session = get_object_or_404(
        CommitteeSession.objects.select_related("call__contract"), uuid=uuid
    )
    call = session.call
    if not permissions.can_run_committees(request.user, call.contract):
        raise PermissionDenied
    consolidation = exports.consolidate(call)
    blocks = _blocks(session, consolidation)
    if request.method == "POST":
        found = [
            (block, entry)
            for block in blocks
            for entry in block.entries
            if entry.prefix == request.POST.get("row")
        ]
        if not found:
            messages.error(request, "Ce formulaire ne correspond à aucun dossier de la séance.")
            return redirect("programming:session-detail", uuid=session.uuid)
        block, entry = found[0]
        entry.form = entry.build(request.POST)
        if entry.form.is_valid():
            try:
                entry.save(entry.form, request.user)
            except ValidationError as error:
                entry.form.add_error(None, error)
            else:
                messages.success(request, f"« {block.row.application.title} » : enregistré.")
                url = reverse("programming:session-detail", kwargs={"uuid": session.uuid})
                return redirect(f"{url}#{block.anchor}")
    return render(
        request,
        "programming/committees/session_detail.html",
        {
            "session": session,
            "call": call,
            "breadcrumb": breadcrumb(call),
            "consolidation": consolidation,
            "blocks": blocks,
            "technical": session.kind == CommitteeKind.TECHNICAL,
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
    path("appels/<uuid:uuid>/programmation/", programming_table, name="programming-table"),
    path(
        "appels/<uuid:uuid>/programmation.<programming_format:fmt>",
        programming_export,
        name="programming-export",
    ),
]
