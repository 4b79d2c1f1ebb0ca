from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quartiers.access import permissions as access_permissions
from quartiers.access.decorators import contract_page, refuse
from quartiers.core import idempotency, pdf, spreadsheets
from quartiers.core.pagination import paginate
from quartiers.governance import calendar, permissions, register, services
from quartiers.governance import minutes as minutes_services
from quartiers.governance.enums import BodyKind, DecisionKind, MeetingStatus
from quartiers.governance.filters import DecisionFilter
from quartiers.governance.forms import (
    AgendaEntryForm,
    AttendanceRowForm,
    BodyForm,
    DecisionForm,
    MeetingCreateForm,
    MeetingDocumentForm,
    MeetingForm,
    MemberForm,
    PersonForm,
)
from quartiers.governance.models import Body, Meeting, Minutes

EXPORT_TYPES = {"pdf": pdf.PDF_CONTENT_TYPE, "xlsx": spreadsheets.CONTENT_TYPES["xlsx"]}


def _act(request, action, *, success, then):
    """A one-button POST: run the service `action`, say what was done (`success(result)`) or
    why not, and go back to `then`."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success(result))
    return redirect(then)


def _breadcrumb(contract, body=None):
    links = [
        ("Contrats", reverse("contracts:contract-list")),
        (contract.name, contract.get_absolute_url()),
    ]
    if body is not None:
        links.append(("Instances", reverse("governance:body-list", args=[contract.slug])))
    return links


@contract_page(permissions.can_view_bodies)
def body_list(request, contract):
    may_manage = permissions.can_manage_bodies(request.user, contract) and not (
        contract.is_archived
    )
    form = BodyForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            response = idempotency.submit(
                request,
                form,
                create=lambda: services.create_body(
                    contract=contract,
                    kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"],
                    by=request.user,
                ),
                url=lambda body: reverse("governance:body-detail", args=[contract.slug, body.code]),
                success=lambda body: f"L'instance « {body.name} » est créée.",
            )
            if response:
                return response
    bodies = contract.bodies.annotate(members=Count("memberships"))
    upcoming = contract.meetings.filter(date__gte=timezone.localdate()).select_related("body")
    return render(
        request,
        "governance/body_list.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "bodies": bodies,
            "upcoming": upcoming,
            "form": form,
        },
    )


@contract_page(permissions.can_view_bodies)
def body_detail(request, contract, code):
    body = get_object_or_404(Body, contract=contract, code=code)
    may_manage = permissions.can_manage_bodies(request.user, contract) and not (
        contract.is_archived
    )
    form = MemberForm(request.POST or None, body=body) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            response = idempotency.submit(
                request,
                form,
                create=lambda: services.add_member(
                    body=body,
                    partner=data["partner"],
                    role=data["role"],
                    voting=data["voting"],
                    by=request.user,
                ),
                url=lambda _: request.path,
                success=lambda m: f"{m.partner.name} siège dans {body.name}.",
            )
            if response:
                return response
    return _body_page(request, contract, body, form=form)


def _body_page(request, contract, body, *, form=None, person_form=None):
    may_manage = permissions.can_manage_bodies(request.user, contract) and not (
        contract.is_archived
    )
    if may_manage:
        form = form or MemberForm(body=body)
        person_form = person_form or PersonForm()
    today = timezone.localdate()
    meetings = body.meetings.all()
    return render(
        request,
        "governance/body_detail.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, body),
            "body": body,
            "memberships": body.memberships.select_related("partner"),
            "persons": body.persons.all(),
            # Persons' names are personal data: for the contract's people only.
            "sees_persons": permissions.can_view_meeting_drafts(request.user, contract),
            "upcoming": [m for m in meetings if m.date >= today],
            "past": [m for m in meetings if m.date < today][::-1],
            "form": form if may_manage else None,
            "person_form": person_form if may_manage else None,
            "may_manage": may_manage,
            # The conseil citoyen's members and draws are the participation's page.
            "council_page": body.kind == BodyKind.CITIZEN_COUNCIL
            and access_permissions.can_view_citizen_council(request.user, contract),
        },
    )


@require_POST
@contract_page(permissions.can_manage_bodies)
def person_add(request, contract, code):
    body = get_object_or_404(Body, contract=contract, code=code)
    form = PersonForm(request.POST)
    if form.is_valid():
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.add_person(body=body, by=request.user, **form.cleaned_data),
            url=lambda _: body.get_absolute_url(),
            success=lambda person: f"{person.name} siège dans {body.name}.",
        )
        if response:
            return response
    return _body_page(request, contract, body, person_form=form)


@require_POST
@contract_page(permissions.can_manage_bodies)
def person_remove(request, contract, code, pk):
    body = get_object_or_404(Body, contract=contract, code=code)
    person = get_object_or_404(body.persons, pk=pk)
    return _act(
        request,
        lambda: services.remove_person(person=person, by=request.user),
        success=lambda _: f"{person.name} ne siège plus dans {body.name}.",
        then=body.get_absolute_url(),
    )


@require_POST
@contract_page(permissions.can_manage_bodies)
def member_remove(request, contract, code, pk):
    body = get_object_or_404(Body, contract=contract, code=code)
    membership = get_object_or_404(body.memberships.select_related("partner"), pk=pk)
    return _act(
        request,
        lambda: services.remove_member(membership=membership, by=request.user),
        success=lambda _: f"{membership.partner.name} ne siège plus dans {body.name}.",
        then=body.get_absolute_url(),
    )


def meeting_page(check=permissions.can_view_bodies):
    """A meeting's page: its contract's readers (`check`), as `contract_page` does."""

    def decorator(view):
        @login_not_required
        @wraps(view)
        def wrapper(request, uuid, **kwargs):
            meeting = get_object_or_404(
                Meeting.objects.select_related("body", "contract"), uuid=uuid
            )
            if not check(request.user, meeting.contract):
                return refuse(request)
            return view(request, meeting, **kwargs)

        return wrapper

    return decorator


def _meeting_breadcrumb(meeting):
    return [
        *_breadcrumb(meeting.contract, meeting.body),
        (meeting.body.name, meeting.body.get_absolute_url()),
    ]


def _may_change(user, meeting) -> bool:
    return (
        permissions.can_manage_bodies(user, meeting.contract)
        and not meeting.contract.is_archived
        and meeting.status != MeetingStatus.CANCELLED
    )


@contract_page(permissions.can_manage_bodies)
def meeting_create(request, contract, code):
    body = get_object_or_404(Body, contract=contract, code=code)
    form = MeetingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.plan_meeting(body=body, by=request.user, **form.cleaned_data),
            url=lambda meeting: meeting.get_absolute_url(),
            success=lambda meeting: f"La réunion du {meeting.date:%d/%m/%Y} est programmée.",
        )
        if response:
            return response
    return render(
        request,
        "governance/meeting_form.html",
        {
            "contract": contract,
            "breadcrumb": [*_breadcrumb(contract, body), (body.name, body.get_absolute_url())],
            "title": f"Programmer une réunion : {body.name}",
            "form": form,
            "submit": "Programmer la réunion",
            "cancel_url": body.get_absolute_url(),
        },
    )


def _attendance_rows(meeting, data=None):
    return [
        (
            attendance,
            AttendanceRowForm(
                data,
                prefix=f"p{attendance.partner_id}",
                initial={
                    "presence": attendance.presence,
                    "represented_by": attendance.represented_by,
                },
            ),
        )
        for attendance in meeting.attendances.select_related("partner")
    ]


def _meeting_page(
    request, meeting, *, form=None, rows=None, decision_form=None, document_form=None, status=200
):
    may_change = _may_change(request.user, meeting)
    if may_change and form is None:
        form = AgendaEntryForm(contract=meeting.contract)
    decides = may_change and meeting.date <= timezone.localdate()
    if decides and decision_form is None:
        decision_form = DecisionForm(contract=meeting.contract)
    if may_change and document_form is None:
        document_form = MeetingDocumentForm()
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "contract": meeting.contract,
            "breadcrumb": _meeting_breadcrumb(meeting),
            "meeting": meeting,
            "entries": meeting.entries.select_related("engagement"),
            "form": form if may_change else None,
            "may_change": may_change,
            "council_missing": services.COUNCIL_MISSING
            if services.council_missing(meeting)
            else "",
            "recipients": list(services.convocation_recipients(meeting)) if may_change else [],
            "convened_persons": list(meeting.body.persons.exclude(email="")) if may_change else [],
            "convocations": meeting.convocations.all(),
            "has_members": meeting.body.memberships.exists() or meeting.body.persons.exists(),
            "rows": rows if rows is not None else _attendance_rows(meeting),
            "attendance_open": may_change and meeting.date <= timezone.localdate(),
            "decisions": meeting.decisions.select_related("engagement").order_by("sequence"),
            # A comité's meeting may hold a session of the programming (its dossiers), which
            # points at the meeting from above: read by its relation's name, not imported;
            # linked for those who hold the sessions.
            "session": getattr(meeting, "committee_session", None)
            if access_permissions.can_run_committees(request.user, meeting.contract)
            else None,
            "decision_form": decision_form if decides else None,
            "sees_private": permissions.can_view_meeting_drafts(request.user, meeting.contract),
            **_minutes_context(request.user, meeting, may_change),
            "document_form": document_form if may_change else None,
        },
        status=status,
    )


def _minutes_context(user, meeting, may_change) -> dict:
    """What the meeting page shows of its minutes, of the earlier minutes it approves and of
    its documents (`governance.minutes`)."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    held = minutes_services.is_held(meeting)
    return {
        "minutes": minutes if minutes and minutes_services.can_read(user, minutes) else None,
        "may_start_minutes": may_change and minutes is None and held,
        "meeting_held": held,
        "to_approve": list(minutes_services.pending_for(meeting)) if may_change else [],
        "documents": minutes_services.visible_documents(user, meeting),
    }


