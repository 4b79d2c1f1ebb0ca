from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quartiers.access.decorators import contract_page
from quartiers.core import idempotency
from quartiers.governance import permissions, services
from quartiers.governance.forms import BodyForm, MemberForm
from quartiers.governance.models import Body


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
    bodies = contract.bodies.all()
    return render(
        request,
        "governance/body_list.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "bodies": [(b, b.memberships.count()) for b in bodies],
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
    return render(
        request,
        "governance/body_detail.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract, body),
            "body": body,
            "memberships": body.memberships.select_related("partner"),
            "form": form,
            "may_manage": may_manage,
        },
    )


@require_POST
@contract_page(permissions.can_manage_bodies)
def member_remove(request, contract, code, pk):
    body = get_object_or_404(Body, contract=contract, code=code)
    membership = get_object_or_404(body.memberships.select_related("partner"), pk=pk)
    try:
        services.remove_member(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.partner.name} ne siège plus dans {body.name}.")
    return redirect("governance:body-detail", contract.slug, body.code)
