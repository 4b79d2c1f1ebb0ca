"""Idempotent creating forms: a double submit creates one object.

Every creating form carries a one-time token (`IdempotentForm`, a hidden field signed with a
timestamp when the form is rendered). `once()` claims the token in the same transaction as the
creation: it inserts a `FormSubmission` row (unique token) before calling the service, and
stores the created object's URL before committing. A second request with the same token, even
one running at the same moment, waits for the first (the unique index on PostgreSQL, the
IMMEDIATE write lock on SQLite), finds its row and is sent to the first request's object
instead of creating a twin. If the creation fails, the claim is rolled back with it and the
same form may be sent again.

Rules: a token is valid `MAX_AGE` after the form was rendered (`EXPIRED` afterwards, the form
is shown again with a fresh token and nothing typed is lost); a token claimed by another
person is refused (`FOREIGN`); a form sent without a token (not rendered by us) is created
without the guard, under its service's own rules. Claims older than `MAX_AGE` are useless
(their token is refused anyway) and are purged after each successful creation.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone

from quartiers.core.models import FormSubmission
from quartiers.core.ratelimit import RateLimited

TOKEN_FIELD = "submission_token"
MAX_AGE = timedelta(hours=24)
SALT = "quartiers.core.idempotency"

ALREADY_RECORDED = "Cette demande avait déjà été enregistrée."
EXPIRED = (
    "Ce formulaire a expiré ou n'est pas valide : vérifiez vos saisies puis envoyez-le de nouveau."
)
FOREIGN = (
    "Ce formulaire a été envoyé par une autre personne : "
    "vérifiez vos saisies puis envoyez-le de nouveau."
)


def new_token() -> str:
    """A fresh token for a form being rendered: a random nonce signed with the time."""
    return signing.TimestampSigner(salt=SALT).sign(uuid.uuid4().hex)


def nonce_of(token: str) -> str:
    """The nonce of a token still valid; `ValidationError(EXPIRED)` if forged, mangled or old."""
    try:
        return signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE)
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise ValidationError(EXPIRED, code="expired") from error


@dataclass(frozen=True)
class Outcome:
    """What a creating form led to: the new object (None on a replay) and where to go."""

    object: Any
    url: str
    replayed: bool


def once(*, token: str, user, create: Callable[[], Any], url: Callable[[Any], str]) -> Outcome:
    """Call `create()` unless `token` was already used, inside one transaction with the claim.

    `url(obj)` is where the created object is shown; a replay of the token returns it with
    `replayed=True` and creates nothing. An empty token runs `create()` unguarded. Raises
    `ValidationError` for an expired or foreign token, and whatever `create()` raises (the
    claim is then undone).
    """
    if not token:
        obj = create()
        return Outcome(obj, url(obj), replayed=False)
    nonce = nonce_of(token)
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the transaction survives a duplicate
                claim = FormSubmission.objects.create(token=nonce, user=user)
        except IntegrityError:
            first = FormSubmission.objects.get(token=nonce)
            if first.user_id != user.pk:
                raise ValidationError(FOREIGN, code="foreign") from None
            return Outcome(None, first.url, replayed=True)
        obj = create()
        claim.url = url(obj)
        claim.save(update_fields=["url"])
        transaction.on_commit(purge_expired)
    return Outcome(obj, claim.url, replayed=False)


def claimed_url(*, token: str, user) -> str | None:
    """Where the object created by `token` lives, if this person's token was already used."""
    try:
        nonce = nonce_of(token)
    except ValidationError:
        return None  # the form's own path refuses it, keeping what was typed
    return (
        FormSubmission.objects.filter(token=nonce, user=user.pk)
        .values_list("url", flat=True)
        .first()
    )


def replays_submissions(view):
    """Decorate a creating view (under its permission check): a form sent again with a used
    token is redirected to what the first one created. Checked before the view, and again when
    the view shows the form anew: a twin request that committed meanwhile has changed what the
    form is validated against (a funder that signed is no longer offered), and its object is
    the answer, not an error."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.POST.get(TOKEN_FIELD) if request.method == "POST" else None
        if not token:
            return view(request, *args, **kwargs)
        url = claimed_url(token=token, user=request.user)
        if url is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            url = claimed_url(token=token, user=request.user)
            if url is None:
                return response
        messages.info(request, ALREADY_RECORDED)
        return redirect(url)

    return wrapper


def purge_expired() -> int:
    """Delete the claims whose token has expired; returns how many."""
    deleted, _ = FormSubmission.objects.filter(created_at__lt=timezone.now() - MAX_AGE).delete()
    return deleted


def submit(request, form, *, create: Callable[[], Any], url: Callable[[Any], str], success):
    """The answer to a valid creating form: `create()` under `once()`, then a redirect to the
    object saying what was done (`success(obj)`) or that it already was. Returns None, with
    the refusal added to `form`, when the token or the creation is refused: the view shows the
    form again and nothing typed is lost. A rate limit is not a form error: it propagates, to
    be answered by its own page."""
    try:
        outcome = once(token=form.submission_token, user=request.user, create=create, url=url)
    except RateLimited:
        raise
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if outcome.replayed:
        messages.info(request, ALREADY_RECORDED)
    else:
        messages.success(request, success(outcome.object))
    return redirect(outcome.url)
