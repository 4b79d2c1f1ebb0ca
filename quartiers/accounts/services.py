"""Business operations on people and organisations. Views, admin and commands call these."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from quartiers.accounts import permissions
from quartiers.accounts.models import Membership, Notice, Notification, Organisation, User
from quartiers.core import ratelimit
from quartiers.core.enums import OrganisationKind
from quartiers.core.mail import absolute_url, send_templated_mail
from quartiers.core.ratelimit import RateLimit

# Sign-in failures per address, over any accounts: django-axes locks one account for one
# address after a few failures; this stops an address trying many accounts, without locking
# those accounts for anyone else.
SIGN_IN_FAILURES = RateLimit(
    name="sign-in-failures",
    setting="LOGIN_FAILURES_PER_ADDRESS",
    message="Trop de tentatives de connexion ont échoué depuis votre adresse.",
)
PASSWORD_RESETS_BY_ADDRESS = RateLimit(
    name="password-resets-by-address",
    setting="PASSWORD_RESETS_PER_ADDRESS",
    message="Trop de demandes de nouveau mot de passe depuis votre adresse.",
)
PASSWORD_RESETS_BY_EMAIL = RateLimit(
    name="password-resets-by-email",
    setting="PASSWORD_RESETS_PER_EMAIL",
    message="Trop de demandes de nouveau mot de passe pour cette adresse électronique.",
)
INVITATIONS = RateLimit(
    name="invitations",
    setting="INVITATIONS_PER_USER",
    message="Vous avez envoyé trop d'invitations en peu de temps.",
)


def _address_key(address: str | None) -> str:
    return address or "inconnue"


def check_sign_in_allowed(*, address: str | None) -> None:
    """Raise RateLimited when `address` failed too many sign-ins lately (any accounts)."""
    ratelimit.check(SIGN_IN_FAILURES, _address_key(address))


def record_sign_in_failure(*, address: str | None) -> None:
    ratelimit.record(SIGN_IN_FAILURES, _address_key(address))


def allow_password_reset(*, email: str, address: str | None) -> None:
    """Count a password-reset request, or raise RateLimited: per client address and per
    e-mail address, whether an account has it or not (the answer must not tell)."""
    ratelimit.hit(PASSWORD_RESETS_BY_ADDRESS, _address_key(address))
    ratelimit.hit(PASSWORD_RESETS_BY_EMAIL, email.strip().lower())


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
    """Create (or find) a person, attach the organisation, e-mail a link to set a password.

    Each person sends at most INVITATIONS_PER_USER invitations per period (RateLimited past
    it, nothing created or sent); `by=None` is the platform itself (commands, demo).
    """
    email = User.objects.normalize_email(email).strip().lower()
    if not email:
        raise ValidationError("L'adresse électronique est obligatoire.")
    if by is not None:
        ratelimit.hit(INVITATIONS, str(by.pk))
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


@transaction.atomic
def notify(
    *,
    users,
    text: str,
    link: str = "",
    key: str = "",
    email_template: str = "",
    email_to=(),
    email_context: dict | None = None,
    attachments=(),
) -> Notice | None:
    """Tell `users` (in-app, on « Notifications ») and, with `email_template`, e-mail `email_to`
    through the background queue (`send_templated_mail`: never sent inside the request).

    With a `key`, the notice is told once: a second call with the same key (a command run twice,
    two at once) does nothing and returns None. The one way the product notifies anyone.
    """
    if key:
        if Notice.objects.filter(key=key).exists():
            return None
        try:
            with transaction.atomic():  # a twin committing first makes this insert fail
                notice = Notice.objects.create(text=text[:500], link=link, key=key)
        except IntegrityError:
            return None
    else:
        notice = Notice.objects.create(text=text[:500], link=link)
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    Notification.objects.bulk_create(
        Notification(notice=notice, user=user) for user in recipients.values()
    )
    if email_template and email_to:
        send_templated_mail(
            template=email_template,
            to=list(email_to),
            context={
                "text": text,
                "link": absolute_url(link) if link else "",
                **(email_context or {}),
            },
            attachments=attachments,
        )
    return notice


def mark_notifications_read(*, user, notification=None) -> int:
    """Mark one of `user`'s notifications read, or all of them; returns how many changed."""
    notifications = Notification.objects.filter(user=user).unread()
    if notification is not None:
        notifications = notifications.filter(pk=notification.pk)
    return notifications.update(read_at=timezone.now())