@meeting_page()
def meeting_detail(request, meeting):
    if request.method == "POST":
        if not _may_change(request.user, meeting):
            raise PermissionDenied
        form = AgendaEntryForm(request.POST, contract=meeting.contract)
        if form.is_valid():
            try:
                services.add_agenda_entry(meeting=meeting, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Le point est ajouté à l'ordre du jour.")
                return redirect(meeting.get_absolute_url())
        return _meeting_page(request, meeting, form=form)
    return _meeting_page(request, meeting)


@require_POST
@meeting_page(permissions.can_manage_bodies)
def meeting_convene(request, meeting):
    return _act(
        request,
        lambda: services.convene(meeting=meeting, by=request.user),
        success=lambda convocation: (
            f"La convocation est envoyée à {convocation.recipients} personne(s), avec "
            "l'invitation à ajouter à leur agenda."
        ),
        then=meeting.get_absolute_url(),
    )


@require_POST
@meeting_page(permissions.can_manage_bodies)
def meeting_attendance(request, meeting):
    rows = _attendance_rows(meeting, request.POST)
    if not all(form.is_valid() for _, form in rows):
        return _meeting_page(request, meeting, rows=rows, status=400)
    data = {
        attendance.partner_id: (form.cleaned_data["presence"], form.cleaned_data["represented_by"])
        for attendance, form in rows
    }
    try:
        changed = services.record_attendance(meeting=meeting, rows=data, by=request.user)
    except ValidationError as error:
        by_partner = getattr(error, "error_dict", {})
        for attendance, form in rows:
            for message in by_partner.get(str(attendance.partner_id), []):
                form.add_error("presence", message)
        if not by_partner:
            messages.error(request, " ".join(error.messages))
            return redirect(meeting.get_absolute_url())
        return _meeting_page(request, meeting, rows=rows, status=400)
    messages.success(request, "Les présences sont enregistrées." if changed else "Rien n'a changé.")
    return redirect(meeting.get_absolute_url())


@meeting_page(permissions.can_manage_bodies)
def meeting_edit(request, meeting):
    if not _may_change(request.user, meeting):
        messages.error(request, "Cette réunion ne peut plus être modifiée.")
        return redirect(meeting.get_absolute_url())
    form = MeetingForm(
        request.POST or None,
        initial={
            name: getattr(meeting, name)
            for name in ("date", "start_time", "end_time", "place", "video_url")
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_meeting(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "La réunion est modifiée." if changed else "Rien n'a changé.")
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "governance/meeting_form.html",
        {
            "contract": meeting.contract,
            "breadcrumb": _meeting_breadcrumb(meeting),
            "title": f"Modifier la réunion : {meeting}",
            "form": form,
            "submit": "Enregistrer",
            "cancel_url": meeting.get_absolute_url(),
        },
    )


@require_POST
@meeting_page(permissions.can_manage_bodies)
def meeting_cancel(request, meeting):
    return _act(
        request,
        lambda: services.cancel_meeting(meeting=meeting, by=request.user),
        success=lambda _: "La réunion est annulée.",
        then=meeting.get_absolute_url(),
    )


@require_POST
@meeting_page(permissions.can_manage_bodies)
def agenda_entry_remove(request, meeting, pk):
    entry = get_object_or_404(meeting.entries, pk=pk)
    return _act(
        request,
        lambda: services.remove_agenda_entry(entry=entry, by=request.user),
        success=lambda _: "Le point est retiré de l'ordre du jour.",
        then=meeting.get_absolute_url(),
    )


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@meeting_page()
def meeting_ics(request, meeting):
    content = calendar.calendar(
        [meeting], name=str(meeting), base_url=request.build_absolute_uri("/")[:-1]
    )
    return _ics(content, f"reunion-{meeting.date:%Y-%m-%d}.ics")


@contract_page(permissions.can_view_bodies)
def contract_calendar(request, contract):
    meetings = contract.meetings.select_related("body").prefetch_related("entries")
    content = calendar.calendar(
        meetings,
        name=f"Réunions — {contract.name}",
        base_url=request.build_absolute_uri("/")[:-1],
    )
    return _ics(content, f"reunions-{contract.slug}.ics")


@contract_page(permissions.can_view_bodies)
def decision_list(request, contract):
    """The register of decisions: searchable, paginated, exported as filtered."""
    found = DecisionFilter(request.GET or None, queryset=_register(contract), contract=contract)
    decisions = found.qs.select_related("body", "meeting", "engagement")
    query = request.GET.urlencode()
    return render(
        request,
        "governance/decision_list.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "filter": found,
            "pagination": paginate(request, decisions),
            "exports": [
                (
                    reverse(f"governance:decision-export-{fmt}", args=[contract.slug])
                    + (f"?{query}" if query else ""),
                    label,
                )
                for fmt, label in (("pdf", "PDF"), ("xlsx", "XLSX – tableur"))
            ],
        },
    )


@contract_page(permissions.can_view_bodies)
def decision_export(request, contract, fmt):
    found = DecisionFilter(request.GET or None, queryset=_register(contract), contract=contract)
    content = register.export_register(contract, found.qs, fmt, generated_on=timezone.localdate())
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="registre-des-decisions-{contract.slug}.{fmt}"'
    )
    return response


def _register(contract):
    return contract.decisions.order_by("-decided_on", "body__position", "-sequence")


@require_POST
@meeting_page(permissions.can_manage_bodies)
def decision_create(request, meeting):
    form = DecisionForm(request.POST, contract=meeting.contract)
    if form.is_valid():
        data = form.cleaned_data
        response = idempotency.submit(
            request,
            form,
            create=lambda: register.write_decision(
                meeting=meeting,
                title=data["title"],
                text=data["text"],
                kind=DecisionKind.ENGAGEMENT if data["engagement"] else DecisionKind.FREE,
                engagement=data["engagement"],
                by=request.user,
            ),
            url=lambda _: meeting.get_absolute_url() + "#decisions",
            success=lambda decision: f"La décision {decision.number} est inscrite au registre.",
        )
        if response:
            return response
    return _meeting_page(request, meeting, decision_form=form)
