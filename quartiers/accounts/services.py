"""Business operations on people, organisations and roles. Views, admin and commands call these."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from quartiers.accounts.enums import ROLES_WITH_ORGANISATION, ContractRole
from quartiers.accounts.models import Event, Membership, Organisation, RoleAssignment, User
from quartiers.core.enums import OrganisationKind
from quartiers.core.mail import absolute_url, send_templated_mail


def record_event(*, verb: str, summary: str, contract=None, actor=None, data=None) -> Event:
    actor = actor if actor is not None and actor.is_authenticated else None
    return Event.objects.create(
        verb=verb, summary=summary[:500], contract=contract, actor=actor, data=data or {}
    )


def set_password_link(user: User) -> str:
    """Absolute link where a person chooses a password (invitation or reset)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    return absolute_url(path)


@transaction.atomic
def invite_user(
    *, email: str, by, first_name="", last_name="", organisation: Organisation | None = None
) -> User:
    """Create (or find) a person, attach the organisation, e-mail a link to set a password."""
    email = User.objects.normalize_email(email).strip().lower()
    if not email:
        raise ValidationError("L'adresse électronique est obligatoire.")
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if organisation is not None:
        Membership.objects.get_or_create(user=user, organisation=organisation)
    send_templated_mail(
        template="accounts/emails/invitation",
        to=[user.email],
        context={
            "user": user,
            "by": by,
            "link": set_password_link(user),
            "existing": not created and user.has_usable_password(),
        },
    )
    record_event(
        verb="user_invited",
        summary=f"{user.email} invité·e par {by}",
        actor=by,
        data={"user": user.pk, "created": created},
    )
    return user


@transaction.atomic
def grant_role(
    *, contract, user: User, role: str, by, organisation: Organisation | None = None
) -> RoleAssignment:
    if role not in ContractRole.values:
        raise ValidationError(f"Rôle inconnu : {role}.")
    if role in ROLES_WITH_ORGANISATION and organisation is None:
        raise ValidationError(
            f"Le rôle « {ContractRole(role).label} » s'exerce pour une organisation : "
            "choisissez-la."
        )
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


@transaction.atomic
def save_organisation(*, organisation: Organisation, by) -> Organisation:
    organisation.full_clean()
    created = organisation.pk is None
    organisation.save()
    record_event(
        verb="organisation_created" if created else "organisation_changed",
        summary=f"Organisation {organisation} {'créée' if created else 'modifiée'}",
        actor=by,
        data={"organisation": organisation.pk},
    )
    return organisation


def organisation_for_partner(*, name: str, acronym: str, kind: str, parent=None) -> Organisation:
    """The organisation behind a contract partner found in an imported protocol.

    The État is one organisation everywhere; any other partner gets its own organisation,
    which a chef de projet may later merge with an existing one (same CAF in two contracts).
    """
    if kind == OrganisationKind.STATE:
        organisation, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.STATE, parent=None, defaults={"name": "État", "acronym": "ETAT"}
        )
        return organisation
    return Organisation.objects.create(
        name=name or acronym, acronym=acronym[:40], kind=kind, parent=parent
    )


def contract_events(contract, limit: int = 200):
    """The latest business events of a contract, newest first."""
    return Event.objects.filter(contract=contract).select_related("actor")[:limit]


@transaction.atomic
def update_profile(*, user: User, first_name: str, last_name: str) -> User:
    """A person changes the name shown to others."""
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    return user
