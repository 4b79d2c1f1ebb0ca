"""Business rules of people and organisations, one test per rule."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from quartiers.accounts import services
from quartiers.accounts.models import Organisation, User
from quartiers.core.enums import OrganisationKind
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


# The État and the natures of public institutions


def test_a_member_cannot_give_a_public_institution_nature():
    member = UserFactory()
    association = OrganisationFactory(association=True)
    association.kind = OrganisationKind.STATE
    with pytest.raises(ValidationError) as info:
        services.save_organisation(organisation=association, by=member)
    assert "administrateur de la plateforme" in info.value.message_dict["kind"][0]
    association.refresh_from_db()
    assert association.kind == OrganisationKind.ASSOCIATION
    with pytest.raises(ValidationError):
        services.save_organisation(
            organisation=Organisation(name="Fausse CAF", kind=OrganisationKind.CAF), by=member
        )


def test_a_member_cannot_take_away_a_public_institution_nature():
    caf = OrganisationFactory(funder=True)
    caf.kind = OrganisationKind.ASSOCIATION
    with pytest.raises(ValidationError):
        services.save_organisation(organisation=caf, by=UserFactory())


def test_a_member_keeps_a_public_nature_and_chooses_among_the_others():
    member = UserFactory()
    caf = OrganisationFactory(funder=True)
    caf.address = "1 rue de la Paix"
    services.save_organisation(organisation=caf, by=member)
    association = OrganisationFactory(association=True)
    association.kind = OrganisationKind.SOCIAL_LANDLORD
    services.save_organisation(organisation=association, by=member)
    assert Organisation.objects.get(pk=association.pk).kind == OrganisationKind.SOCIAL_LANDLORD


def test_a_platform_admin_gives_any_nature():
    association = OrganisationFactory(association=True)
    association.kind = OrganisationKind.STATE_SERVICE
    services.save_organisation(organisation=association, by=UserFactory(admin=True))
    assert Organisation.objects.get(pk=association.pk).kind == OrganisationKind.STATE_SERVICE


def test_the_state_is_found_by_its_flag_not_by_its_nature():
    impostor = OrganisationFactory(name="Association « État »", kind=OrganisationKind.STATE)
    state = services.the_state()
    assert state != impostor and state.is_state and state.kind == OrganisationKind.STATE
    assert services.the_state() == state
    assert services.organisation_for_partner(name="État", acronym="ETAT", kind="state") == state


def test_there_is_one_state():
    services.the_state()
    with pytest.raises(ValidationError, match="déjà l'État"):
        Organisation(name="Autre État", is_state=True).full_clean()
