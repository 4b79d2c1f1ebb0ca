"""Import a protocol from the browser: upload, preview what changes, then apply."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from quartiers.access import permissions
from quartiers.access.decorators import contract_page
from quartiers.protocol_import import services
from quartiers.protocol_import.forms import ProtocolUploadForm

SESSION_KEY = "staged_protocol"


@contract_page(check=permissions.can_import_protocol)
def import_into_contract(request, contract):
    return _import_page(request, contract=contract, slug=contract.slug)


def import_new_contract(request):
    if not permissions.can_import_protocol(request.user):
        raise PermissionDenied
    return _import_page(request, contract=None, slug=None)


def _import_page(request, *, contract, slug):
    form = ProtocolUploadForm()
    context = {"contract": contract, "form": form}
    if request.method == "POST" and "apply" in request.POST:
        staged = request.session.get(SESSION_KEY) or {}
        try:
            data = services.read_staged(staged.get("token", ""))
            extraction = services.extract_file(name=staged["name"], data=data)
            report = services.import_protocol(
                extraction=extraction, apply=True, slug=staged.get("slug"), by=request.user
            )
        except (ValidationError, KeyError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [])) or "Import impossible.")
            return redirect(request.path)
        services.discard_staged(staged["token"])
        del request.session[SESSION_KEY]
        if report.applied:
            messages.success(request, f"Import enregistré : {len(report.changes)} changement(s).")
        else:
            messages.info(request, "Ce document est déjà importé : rien n'a changé.")
        return redirect(report.contract.get_absolute_url())
    if request.method == "POST":
        form = ProtocolUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["document"]
            data = upload.read()
            try:
                extraction = services.extract_file(name=upload.name, data=data)
                report = services.import_protocol(extraction=extraction, apply=False, slug=slug)
            except ValidationError as exc:
                form.add_error("document", exc)
            else:
                if contract is None and report.contract is not None:
                    form.add_error(
                        "document",
                        f"Un contrat « {report.contract} » existe déjà : importez depuis sa page.",
                    )
                else:
                    request.session[SESSION_KEY] = {
                        "token": services.stage_upload(name=upload.name, data=data),
                        "name": upload.name,
                        "slug": report.slug,
                    }
                    context.update(report=report, extraction=extraction)
    context["cancel_url"] = (
        contract.get_absolute_url() if contract else reverse("contracts:contract-list")
    )
    return render(request, "protocol_import/import.html", context)
