"""Applications (CERFA 12156): a carrier's drafts, budget, attachments, submission, withdrawal.

A carrier never learns that another carrier's application exists: every page answers 404
when `permissions.can_view_application` says no.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from quartiers.access.enums import ContractRole
from quartiers.access.models import RoleAssignment
from quartiers.accounts.models import Organisation
from quartiers.core import idempotency
from quartiers.core.files import private_file_response
from quartiers.programming import permissions, receipts, services
from quartiers.programming.enums import ApplicationStatus, BudgetSide, CallStatus
from quartiers.programming.forms.applications import (
    ApplicationForm,
    AttachmentForm,
    BudgetForms,
    ComplementRequestForm,
    RemoveAttachmentForm,
    ResubmitForm,
    StartApplicationForm,
    restrict_to_sections,
)
from quartiers.programming.models import AGE_BANDS, Application, CallForProjects
from quartiers.programming.views.access import application_page
from quartiers.programming.views.calls import breadcrumb, call_page


def _context(request, application, **extra):
    call = application.call
    can_edit = permissions.can_edit_application(request.user, application)
    correcting = permissions.can_answer_complement(request.user, application)
    return {
        "application": application,
        "call": call,
        "contract": call.contract,
        "breadcrumb": breadcrumb(call.contract, call),
        "can_edit": can_edit,
        "can_submit": can_edit and application.status in services.EDITABLE,
        "correcting": correcting,
        "complement": services.open_request(application) if correcting else None,
        **extra,
    }


# --------------------------------------------------------------------------- lists


def my_applications(request):
    """The applications of the organisations the user carries, across contracts."""
    user = request.user
    carried = RoleAssignment.objects.filter(
        user=user,
        role=ContractRole.CARRIER,
        organisation=OuterRef("carrier"),
        contract=OuterRef("contract"),
    )
    applications = (
        Application.objects.filter(Exists(carried))
        .select_related("contract", "call", "carrier", "report")
        .prefetch_related("funding_requests")  # the status words of a dossier in payment
        .order_by("-call__year", "contract__name", "title")
    )
    carriers = Organisation.objects.filter(
        role_assignments__user=user, role_assignments__role=ContractRole.CARRIER
    ).distinct()
    overdue = {a.pk for carrier in carriers for a in services.missing_reports(carrier)}
    rows = [
        {
            "application": application,
            "report_due": services.report_due_on(application)
            if application.status in services.FUNDED_STATUSES
            else None,
            "overdue": application.pk in overdue,
            "restorable": application.status == ApplicationStatus.WITHDRAWN
            and services.is_open_for_submission(application.call),
        }
        for application in applications
    ]
    open_calls = (
        CallForProjects.objects.filter(
            status=CallStatus.OPEN,
            deadline__gte=timezone.now(),
            contract__role_assignments__user=user,
            contract__role_assignments__role=ContractRole.CARRIER,
        )
        .select_related("contract")
        .distinct()
    )
    return render(
        request,
        "programming/applications/my_applications.html",
        {"rows": rows, "overdue_count": len(overdue), "open_calls": open_calls},
    )


# --------------------------------------------------------------------------- creation


@call_page(check=permissions.can_apply)
@idempotency.replays_submissions
def application_create(request, call):
    if not permissions.can_view_call(request.user, call):
        raise Http404  # a call in preparation: its existence is not the carriers' business
    contract = call.contract
    carriers = Organisation.objects.filter(
        pk__in=permissions.carrier_organisations(request.user, contract)
    )
    renewable = (
        Application.objects.filter(
            contract=contract, call__year=call.year - 1, carrier__in=carriers
        )
        .submitted()
        .select_related("carrier")
    )
    form = StartApplicationForm(request.POST or None, carriers=carriers, renewable=renewable)
    if request.method == "POST" and form.is_valid():
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.start_application(
                call=call,
                carrier=form.cleaned_data["carrier"],
                title=form.cleaned_data["title"],
                renewal_of=form.cleaned_data.get("renewal_of"),
                by=request.user,
            ),
            url=lambda application: reverse(
                "programming:application-edit", kwargs={"uuid": application.uuid}
            ),
            success=lambda _: (
                "Brouillon créé : complétez le formulaire, le budget et les pièces, puis déposez."
            ),
        )
        if response:
            return response
    return render(
        request,
        "programming/applications/application_create.html",
        {
            "call": call,
            "contract": contract,
            "breadcrumb": breadcrumb(contract, call),
            "form": form,
            "accepts_new": services.accepts_new_applications(call),
            "is_open": services.is_open_for_submission(call),
        },
    )


# --------------------------------------------------------------------------- the application


def _render_detail(request, application, submission_errors=None, resubmit_form=None):
    user = request.user
    context = _context(request, application)
    totals = application.budget_totals()
    lines = list(application.budget_lines.select_related("funder"))
    personal_data = permissions.can_view_personal_data(user, application)
    context.update(
        can_view_personal_data=personal_data,
        budget=[
            {
                "label": BudgetSide(side).label,
                "lines": [line for line in lines if line.side == side],
                "total": totals[side],
            }
            for side in BudgetSide.values
        ],
        budget_errors=services.budget_errors(application),
        age_bands=[(band, (application.public_age_bands or {}).get(band)) for band in AGE_BANDS],
        qpvs=application.qpvs.all(),
        engagements=application.engagements.all(),
        attachments=application.attachments.select_related("required") if personal_data else [],
        versions=application.versions.select_related("submitted_by"),
        can_view_receipt=permissions.can_view_receipt(user, application),
        status_changes=application.status_changes.select_related("by"),
        submission_errors=submission_errors,
        missing=services.submission_errors(application)
        if context["can_submit"] and submission_errors is None
        else services.correction_errors(application)
        if context["correcting"] and submission_errors is None
        else None,
        resubmit_form=resubmit_form or (ResubmitForm() if context["correcting"] else None),
        complement_requests=application.complement_requests.select_related(
            "asked_by", "answered_by", "version"
        )
        if permissions.can_read_complements(user, application)
        else None,
        can_request_complement=permissions.can_request_complement(user, application),
        can_withdraw=permissions.can_withdraw_application(user, application),
        can_restore=permissions.can_restore_application(user, application),
        restore_open=services.is_open_for_submission(application.call),
        report_due=services.report_due_on(application),
    )
    return render(request, "programming/applications/application_detail.html", context)


@application_page()
def application_detail(request, application):
    return _render_detail(request, application)


def _save_draft(form, by):
    services.save_draft(
        application=form.save(commit=False),
        qpvs=form.cleaned_data["qpvs"],
        engagements=form.cleaned_data["engagements"],
        by=by,
    )


def _application_form(request, application, data=None):
    form = ApplicationForm(data, instance=application)
    if application.status not in services.EDITABLE:  # a complement: the sections asked only
        restrict_to_sections(form, permissions.editable_sections(request.user, application))
    return form


@application_page(check=permissions.can_edit_application_form)
def application_edit(request, application):
    form = _application_form(request, application, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _save_draft(form, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Brouillon enregistré."
                if application.status in services.EDITABLE
                else "Corrections enregistrées : renvoyez le dossier depuis sa page une fois "
                "terminé.",
            )
            return redirect("programming:application-edit", uuid=application.uuid)
    return render(
        request,
        "programming/applications/application_form.html",
        _context(request, application, form=form),
    )


@require_POST
@application_page(check=permissions.is_carrier)
def application_autosave(request, application):
    """Save the draft as the carrier types (htmx); answers a fragment for the status region.

    Same permission as `application_edit` (the carrier, on a draft), except that a dossier
    submitted meanwhile (in another tab) answers the reason instead of a 403 page, which htmx
    would not show. Always 200, so that htmx swaps the message in; an invalid form saves
    nothing, and the page keeps what the carrier typed.
    """
    form = _application_form(request, application, request.POST)
    context = {}
    try:
        if not permissions.can_edit_application_form(request.user, application):
            services.ensure_editable(application)  # the reason, e.g. submitted in another tab
        if form.is_valid():
            _save_draft(form, request.user)
            context["saved_at"] = timezone.localtime()
        else:
            context["errors"] = [
                (form[name].label if name in form.fields else None, field_errors)
                for name, field_errors in form.errors.items()
            ]
    except ValidationError as error:
        context["refusal"] = " ".join(error.messages)
    return render(request, "programming/applications/autosave_status.html", context)


@application_page(check=permissions.can_edit_budget)
def application_budget(request, application):
    """The budget's lines, side by side. « Ajouter une ligne » (a submit button named `add`,
    for browsers without JavaScript: js/budget.js adds the row at once) shows the lines typed
    so far with one more row, and saves nothing."""
    adding = request.method == "POST" and "add" in request.POST
    forms = BudgetForms(
        application, request.POST or None, add_line_to=request.POST.get("add") if adding else None
    )
    if adding:
        messages.info(
            request,
            "Ligne ajoutée au formulaire. Rien n’est enregistré tant que vous n’avez pas "
            "cliqué sur « Enregistrer le budget ».",
        )
    elif request.method == "POST":
        try:
            if forms.is_valid():
                services.set_budget(application=application, lines=forms.lines())
                messages.success(request, "Budget enregistré.")
                return redirect("programming:application-budget", uuid=application.uuid)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        messages.error(request, "Le budget n’a pas été enregistré : corrigez les lignes signalées.")
    totals = application.budget_totals()
    return render(
        request,
        "programming/applications/application_budget.html",
        _context(
            request,
            application,
            forms=forms,
            totals=[(BudgetSide(side).label, total) for side, total in totals.items()],
            has_lines=application.budget_lines.exists(),
            budget_errors=services.budget_errors(application),
        ),
    )


@application_page(check=permissions.can_edit_attachments)
@idempotency.replays_submissions
def application_attachments(request, application):
    form = AttachmentForm(application=application)
    if request.method == "POST" and "delete" in request.POST:
        removal = RemoveAttachmentForm(request.POST, application=application)
        if not removal.is_valid():
            raise Http404("Cette pièce n'est pas dans le dossier.")
        attachment = removal.cleaned_data["delete"]
        services.remove_attachment(attachment=attachment, by=request.user)
        messages.success(request, f"Pièce « {attachment.name} » retirée du dossier.")
        return redirect("programming:application-attachments", uuid=application.uuid)
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES, application=application)
        response = form.is_valid() and idempotency.submit(
            request,
            form,
            create=lambda: form.save(by=request.user),
            url=lambda _: reverse(
                "programming:application-attachments", kwargs={"uuid": application.uuid}
            ),
            success=lambda attachment: f"Pièce « {attachment.name} » ajoutée.",
        )
        if response:
            return response
    attachments = list(application.attachments.select_related("required"))
    provided = {a.required_id for a in attachments}
    return render(
        request,
        "programming/applications/application_attachments.html",
        _context(
            request,
            application,
            form=form,
            attachments=attachments,
            required=[
                (required, required.pk in provided)
                for required in application.call.required_attachments.all()
            ],
        ),
    )


@application_page(check=permissions.can_view_personal_data)
def attachment_download(request, application, pk):
    """Attachments are served through the application's permission, never as public media."""
    attachment = get_object_or_404(application.attachments, pk=pk)
    return private_file_response(
        attachment.file, filename=attachment.name, content_type=attachment.content_type
    )


