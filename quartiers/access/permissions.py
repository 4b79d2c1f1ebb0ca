"""Who may do what: plain predicates used by views, API and admin alike. Deny by default."""

from django.db.models import Q

from quartiers.access.enums import ContractRole
from quartiers.access.models import RoleAssignment
from quartiers.accounts.models import Organisation
from quartiers.contracts.models import Contract

STEERING = {ContractRole.PROJECT_LEAD, ContractRole.PREFECT_DELEGATE}


def contract_roles(user, contract) -> set[str]:
    """The roles `user` holds on `contract` (cached on the user object per request)."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_contract_roles", {})
    if contract.pk not in cache:
        cache[contract.pk] = set(
            RoleAssignment.objects.filter(user=user, contract=contract).values_list(
                "role", flat=True
            )
        )
    return cache[contract.pk]


def is_admin(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def can_view_contract(user, contract) -> bool:
    """Published contracts are public; others only for admins and people holding a role.

    Keep in step with `visible_contracts`, the same rule as a QuerySet filter.
    """
    return contract.is_published or is_admin(user) or bool(contract_roles(user, contract))


def visible_contracts(user, contracts=None):
    """The contracts (from `contracts`, default all) that `can_view_contract` lets `user` see."""
    contracts = Contract.objects.all() if contracts is None else contracts
    if is_admin(user):
        return contracts
    visible = Q(is_published=True)
    if user.is_authenticated:
        visible |= Q(pk__in=RoleAssignment.objects.filter(user=user).values("contract"))
    return contracts.filter(visible)


def can_review_import(user, contract) -> bool:
    """See import warnings and correct imported data."""
    return is_admin(user) or bool(contract_roles(user, contract) & STEERING)


def can_import_protocol(user, contract=None) -> bool:
    if contract is None:
        return is_admin(user)
    return is_admin(user) or ContractRole.PROJECT_LEAD in contract_roles(user, contract)


def can_manage_roles(user, contract) -> bool:
    return is_admin(user) or ContractRole.PROJECT_LEAD in contract_roles(user, contract)


def can_view_history(user, contract) -> bool:
    return can_review_import(user, contract)


def visible_organisations(user):
    """Organisations a person may read: their own; all of them for steering roles and admins."""
    if is_admin(user) or (
        user.is_authenticated
        and RoleAssignment.objects.filter(user=user, role__in=STEERING).exists()
    ):
        return Organisation.objects.all()
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(members=user)


def can_view_organisation(user, organisation) -> bool:
    return visible_organisations(user).filter(pk=organisation.pk).exists()


def can_edit_organisation(user, organisation) -> bool:
    return is_admin(user) or (
        user.is_authenticated and organisation.members.filter(pk=user.pk).exists()
    )


def role_organisations(user, contract, role: str) -> set[int]:
    """Ids of the organisations `user` acts for with `role` on `contract` (cached)."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_role_organisations", {})
    key = (contract.pk, role)
    if key not in cache:
        cache[key] = set(
            RoleAssignment.objects.filter(
                user=user, contract=contract, role=role, organisation__isnull=False
            ).values_list("organisation_id", flat=True)
        )
    return cache[key]
