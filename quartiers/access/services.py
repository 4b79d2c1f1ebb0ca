"""Business operations on roles per contract and the journal; views, admin, commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction

from quartiers.access.enums import ROLES_WITH_ORGANISATION, ContractRole
from quartiers.access.models import Event, RoleAssignment
from quartiers.accounts.models import Membership, Organisation, User
from quartiers.accounts.services import invite_user
from quartiers.contracts import services as contract_services
from quartiers.contracts.models import ImportWarning


def record_event(*, verb: str, summary: str, contract=None, actor=None, data=None) -> Event:
    actor = actor if actor is not None and actor.is_authenticated else None
    return Event.objects.create(
        verb=verb, summary=summary[:500], contract=contract, actor=actor, data=data or {}
    )


def _check_role(role: str, organisation: Organisation | None) -> None:
    if role not in ContractRole.values:
        raise ValidationError(f"Rôle inconnu : {role}.")
    if role in ROLES_WITH_ORGANISATION and organisation is None:
        raise ValidationError(
            f"Le rôle « {ContractRole(role).label} » s'exerce pour une organisation : "
            "choisissez-la."
        )


@transaction.atomic
def grant_role(
    *, contract, user: User, role: str, by, organisation: Organisation | None = None
) -> RoleAssignment:
    _check_role(role, organisation)
    if role not in ROLES_WITH_ORGANISATION:
        organisation = None
    if organisation is not None:
        Membership.objects.get_or_create(user=user, organisation=organisation)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        contract=contract,
        role=role,
        organisation=organisation,
        defaults={"granted_by": by if by and by.is_authenticated else None},
    )
    if created:
        record_event(
            verb="role_granted",
            summary=f"{user.email} : {assignment.get_role_display()}"
            + (f" pour {organisation}" if organisation else ""),
            contract=contract,
            actor=by,
            data={"user": user.pk, "role": role, "organisation": getattr(organisation, "pk", None)},
        )
    return assignment


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment, by) -> None:
    record_event(
        verb="role_revoked",
        summary=f"{assignment.user.email} : {assignment.get_role_display()} retiré",
        contract=assignment.contract,
        actor=by,
        data={"user": assignment.user_id, "role": assignment.role},
    )
    assignment.delete()


def contract_events(contract, limit: int = 200):
    """The latest business events of a contract, newest first."""
    return Event.objects.filter(contract=contract).select_related("actor")[:limit]


@transaction.atomic
def invite_to_contract(
    *,
    contract,
    email: str,
    role: str,
    by,
    first_name="",
    last_name="",
    organisation: Organisation | None = None,
) -> RoleAssignment:
    """Invite a person (or find them by e-mail) and give them `role` on `contract`."""
    _check_role(role, organisation)  # before the invitation e-mail leaves
    user = invite_user(
        email=email, by=by, first_name=first_name, last_name=last_name, organisation=organisation
    )
    record_event(
        verb="user_invited",
        summary=f"{user.email} invité·e par {by}",
        contract=contract,
        actor=by,
        data={"user": user.pk},
    )
    return grant_role(contract=contract, user=user, role=role, organisation=organisation, by=by)


@transaction.atomic
def review_import_warning(*, warning: ImportWarning, by) -> None:
    """Mark an import warning as checked by a person, and say so in the journal."""
    contract_services.mark_warning_reviewed(warning=warning)
    record_event(
        verb="import_warning_reviewed",
        summary=f"Avertissement d'import vérifié : {warning.message[:200]}",
        contract=warning.contract,
        actor=by,
    )