@require_POST
@application_page(check=permissions.can_edit_application)
def application_submit(request, application):
    try:
        version = services.file_application(application=application, by=request.user)
    except ValidationError as error:
        return _render_detail(request, application, submission_errors=error.messages)
    recipients = services.receipt_recipients(version)
    messages.success(
        request,
        f"Dossier déposé le {timezone.localtime(version.submitted_at):%d/%m/%Y à %H:%M:%S} "
        f"(version {version.number}) : les financeurs sollicités vont l'instruire. "
        + (
            f"Accusé de réception envoyé à {', '.join(recipients)} ; "
            if recipients
            else "Accusé de réception : "
        )
        + "téléchargez-le ci-dessous (section « Accusé de réception »).",
    )
    return redirect(application)


@application_page(check=permissions.can_view_receipt)
def application_receipt(request, application, number):
    """The accusé de réception (PDF) of one submitted version."""
    version = get_object_or_404(application.versions.select_related("submitted_by"), number=number)
    response = HttpResponse(receipts.receipt_pdf(version), content_type="application/pdf")
    filename = receipts.receipt_filename(version)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@application_page(check=permissions.can_request_complement)
@idempotency.replays_submissions
def complement_request(request, application):
    """« Demander un complément »: the points to correct and a message to the carrier."""
    form = ComplementRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.request_complement(
                application=application,
                sections=form.cleaned_data["sections"],
                message=form.cleaned_data["message"],
                by=request.user,
            ),
            url=lambda _: application.get_absolute_url(),
            success=lambda _: (
                "Complément demandé : le porteur est prévenu et peut corriger les points demandés."
            ),
        )
        if response:
            return response
    return render(
        request,
        "programming/applications/complement_request.html",
        {**_context(request, application), "form": form},
    )


