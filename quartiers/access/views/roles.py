"""The people and roles of a contract, the journal, and "Mes rôles"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quartiers.access import permissions, services
from quartiers.access.decorators import contract_page
from quartiers.access.enums import ContractRole
from quartiers.access.forms import InviteForm
from quartiers.access.models import RoleAssignment
from quartiers.core import idempotency, ratelimit


def _breadcrumb(contract):
    return [
        ("Contrats", reverse("contracts:contract-list")),
        (contract.name, contract.get_absolute_url()),
    ]


def my_roles(request):
    assignments = (
        RoleAssignment.objects.for_user(request.user)
        .select_related("contract", "organisation")
        .order_by("contract__name", "role")
    )
    contracts = {a.contract for a in assignments}
    managed = {c.pk for c in contracts if permissions.can_manage_roles(request.user, c)}
    return render(
        request,
        "access/my_roles.html",
        {
            "breadcrumb": [("Mon compte", reverse("accounts:my-account"))],
            "assignments": assignments,
            "managed": managed,
        },
    )


# Roles in the order of their declaration (chef·fe de projet first), not alphabetically.
ROLE_ORDER = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(ContractRole)))


@contract_page(check=permissions.can_manage_roles)
@idempotency.replays_submissions
def contract_roles(request, contract):
    form = InviteForm(
        request.POST or None,
        roles=permissions.grantable_roles(request.user, contract),
        organisations=permissions.grantable_organisations(request.user, contract),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            response = idempotency.submit(
                request,
                form,
                create=lambda: services.invite_to_contract(
                    contract=contract, by=request.user, **data
                ),
                url=lambda _: reverse("access:contract-roles", kwargs={"slug": contract.slug}),
                success=lambda assignment: (
                    f"Invitation envoyée à {assignment.user.email} : "
                    f"{assignment.get_role_display()}"
                    + (f" pour {assignment.organisation}." if assignment.organisation else ".")
                ),
            )
        except ratelimit.RateLimited as error:
            return ratelimit.refusal(request, error)
        if response:
            return response
    assignments = (
        permissions.managed_assignments(request.user, contract)
        .select_related("user", "contract", "organisation", "granted_by")
        .order_by(ROLE_ORDER, "user__last_name", "user__first_name", "user__email")
    )
    return render(
        request,
        "access/contract_roles.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            # An archived contract is read-only: no button nor form its services would refuse.
            "assignments": [
                (
                    assignment,
                    not contract.is_archived
                    and permissions.can_revoke_role(request.user, assignment),
                )
                for assignment in assignments
            ],
            "form": None if contract.is_archived else form,
            "can_grant_instructors": ContractRole.FUNDER_INSTRUCTOR
            in permissions.grantable_roles(request.user, contract),
            "instructor_grantors": services.FUNDER_INSTRUCTOR_GRANTORS,
        },
    )


@require_POST
@contract_page(check=permissions.can_manage_roles)
def revoke_role(request, contract, pk):
    assignment = get_object_or_404(
        permissions.managed_assignments(request.user, contract).select_related(
            "user", "organisation"
        ),
        pk=pk,
    )
    try:
        services.revoke_role(assignment=assignment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("access:contract-roles", slug=contract.slug)
    messages.success(
        request,
        f"Rôle « {assignment.get_role_display()} » retiré à "
        f"{assignment.user.get_full_name() or assignment.user.email}.",
    )
    return redirect("access:contract-roles", slug=contract.slug)


@contract_page(check=permissions.can_review_import)
def events(request, contract):
    return render(
        request,
        "access/events.html",
        {
            "contract": contract,
            "breadcrumb": _breadcrumb(contract),
            "events": services.contract_events(contract),
        },
    )
