"""Business rules of people and organisations, one test per rule."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from quartiers.accounts import services
from quartiers.accounts.models import Organisation, User
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    """The path of the first link of an e-mail."""
    url = re.search(r"https?://\S+", message.body).group(0)
    return urlsplit(url).path


def test_invite_sends_one_email_with_a_link_that_sets_a_password(client):
    lead = UserFactory()
    user = services.invite_user(
        email=" Instructrice@Example.org ", by=lead, first_name="Inès", last_name="Roux"
    )
    assert user.email == "instructrice@example.org"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["instructrice@example.org"]
    assert "invité" in message.subject
    assert "choisissez un mot de passe" in message.body
    response = client.get(link_in(message), follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "un-mot-de-passe-solide", "new_password2": "un-mot-de-passe-solide"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("un-mot-de-passe-solide")
    assert client.get(link_in(message), follow=True).context["validlink"] is False  # used once


def test_invite_finds_an_existing_person_and_says_so():
    existing = UserFactory(email="camille@example.org")
    user = services.invite_user(email="CAMILLE@example.org", by=UserFactory())
    assert user == existing
    assert User.objects.filter(email="camille@example.org").count() == 1
    assert existing.check_password("motdepasse-de-test")  # the password is kept
    assert "Vous avez déjà un compte" in mail.outbox[0].body


def test_invite_attaches_the_organisation():
    caf = OrganisationFactory(funder=True)
    user = services.invite_user(email="a@example.org", by=UserFactory(), organisation=caf)
    assert list(user.organisations.all()) == [caf]


def test_invite_requires_an_email():
    with pytest.raises(ValidationError):
        services.invite_user(email="  ", by=UserFactory())


def test_save_organisation_validates_and_records_its_author():
    lead = UserFactory()
    organisation = Organisation(name="Régie de quartier", siret="12345678901234")
    with pytest.raises(ValidationError) as info:
        services.save_organisation(organisation=organisation, by=lead)
    assert "siret" in info.value.message_dict
    organisation.siret = ""
    services.save_organisation(organisation=organisation, by=lead)
    organisation.acronym = "RQ"
    services.save_organisation(organisation=organisation, by=lead)
    records = organisation.history.order_by("history_id")
    assert [(r.history_type, r.history_user) for r in records] == [("+", lead), ("~", lead)]


def test_update_profile_strips_names():
    user = UserFactory()
    services.update_profile(user=user, first_name=" Inès ", last_name=" Roux")
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Inès", "Roux")
