"""Business operations on people and organisations. Views, admin and commands call these."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from quartiers.accounts import permissions
from quartiers.accounts.models import Membership, Organisation, User
from quartiers.core.enums import OrganisationKind
from quartiers.core.mail import absolute_url, send_templated_mail


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
    return user


def kind_error(*, organisation: Organisation, kind: str, by) -> str | None:
    """Why `by` may not give `organisation` the nature `kind`, or None (`by=None`: the
    platform itself). Applied by `save_organisation`; forms show it next to the field."""
    if by is None:
        return None
    previous = (
        Organisation.objects.filter(pk=organisation.pk).values_list("kind", flat=True).first()
        if organisation.pk
        else None
    )
    if permissions.can_set_kind(by, kind, previous):
        return None
    return (
        "Seul un administrateur de la plateforme donne ou retire la nature d'une institution "
        "publique (État, service de l'État, collectivité, CAF…)."
    )


@transaction.atomic
def save_organisation(*, organisation: Organisation, by) -> Organisation:
    """Validate and save; the organisation's history records `by` as the author.

    Only a platform admin gives or takes away a public institution's nature (`kind_error`)."""
    error = kind_error(organisation=organisation, kind=organisation.kind, by=by)
    if error:
        raise ValidationError({"kind": error})
    organisation.full_clean()
    organisation._history_user = by
    organisation.save()
    return organisation


def organisation_for_partner(*, name: str, acronym: str, kind: str, parent=None) -> Organisation:
    """The organisation behind a contract partner found in an imported protocol.

    The État is one organisation everywhere (`the_state`); any other partner gets its own
    organisation, which a chef de projet may later merge with an existing one (same CAF in two
    contracts).
    """
    if kind == OrganisationKind.STATE:
        return the_state()
    return Organisation.objects.create(
        name=name or acronym, acronym=acronym[:40], kind=kind, parent=parent
    )


def the_state() -> Organisation:
    """The État of the platform, found by its flag (`Organisation.is_state`), never by its
    nature; created the first time a protocol names it."""
    organisation, _ = Organisation.objects.get_or_create(
        is_state=True,
        defaults={"name": "État", "acronym": "ETAT", "kind": OrganisationKind.STATE},
    )
    return organisation


@transaction.atomic
def update_profile(*, user: User, first_name: str, last_name: str) -> User:
    """A person changes the name shown to others."""
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    return user
