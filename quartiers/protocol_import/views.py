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
    return _import_page(request, contract=contract)


def import_new_contract(request):
    if not permissions.can_import_protocol(request.user):
        raise PermissionDenied
    return _import_page(request, contract=None)


def _import_page(request, *, contract):
    if request.method == "POST" and "apply" in request.POST:
        return _apply(request)
    posted = request.method == "POST"
    form = ProtocolUploadForm(request.POST, request.FILES) if posted else ProtocolUploadForm()
    context = {"contract": contract, "form": form}
    if posted and form.is_valid():
        upload = form.cleaned_data["document"]
        data = upload.read()
        try:
            report = services.preview_import(
                name=upload.name,
                data=data,
                slug=contract.slug if contract else None,
                create_only=contract is None,
            )
        except ValidationError as exc:
            form.add_error("document", exc)
        else:
            request.session[SESSION_KEY] = {
                "token": services.stage_upload(name=upload.name, data=data),
                "name": upload.name,
                "slug": report.slug,
                "create_only": contract is None,
            }
            context["report"] = report
    context["cancel_url"] = (
        contract.get_absolute_url() if contract else reverse("contracts:contract-list")
    )
    return render(request, "protocol_import/import.html", context)


def _apply(request):
    staged = request.session.get(SESSION_KEY) or {}
    try:
        report = services.apply_import(
            name=staged.get("name", ""),
            data=services.read_staged(staged.get("token", "")),
            slug=staged.get("slug"),
            create_only=staged.get("create_only", False),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(request.path)
    services.discard_staged(staged["token"])
    del request.session[SESSION_KEY]
    if report.applied:
        messages.success(request, f"Import enregistré : {len(report.changes)} changement(s).")
    else:
        messages.info(request, "Ce document est déjà importé : rien n'a changé.")
    return redirect(report.contract.get_absolute_url())
