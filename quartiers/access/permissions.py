"""Who may do what: plain predicates used by views, API and admin alike. Deny by default."""

from django.db.models import Q

from quartiers.access.enums import ContractRole
from quartiers.access.models import RoleAssignment
from quartiers.accounts.models import Organisation
from quartiers.accounts.permissions import is_admin
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


def can_correct_contract_data(user, contract) -> bool:
    """Correct the imported partners and grid inside the product: the contract's chef de
    projet and platform admins (public institutions' natures stay with the admins:
    `accounts.permissions.can_set_kind`)."""
    return is_admin(user) or ContractRole.PROJECT_LEAD in contract_roles(user, contract)


def can_import_protocol(user, contract=None) -> bool:
    if contract is None:
        return is_admin(user)
    return is_admin(user) or ContractRole.PROJECT_LEAD in contract_roles(user, contract)


def can_archive_contract(user, contract) -> bool:
    """Make a contract read-only: its project lead or a platform admin."""
    return is_admin(user) or ContractRole.PROJECT_LEAD in contract_roles(user, contract)


def can_unarchive_contract(user, contract) -> bool:
    return is_admin(user)


def can_delete_contract(user, contract) -> bool:
    """Delete a contract and every row it owns: platform admins only."""
    return is_admin(user)


def can_view_history(user, contract) -> bool:
    return can_review_import(user, contract)


def contract_organisations(contract):
    """Organisations taking part in `contract`: its partners' and those holding a role on it.

    A carrier of a dossier on the contract holds (or held) the carrier role on it; the
    programming is above this layer, so the roles stand for the dossiers here.
    """
    return Organisation.objects.filter(
        Q(partnerships__contract=contract) | Q(role_assignments__contract=contract)
    ).distinct()


def visible_organisations(user):
    """Organisations a person may read: their own, and those of the contracts they steer;
    every organisation of the platform for platform admins only."""
    if is_admin(user):
        return Organisation.objects.all()
    if not user.is_authenticated:
        return Organisation.objects.none()
    steered = RoleAssignment.objects.filter(user=user, role__in=STEERING).values("contract")
    return Organisation.objects.filter(
        Q(members=user)
        | Q(partnerships__contract__in=steered)
        | Q(role_assignments__contract__in=steered)
    ).distinct()


def can_view_organisation(user, organisation) -> bool:
    return visible_organisations(user).filter(pk=organisation.pk).exists()


def can_edit_organisation(user, organisation) -> bool:
    return is_admin(user) or (
        user.is_authenticated and organisation.members.filter(pk=user.pk).exists()
    )


