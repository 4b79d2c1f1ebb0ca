"""Business operations on roles per contract and the journal; views, admin, commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction

from quartiers.access import permissions
from quartiers.access.enums import ROLES_WITH_ORGANISATION, ContractRole
from quartiers.access.models import Event, RoleAssignment
from quartiers.accounts.models import Membership, Organisation, User
from quartiers.accounts.services import invite_user
from quartiers.contracts import services as contract_services
from quartiers.contracts.models import ImportWarning
from quartiers.core.mail import send_templated_mail


def record_event(
    *, verb: str, summary: str, contract=None, actor=None, data=None, about_draft=False
) -> Event:
    """Log a business event; `about_draft` keeps it out of the contract's journal."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return Event.objects.create(
        verb=verb,
        summary=summary[:500],
        contract=contract,
        actor=actor,
        data=data or {},
        about_draft=about_draft,
    )


def _check_role(role: str, organisation: Organisation | None) -> None:
    if role not in ContractRole.values:
        raise ValidationError(f"Rôle inconnu : {role}.")
    if role in ROLES_WITH_ORGANISATION and organisation is None:
        raise ValidationError(
            f"Le rôle « {ContractRole(role).label} » s'exerce pour une organisation : "
            "choisissez-la."
        )


FUNDER_INSTRUCTOR_GRANTORS = (
    "Le rôle d'instructeur d'un financeur est attribué par une personne habilitée de ce "
    "financeur, ou par l'administration de la plateforme."
)


def check_grant(*, contract, role: str, organisation, by, to=None, email="") -> None:
    """Refuse a grant `by` may not make (`by=None`: the platform itself, e.g. the demo)."""
    contract_services.ensure_not_archived(contract)
    if by is None or not by.is_authenticated:
        return
    if to is None and email and organisation is not None and email.strip().lower() == by.email:
        to = by
    if permissions.can_grant_role(by, contract, role, organisation, to=to):
        return
    if to is not None and to == by and organisation is not None:
        raise ValidationError(
            "On ne s'attribue pas soi-même un rôle pour une organisation : "
            "demandez-le à une autre personne habilitée."
        )
    if role == ContractRole.FUNDER_INSTRUCTOR:
        raise ValidationError(FUNDER_INSTRUCTOR_GRANTORS)
    if permissions.can_manage_roles(by, contract) and organisation is not None:
        raise ValidationError(
            f"« {organisation} » ne participe pas à ce contrat : choisissez un partenaire du "
            "contrat ou une organisation qui y a déjà un rôle."
        )
    raise ValidationError("Vous ne pouvez pas attribuer ce rôle sur ce contrat.")


def _tell_funder(*, assignment: RoleAssignment, by, granted: bool) -> None:
    """The funder's admins hear of every change of its instructors (but not from themselves)."""
    admins = Membership.objects.filter(
        organisation=assignment.organisation, funder_admin=True, user__is_active=True
    ).exclude(user=by if by is not None and by.is_authenticated else None)
    recipients = sorted(admins.values_list("user__email", flat=True))
    if not recipients:
        return
    send_templated_mail(
        template="access/emails/funder_instructor_changed",
        to=recipients,
        context={"assignment": assignment, "by": by, "granted": granted},
    )


@transaction.atomic
def grant_role(
    *, contract, user: User, role: str, by, organisation: Organisation | None = None
) -> RoleAssignment:
    """Give `role` on `contract` to `user`, attaching them to `organisation` if needed."""
    _check_role(role, organisation)
    if role not in ROLES_WITH_ORGANISATION:
        organisation = None
    check_grant(contract=contract, role=role, organisation=organisation, by=by, to=user)
    created_membership = False
    if organisation is not None:
        _, created_membership = Membership.objects.get_or_create(
            user=user, organisation=organisation
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        contract=contract,
        role=role,
        organisation=organisation,
        defaults={
            "granted_by": by if by and by.is_authenticated else None,
            "created_membership": created_membership,
        },
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
        if role == ContractRole.FUNDER_INSTRUCTOR:
            _tell_funder(assignment=assignment, by=by, granted=True)
    return assignment


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment, by) -> None:
    """Take the role back, and the membership its grant created unless another role needs it."""
    contract_services.ensure_not_archived(assignment.contract)
    if by is not None and by.is_authenticated and not permissions.can_revoke_role(by, assignment):
        raise ValidationError(
            FUNDER_INSTRUCTOR_GRANTORS
            if assignment.role == ContractRole.FUNDER_INSTRUCTOR
            else "Vous ne pouvez pas retirer ce rôle."
        )
    record_event(
        verb="role_revoked",
        summary=f"{assignment.user.email} : {assignment.get_role_display()} retiré"
        + (f" pour {assignment.organisation}" if assignment.organisation_id else ""),
        contract=assignment.contract,
        actor=by,
        data={
            "user": assignment.user_id,
            "role": assignment.role,
            "organisation": assignment.organisation_id,
        },
    )
    # Read afresh: a revocation just before may have handed the flag down to this one.
    created_membership = (
        RoleAssignment.objects.filter(pk=assignment.pk)
        .values_list("created_membership", flat=True)
        .first()
    )
    if assignment.organisation_id and created_membership:
        heir = (
            RoleAssignment.objects.filter(
                user=assignment.user_id, organisation=assignment.organisation_id
            )
            .exclude(pk=assignment.pk)
            .first()
        )
        if heir is None:
            Membership.objects.filter(
                user=assignment.user_id, organisation=assignment.organisation_id
            ).delete()
        else:
            heir.created_membership = True
            heir.save(update_fields=["created_membership"])
    if assignment.role == ContractRole.FUNDER_INSTRUCTOR:
        _tell_funder(assignment=assignment, by=by, granted=False)
    assignment.delete()