@require_POST
@application_page(check=permissions.can_answer_complement)
@idempotency.replays_submissions
def application_resubmit(request, application):
    """The carrier sends the corrected dossier back (a new version) with an answer."""
    form = ResubmitForm(request.POST)
    if form.is_valid():
        try:
            outcome = idempotency.once(
                token=form.submission_token,
                user=request.user,
                create=lambda: services.resubmit_application(
                    application=application, answer=form.cleaned_data["answer"], by=request.user
                ),
                url=lambda _: application.get_absolute_url(),
            )
        except ValidationError as error:
            return _render_detail(
                request, application, submission_errors=error.messages, resubmit_form=form
            )
        if outcome.replayed:
            messages.info(request, idempotency.ALREADY_RECORDED)
        else:
            messages.success(
                request,
                f"Dossier complété et renvoyé (version {outcome.object.number}) : les "
                "personnes qui l'instruisent sont prévenues.",
            )
        return redirect(application)
    return _render_detail(request, application, resubmit_form=form)


@require_POST
@application_page(check=permissions.is_carrier)
def application_withdraw(request, application):
    try:
        services.withdraw_application(
            application=application, by=request.user, comment=request.POST.get("comment", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Dossier retiré.")
    return redirect(application)


@require_POST
@application_page(check=permissions.can_restore_application)
def application_restore(request, application):
    try:
        to = services.restore_application(application=application, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"Dossier rétabli : il est de nouveau « {ApplicationStatus(to).label} »."
        )
    return redirect(application)


urlpatterns = [
    path("mes-dossiers/", my_applications, name="my-applications"),
    path("appels/<uuid:uuid>/deposer/", application_create, name="application-create"),
    path("dossiers/<uuid:uuid>/", application_detail, name="application-detail"),
    path("dossiers/<uuid:uuid>/modifier/", application_edit, name="application-edit"),
    path("dossiers/<uuid:uuid>/brouillon/", application_autosave, name="application-autosave"),
    path("dossiers/<uuid:uuid>/budget/", application_budget, name="application-budget"),
    path("dossiers/<uuid:uuid>/pieces/", application_attachments, name="application-attachments"),
    path(
        "dossiers/<uuid:uuid>/pieces/<int:pk>/",
        attachment_download,
        name="attachment-download",
    ),
    path("dossiers/<uuid:uuid>/deposer/", application_submit, name="application-submit"),
    path("dossiers/<uuid:uuid>/retirer/", application_withdraw, name="application-withdraw"),
    path("dossiers/<uuid:uuid>/retablir/", application_restore, name="application-restore"),
    path(
        "dossiers/<uuid:uuid>/versions/<int:number>/accuse-de-reception.pdf",
        application_receipt,
        name="application-receipt",
    ),
    path(
        "dossiers/<uuid:uuid>/complement/",
        complement_request,
        name="complement-request",
    ),
    path("dossiers/<uuid:uuid>/renvoyer/", application_resubmit, name="application-resubmit"),
]
