"""Import a protocol from the browser: upload, follow the analysis, preview, then apply.

The upload page keeps the document and queues its analysis (`services.start_import_job`);
the job page shows its progress, polled by htmx (or reloaded by the browser without
JavaScript), then the preview and the « Appliquer » button.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRefresh

from quartiers.access import permissions
from quartiers.access.decorators import contract_page
from quartiers.protocol_import import services
from quartiers.protocol_import.forms import ProtocolUploadForm
from quartiers.protocol_import.models import ImportJob
from quartiers.protocol_import.permissions import can_apply_import_job, can_view_import_job

POLL_SECONDS = 2


@contract_page(check=permissions.can_import_protocol)
def import_into_contract(request, contract):
    return _upload_page(request, contract=contract)


def import_new_contract(request):
    if not permissions.can_import_protocol(request.user):
        raise PermissionDenied
    return _upload_page(request, contract=None)


def _upload_page(request, *, contract):
    posted = request.method == "POST"
    form = ProtocolUploadForm(request.POST, request.FILES) if posted else ProtocolUploadForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            job = services.start_import_job(
                name=upload.name, data=upload.read(), contract=contract, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(job)
    if contract is not None and contract.is_archived:
        form = None  # read-only: the page says so instead of offering an upload it would refuse
    cancel_url = contract.get_absolute_url() if contract else reverse("contracts:contract-list")
    return render(
        request,
        "protocol_import/import.html",
        {
            "contract": contract,
            "form": form,
            "cancel_url": cancel_url,
            "breadcrumb": _breadcrumb(contract),
        },
    )


def import_job(request, uuid):
    job = get_object_or_404(ImportJob.objects.select_related("contract"), uuid=uuid)
    if not can_view_import_job(request.user, job):
        raise Http404
    if request.method == "POST":
        return _apply(request, job)
    if request.htmx:
        if not job.is_unfinished:
            return HttpResponseClientRefresh()  # the whole page: title, preview, messages
        return render(request, "protocol_import/_job_progress.html", _job_context(job))
    return render(request, "protocol_import/job.html", _job_context(job))


def _breadcrumb(contract):
    """Contrats (› the contract): the import pages sit under the contract they fill."""
    links = [("Contrats", reverse("contracts:contract-list"))]
    if contract is not None:
        links.append((contract.name, contract.get_absolute_url()))
    return links


def _job_context(job):
    result = job.result or {}
    return {
        "breadcrumb": _breadcrumb(job.contract),
        "job": job,
        "result": result,
        "signed_on": _date(result.get("signed_on")),
        "ends_on": _date(result.get("ends_on")),
        "contract": job.contract,
        "poll_seconds": POLL_SECONDS,
        "can_apply": not job.is_expired,
    }


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _apply(request, job):
    if not can_apply_import_job(request.user, job):
        raise PermissionDenied
    try:
        report = services.apply_import_job(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(job)
    if report.applied:
        messages.success(request, f"Import enregistré : {len(report.changes)} changement(s).")
    else:
        messages.info(request, "Ce document est déjà importé : rien n'a changé.")
    return redirect(report.contract.get_absolute_url())
