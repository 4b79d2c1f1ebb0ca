"""One-time form tokens (`core.idempotency`): one rule per test, then the form mixin."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django import forms
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone

from quartiers.accounts.models import Organisation
from quartiers.core import idempotency
from quartiers.core.forms import BaseForm, IdempotentForm
from quartiers.core.models import FormSubmission
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _creation(**kwargs):
    """`once()` arguments creating one organisation, shown at its page."""
    return {
        "create": lambda: OrganisationFactory(name="Régie de quartier"),
        "url": lambda organisation: f"/organisations/{organisation.pk}/",
        **kwargs,
    }


def _old_token(age: timedelta) -> str:
    past = signing.b62_encode(int(time.time() - age.total_seconds()))
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=past):
        return idempotency.new_token()


def test_the_same_token_twice_creates_one_object():
    user, token = UserFactory(), idempotency.new_token()
    first = idempotency.once(token=token, user=user, **_creation())
    second = idempotency.once(token=token, user=user, **_creation())
    assert not first.replayed and first.object.name == "Régie de quartier"
    assert second.replayed and second.object is None
    assert second.url == first.url == f"/organisations/{first.object.pk}/"
    assert Organisation.objects.filter(name="Régie de quartier").count() == 1
    assert FormSubmission.objects.get().user == user


def test_two_tokens_create_two_objects():
    user = UserFactory()
    for _ in range(2):
        idempotency.once(token=idempotency.new_token(), user=user, **_creation())
    assert Organisation.objects.filter(name="Régie de quartier").count() == 2


def test_the_token_of_another_person_is_refused():
    token = idempotency.new_token()
    idempotency.once(token=token, user=UserFactory(), **_creation())
    with pytest.raises(ValidationError) as refused:
        idempotency.once(token=token, user=UserFactory(), **_creation())
    assert refused.value.messages == [idempotency.FOREIGN]
    assert Organisation.objects.filter(name="Régie de quartier").count() == 1


def test_the_used_token_of_another_person_does_not_reveal_its_object():
    token = idempotency.new_token()
    idempotency.once(token=token, user=UserFactory(), **_creation())
    assert idempotency.claimed_url(token=token, user=UserFactory()) is None


def test_an_expired_token_is_refused():
    token = _old_token(idempotency.MAX_AGE + timedelta(minutes=1))
    with pytest.raises(ValidationError) as refused:
        idempotency.once(token=token, user=UserFactory(), **_creation())
    assert refused.value.messages == [idempotency.EXPIRED]
    assert not Organisation.objects.filter(name="Régie de quartier").exists()


def test_a_token_within_its_age_is_accepted():
    token = _old_token(idempotency.MAX_AGE - timedelta(minutes=1))
    assert not idempotency.once(token=token, user=UserFactory(), **_creation()).replayed


@pytest.mark.parametrize("token", ["abc", "0" * 32, idempotency.new_token() + "x"])
def test_a_forged_or_mangled_token_is_refused(token):
    with pytest.raises(ValidationError, match="expiré ou n'est pas valide"):
        idempotency.once(token=token, user=UserFactory(), **_creation())
    assert not FormSubmission.objects.exists()


def test_a_failed_creation_releases_its_token():
    user, token = UserFactory(), idempotency.new_token()

    def refuse():
        OrganisationFactory(name="Régie de quartier")
        raise ValidationError("Refusé par le service.")

    with pytest.raises(ValidationError, match="Refusé par le service"):
        idempotency.once(token=token, user=user, **_creation(create=refuse))
    assert not FormSubmission.objects.exists()
    assert not Organisation.objects.filter(name="Régie de quartier").exists()
    assert not idempotency.once(token=token, user=user, **_creation()).replayed


def test_a_form_sent_without_a_token_is_created_unguarded():
    user = UserFactory()
    for _ in range(2):
        assert not idempotency.once(token="", user=user, **_creation()).replayed
    assert Organisation.objects.filter(name="Régie de quartier").count() == 2
    assert not FormSubmission.objects.exists()


def test_expired_claims_are_purged_after_a_creation(django_capture_on_commit_callbacks):
    user = UserFactory()
    old = FormSubmission.objects.create(
        token="a" * 32,
        user=user,
        created_at=timezone.now() - idempotency.MAX_AGE - timedelta(seconds=1),
    )
    recent = FormSubmission.objects.create(
        token="b" * 32, user=user, created_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = idempotency.once(token=idempotency.new_token(), user=user, **_creation())
    assert set(FormSubmission.objects.values_list("pk", flat=True)) == {
        recent.pk,
        FormSubmission.objects.get(url=outcome.url).pk,
    }
    assert not FormSubmission.objects.filter(pk=old.pk).exists()


# --------------------------------------------------------------------------- the form mixin


class NameForm(IdempotentForm, BaseForm):
    name = forms.CharField(max_length=10)


def test_a_rendered_form_carries_a_valid_token():
    html = str(NameForm())
    assert f'type="hidden" name="{idempotency.TOKEN_FIELD}"' in html
    token = NameForm()[idempotency.TOKEN_FIELD].value()
    assert idempotency.nonce_of(token)
    assert token != NameForm()[idempotency.TOKEN_FIELD].value()  # one per rendering


def test_the_token_stays_out_of_the_cleaned_data():
    token = idempotency.new_token()
    form = NameForm({"name": "Jardin", idempotency.TOKEN_FIELD: token})
    assert form.is_valid()
    assert form.cleaned_data == {"name": "Jardin"}
    assert form.submission_token == token


def test_a_form_shown_again_carries_a_fresh_token_and_what_was_typed():
    token = idempotency.new_token()
    form = NameForm({"name": "Bien trop long", idempotency.TOKEN_FIELD: token})
    assert not form.is_valid()
    rendered = form[idempotency.TOKEN_FIELD].value()
    assert rendered != token and idempotency.nonce_of(rendered)
    assert form["name"].value() == "Bien trop long"
    form.add_error(None, ValidationError(idempotency.FOREIGN))
    assert form[idempotency.TOKEN_FIELD].value() != rendered


# --------------------------------------------------------------------------- the view decorator


def _request(rf, user, token):
    request = rf.post("/", {idempotency.TOKEN_FIELD: token})
    request.user = user
    request._messages = CookieStorage(request)
    return request


def test_a_form_sent_again_is_redirected_before_the_view_runs(rf):
    user, token = UserFactory(), idempotency.new_token()
    idempotency.once(token=token, user=user, **_creation())
    ran = []

    @idempotency.replays_submissions
    def view(request):
        ran.append(request)
        return HttpResponse("formulaire")

    request = _request(rf, user, token)
    response = view(request)
    assert (response.status_code, ran) == (302, [])
    assert response.url.startswith("/organisations/")
    assert [str(m) for m in request._messages] == [idempotency.ALREADY_RECORDED]


def test_a_twin_that_committed_during_the_view_wins_over_the_form_shown_again(rf):
    """The twin signed first: this request's form no longer validates; its object is the
    answer."""
    user, token = UserFactory(), idempotency.new_token()

    @idempotency.replays_submissions
    def view(request):
        idempotency.once(token=token, user=user, **_creation())  # the twin, meanwhile
        return HttpResponse("formulaire avec une erreur")

    request = _request(rf, user, token)
    response = view(request)
    assert response.status_code == 302
    assert [str(m) for m in request._messages] == [idempotency.ALREADY_RECORDED]


def test_a_form_shown_again_without_a_claim_is_left_alone(rf):
    @idempotency.replays_submissions
    def view(request):
        return HttpResponse("formulaire avec une erreur")

    response = view(_request(rf, UserFactory(), idempotency.new_token()))
    assert response.status_code == 200