def administered_funders(user, contract) -> set[int]:
    """Ids of the partner organisations of `contract` whose instructors `user` appoints
    (a membership marked funder admin), cached per request."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_administered_funders", {})
    if contract.pk not in cache:
        cache[contract.pk] = set(
            Organisation.objects.filter(
                partnerships__contract=contract,
                membership__user=user,
                membership__funder_admin=True,
            ).values_list("pk", flat=True)
        )
    return cache[contract.pk]


def can_manage_roles(user, contract) -> bool:
    """Open the « Personnes et rôles » page: admins, the chef de projet, funder admins."""
    return (
        is_admin(user)
        or ContractRole.PROJECT_LEAD in contract_roles(user, contract)
        or bool(administered_funders(user, contract))
    )


def grantable_roles(user, contract) -> list[str]:
    """The roles `user` may give on `contract`. A funder's instructors are appointed by that
    funder (its funder admins) or by a platform admin, never by the chef de projet."""
    if is_admin(user):
        return list(ContractRole.values)
    roles = []
    if ContractRole.PROJECT_LEAD in contract_roles(user, contract):
        roles = [r for r in ContractRole.values if r != ContractRole.FUNDER_INSTRUCTOR]
    if administered_funders(user, contract):
        roles.append(ContractRole.FUNDER_INSTRUCTOR)
    return [r for r in ContractRole.values if r in roles]


def grantable_organisations(user, contract):
    """The organisations `user` may attach people to on `contract`: every one for admins,
    those of the contract for its chef de projet, their own funders for funder admins."""
    if is_admin(user):
        return Organisation.objects.all()
    ids = set(administered_funders(user, contract))
    if ContractRole.PROJECT_LEAD in contract_roles(user, contract):
        ids |= set(contract_organisations(contract).values_list("pk", flat=True))
    return Organisation.objects.filter(pk__in=ids)


def can_grant_role(user, contract, role: str, organisation=None, *, to=None) -> bool:
    """`user` gives `role` on `contract` (for `organisation`) to the person `to`.

    Nobody gives themselves a role acting for an organisation. The instructor role of a
    funder comes from that funder's admins or a platform admin; any other role from the
    chef de projet of this contract, for an organisation of this contract only.
    """
    if to is not None and to == user and organisation is not None:
        return False
    if role == ContractRole.FUNDER_INSTRUCTOR:
        return organisation is not None and (
            is_admin(user) or organisation.pk in administered_funders(user, contract)
        )
    if is_admin(user):
        return True
    if ContractRole.PROJECT_LEAD not in contract_roles(user, contract):
        return False
    return organisation is None or (
        contract_organisations(contract).filter(pk=organisation.pk).exists()
    )


def can_revoke_role(user, assignment) -> bool:
    """Who may give a role may take it back (its organisation is, by the role itself, one of
    the contract's); anyone may give up their own role."""
    contract = assignment.contract
    if assignment.user_id == user.pk or is_admin(user):
        return True
    if assignment.role == ContractRole.FUNDER_INSTRUCTOR:
        return assignment.organisation_id in administered_funders(user, contract)
    return ContractRole.PROJECT_LEAD in contract_roles(user, contract)


def managed_assignments(user, contract):
    """The roles on `contract` the roles page shows `user`: all of them to admins and the chef
    de projet, the instructors of their own funders to funder admins."""
    assignments = RoleAssignment.objects.for_contract(contract)
    if is_admin(user) or ContractRole.PROJECT_LEAD in contract_roles(user, contract):
        return assignments
    return assignments.filter(
        role=ContractRole.FUNDER_INSTRUCTOR,
        organisation__in=administered_funders(user, contract),
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


def prime_roles(user, assignments) -> None:
    """Fill the per-request caches of `contract_roles` and `role_organisations` from
    `assignments`, every role of `user` read at once (a page asking the predicates about many
    contracts then reads no more rows). Contracts absent from `assignments` are not touched."""
    roles = user.__dict__.setdefault("_contract_roles", {})
    organisations = user.__dict__.setdefault("_role_organisations", {})
    for assignment in assignments:
        roles.setdefault(assignment.contract_id, set())
        for role in ContractRole.values:
            organisations.setdefault((assignment.contract_id, role), set())
    for assignment in assignments:
        roles[assignment.contract_id].add(assignment.role)
        if assignment.organisation_id is not None:
            organisations[(assignment.contract_id, assignment.role)].add(assignment.organisation_id)


# The conseil citoyen's page of a contract (`participation`): asked here, like
# `can_import_protocol`, because the contract's menu links it; `participation.permissions`
# builds its finer predicates on it.
COUNCIL_READERS = {
    ContractRole.PROJECT_LEAD,
    ContractRole.PREFECT_DELEGATE,
    ContractRole.CITIZEN_COUNCIL,
    ContractRole.OBSERVER,
}


def can_run_committees(user, contract) -> bool:
    """Hold the programming's committee sessions (their dossier agendas and tables): the
    steering roles and platform admins."""
    return is_admin(user) or bool(contract_roles(user, contract) & STEERING)


def can_view_citizen_council(user, contract) -> bool:
    """The conseil citoyen's page: the steering roles, its members, observers (who read its
    non-personal parts) and platform admins; not carriers nor funders' instructors."""
    return is_admin(user) or bool(contract_roles(user, contract) & COUNCIL_READERS)