def contract_events(contract, limit: int = 200):
    """The latest business events of a contract, newest first, none about a draft."""
    return Event.objects.filter(contract=contract, about_draft=False).select_related("actor")[
        :limit
    ]


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
    # Both checks before the invitation e-mail leaves.
    _check_role(role, organisation)
    if role not in ROLES_WITH_ORGANISATION:
        organisation = None
    check_grant(contract=contract, role=role, organisation=organisation, by=by, email=email)
    # The membership comes with the role (grant_role), so that revoking the role removes it.
    user = invite_user(email=email, by=by, first_name=first_name, last_name=last_name)
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
    """Mark an import warning as checked by a person, and say so in the journal (once: a
    warning already reviewed keeps its first reviewer and journals nothing more)."""
    if contract_services.mark_warning_reviewed(warning=warning, by=by):
        record_event(
            verb="import_warning_reviewed",
            summary=f"Avertissement d'import vérifié : {warning.message[:200]}",
            contract=warning.contract,
            actor=by,
        )


CORRECTION_REFUSED = (
    "Seuls la cheffe ou le chef de projet du contrat et les administrateurs de la plateforme "
    "corrigent les données importées."
)


def _check_correction(contract, by, warning) -> None:
    if by is not None and not permissions.can_correct_contract_data(by, contract):
        raise ValidationError(CORRECTION_REFUSED)
    if warning is not None and warning.contract_id != contract.pk:
        raise ValidationError("Cet avertissement ne concerne pas ce contrat.")


def _after_correction(*, contract, by, changed: bool, summary: str, warning) -> None:
    if changed:
        record_event(verb="imported_data_corrected", summary=summary, contract=contract, actor=by)
    if warning is not None:
        review_import_warning(warning=warning, by=by)


@transaction.atomic
def correct_partner(*, partner, name: str, kind: str, parent, by, warning=None) -> bool:
    """The chef de projet corrects an imported partner (`contracts.services.correct_partner`);
    the import warning she came from, if any, is marked reviewed by her."""
    _check_correction(partner.contract, by, warning)
    changed = contract_services.correct_partner(
        partner=partner, name=name, kind=kind, parent=parent, by=by
    )
    _after_correction(
        contract=partner.contract,
        by=by,
        changed=changed,
        summary=f"Partenaire {partner.code} corrigé : {partner.name}",
        warning=warning,
    )
    return changed


@transaction.atomic
def correct_engagement(*, engagement, text: str, pillar, theme, roles, by, warning=None) -> bool:
    """The chef de projet corrects an engagement and its roles in the grid
    (`contracts.services.correct_engagement`); the warning she came from is reviewed."""
    _check_correction(engagement.contract, by, warning)
    changed = contract_services.correct_engagement(
        engagement=engagement, text=text, pillar=pillar, theme=theme, roles=roles, by=by
    )
    _after_correction(
        contract=engagement.contract,
        by=by,
        changed=changed,
        summary=f"Engagement {engagement.number} corrigé",
        warning=warning,
    )
    return changed


@transaction.atomic
def archive_contract(*, contract, by) -> None:
    """Make the contract read-only (its project lead or a platform admin); journalled."""
    if by is not None and not permissions.can_archive_contract(by, contract):
        raise ValidationError(
            "Seuls la cheffe ou le chef de projet et les administrateurs de la plateforme "
            "archivent un contrat."
        )
    record_event(verb="contract_archived", summary="Contrat archivé", contract=contract, actor=by)
    contract_services.set_archived(contract=contract, archived=True)


@transaction.atomic
def unarchive_contract(*, contract, by) -> None:
    """Make an archived contract writable again (a platform admin); journalled."""
    if by is not None and not permissions.can_unarchive_contract(by, contract):
        raise ValidationError("Seul un administrateur de la plateforme désarchive un contrat.")
    contract_services.set_archived(contract=contract, archived=False)
    record_event(
        verb="contract_unarchived", summary="Contrat désarchivé", contract=contract, actor=by
    )
