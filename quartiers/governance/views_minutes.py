"""Pages of a meeting's minutes and documents, and the contract's approved minutes (public
for a published contract). Rules in `governance.minutes`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quartiers.access.decorators import contract_page
from quartiers.core import idempotency
from quartiers.core.files import private_file_response
from quartiers.governance import minutes as services
from quartiers.governance import permissions
from quartiers.governance.forms import MeetingDocumentForm, MinutesForm
from quartiers.governance.models import Minutes
from quartiers.governance.views import (
    _act,
    _breadcrumb,
    _may_change,
    _meeting_breadcrumb,
    _meeting_page,
    meeting_page,
)

STALE_HINT = (
    " Votre texte est gardé dans le formulaire ; le texte enregistré entre-temps est affiché "
    "en dessous : reportez-y ce qui manque, puis enregistrez."
)


def _readable_minutes(request, meeting) -> Minutes:
    """The meeting's minutes if this person may read them (a draft: the contract's people
    only), else 404: the public does not learn that a draft exists."""
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not services.can_read(request.user, minutes):
        raise Http404("Pas de compte rendu lisible pour cette réunion.")
    minutes.meeting = meeting
    return minutes


@meeting_page()
def minutes_detail(request, meeting):
    minutes = _readable_minutes(request, meeting)
    may_edit = _may_change(request.user, meeting) and not minutes.is_approved
    form, saved_meanwhile, status = None, None, 200
    if request.method == "POST":
        if not permissions.can_manage_bodies(request.user, meeting.contract):
            raise PermissionDenied
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                changed = services.save_minutes(
                    minutes=minutes,
                    text=form.cleaned_data["text"],
                    expected_version=form.cleaned_data["version"],
                    by=request.user,
                )
            except services.StaleMinutes as error:
                minutes.refresh_from_db()
                saved_meanwhile = minutes.text
                data = request.POST.copy()
                data["version"] = minutes.version  # the next save starts from the latest
                form = MinutesForm(data)
                form.is_valid()
                form.add_error(None, " ".join(error.messages) + STALE_HINT)
                status = 409
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
            else:
                messages.success(
                    request, "Le compte rendu est enregistré." if changed else "Rien n'a changé."
                )
                return redirect(request.path)
        else:
            status = 400
        may_edit = True
    elif may_edit:
        form = MinutesForm(initial={"text": minutes.text, "version": minutes.version})
    return render(
        request,
        "governance/minutes_detail.html",
        {
            "contract": meeting.contract,
            "breadcrumb": [
                *_meeting_breadcrumb(meeting),
                (f"Réunion du {meeting.date:%d/%m/%Y}", meeting.get_absolute_url()),
            ],
            "meeting": meeting,
            "minutes": minutes,
            "form": form if may_edit else None,
            "saved_meanwhile": saved_meanwhile,
        },
        status=status,
    )


@require_POST
@meeting_page(permissions.can_manage_bodies)
def minutes_start(request, meeting):
    try:
        minutes, created = services.start_minutes(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(meeting.get_absolute_url())
    if created:
        messages.success(
            request,
            "Le projet de compte rendu est rédigé à partir de l'ordre du jour et des présences : "
            "complétez-le, puis enregistrez.",
        )
    return redirect(minutes.get_absolute_url())


@require_POST
@meeting_page(permissions.can_manage_bodies)
def minutes_approve(request, meeting, earlier):
    """Approve, at `meeting`, the minutes of the earlier meeting `earlier` (its uuid)."""
    minutes = get_object_or_404(
        Minutes.objects.select_related("meeting__body", "meeting__contract"),
        meeting__uuid=earlier,
        meeting__contract=meeting.contract,
    )
    return _act(
        request,
        lambda: services.approve_minutes(minutes=minutes, at_meeting=meeting, by=request.user),
        success=lambda approved: (
            f"Le compte rendu de la réunion du {approved.meeting.date:%d/%m/%Y} est approuvé : "
            "il est figé et public."
        ),
        then=meeting.get_absolute_url(),
    )


@meeting_page()
def minutes_pdf(request, meeting):
    minutes = _readable_minutes(request, meeting)
    if not minutes.is_approved:
        raise Http404("Seul un compte rendu approuvé s'exporte en PDF.")
    response = HttpResponse(services.minutes_pdf(minutes), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{services.minutes_filename(minutes)}"'
    return response


@contract_page(permissions.can_view_bodies)
def minutes_list(request, contract):
    """The contract's approved minutes, newest first: public for a published contract."""
    approved = (
        Minutes.objects.approved()
        .filter(meeting__contract=contract)
        .select_related("meeting__body", "approved_at_meeting")
        .order_by("-meeting__date", "meeting__body__position")
    )
    return render(
        request,
        "governance/minutes_list.html",
        {
            "contract": contract,
            "breadcrumb": [
                *_breadcrumb(contract),
                ("Instances", reverse("governance:body-list", args=[contract.slug])),
            ],
            "approved": approved,
        },
    )


@require_POST
@meeting_page(permissions.can_manage_bodies)
@idempotency.replays_submissions
def document_add(request, meeting):
    form = MeetingDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        response = idempotency.submit(
            request,
            form,
            create=lambda: services.add_document(
                meeting=meeting,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                public=form.cleaned_data["public"],
                by=request.user,
            ),
            url=lambda document: meeting.get_absolute_url(),
            success=lambda document: (
                f"Le document « {document.title} » est ajouté"
                + (" et publié." if document.public else " (réservé aux partenaires du contrat).")
            ),
        )
        if response:
            return response
    return _meeting_page(request, meeting, document_form=form, status=400)


def _document(request, meeting, pk):
    document = get_object_or_404(meeting.documents, pk=pk)
    if not services.visible_documents(request.user, meeting).filter(pk=pk).exists():
        raise Http404("Document introuvable.")
    return document


@meeting_page()
def document_download(request, meeting, pk):
    """A meeting's document: public ones to every reader of the contract, the others to its
    people only (404 for the rest). Never served as media."""
    document = _document(request, meeting, pk)
    return private_file_response(
        document.file, filename=document.filename, content_type=document.content_type
    )


@require_POST
@meeting_page(permissions.can_manage_bodies)
def document_remove(request, meeting, pk):
    document = get_object_or_404(meeting.documents, pk=pk)
    return _act(
        request,
        lambda: services.remove_document(document=document, by=request.user),
        success=lambda _: f"Le document « {document.title} » est retiré.",
        then=meeting.get_absolute_url(),
    )


@require_POST
@meeting_page(permissions.can_manage_bodies)
def document_publish(request, meeting, pk):
    """Publish (`public=1`) or withdraw from publication (`public=0`) a document."""
    document = get_object_or_404(meeting.documents, pk=pk)
    public = request.POST.get("public") == "1"
    return _act(
        request,
        lambda: services.set_document_public(document=document, public=public, by=request.user),
        success=lambda changed: (
            f"Le document « {document.title} » "
            + ("est publié." if public else "n'est plus public.")
            if changed
            else "Rien n'a changé."
        ),
        then=meeting.get_absolute_url(),
    )
