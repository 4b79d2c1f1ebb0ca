"""Every creating form sent twice with its token creates one object: the second request is
sent to the first one's object with a message, never shown an error or a 500. The races with
real threads are in test_concurrency.py."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from pytest_django.asserts import assertContains

from quartiers.core import idempotency
from quartiers.core.models import FormSubmission
from tests.accounts.factories import UserFactory
from tests.programming.idempotency_helpers import FORMS

pytestmark = pytest.mark.django_db


@pytest.fixture(params=list(FORMS))
def form(request):
    return FORMS[request.param]()


def test_a_form_sent_twice_creates_one_object_and_lands_on_it(form):
    token = form.token()
    browser = form.client()
    first = form.post(token, browser)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert form.count() == 1
    second = form.post(token, browser)
    assert second.status_code == 302
    assert second.url == first.url
    # the first one's message was not shown yet (its redirect was not followed)
    assert [str(m) for m in get_messages(second.wsgi_request)][-1] == idempotency.ALREADY_RECORDED
    assert form.count() == 1


def test_two_renderings_of_a_form_are_two_requests():
    """A fresh form is a new request: the token does not deduplicate by content."""
    form = FORMS["payment"]()
    for _ in range(2):
        assert form.post(form.token()).status_code == 302
    assert form.count() == 2


def test_the_token_of_another_person_is_refused_and_the_input_kept():
    form = FORMS["session"]()
    token = form.token()
    assert form.post(token).status_code == 302
    form.user = UserFactory(is_superuser=True)
    response = form.post(token)
    assertContains(response, "envoyé par une autre personne")
    assertContains(response, form.fields["held_on"])
    assert form.count() == 1
    assert FormSubmission.objects.get().user != form.user


def test_an_expired_form_is_shown_again_with_a_fresh_token(monkeypatch):
    form = FORMS["call"]()
    token = form.token()
    monkeypatch.setattr(idempotency, "MAX_AGE", timedelta(seconds=-1))
    response = form.post(token)
    assertContains(response, "Ce formulaire a expiré")
    assertContains(response, "Appel à projets 2031")
    assert form.count() == 0
    monkeypatch.undo()
    renewed = response.context["form"][idempotency.TOKEN_FIELD].value()
    assert renewed != token
    assert form.post(renewed).status_code == 302
    assert form.count() == 1
