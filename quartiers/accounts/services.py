"""Business operations on people and organisations. Views, admin and commands call these."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

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


def request_password_reset(*, email: str) -> None:
    """Queue the reset e-mail of `email`: the request costs the same, known address or not."""
    send_password_reset.enqueue(email=email)


@task()
def send_password_reset(*, email: str) -> None:
    """E-mail a reset link to each active account of `email` (none: nothing, and no trace).

    Invited people have no password yet: a reset is also how they get a new link when their
    invitation has expired. Inactive accounts get nothing.
    """
    for user in User.objects.filter(email__iexact=email.strip(), is_active=True):
        send_templated_mail(
            template="accounts/emails/password_reset",
            to=[user.email],
            context={"user": user, "link": set_password_link(user)},
        )


@transaction.atomic
def save_organisation(*, organisation: Organisation, by) -> Organisation:
    """Validate and save; the organisation's history records `by` as the author."""
    organisation.full_clean()
    organisation._history_user = by
    organisation.save()
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


@transaction.atomic
def update_profile(*, user: User, first_name: str, last_name: str) -> User:
    """A person changes the name shown to others."""
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    return user
