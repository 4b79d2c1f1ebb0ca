"""Business rules of people, organisations and roles, one test per rule."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from quartiers.accounts import services
from quartiers.accounts.enums import ContractRole
from quartiers.accounts.models import Event, Membership, Organisation, RoleAssignment, User
from tests.accounts.factories import OrganisationFactory, RoleAssignmentFactory, UserFactory
from tests.contracts.factories import ContractFactory

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


def test_invite_logs_an_event():
    lead = UserFactory()
    services.invite_user(email="a@example.org", by=lead)
    event = Event.objects.get(verb="user_invited")
    assert event.actor == lead


@pytest.mark.parametrize("role", [ContractRole.FUNDER_INSTRUCTOR, ContractRole.CARRIER])
def test_grant_requires_an_organisation_for_roles_acting_for_one(role):
    with pytest.raises(ValidationError, match="s'exerce pour une organisation"):
        services.grant_role(contract=ContractFactory(), user=UserFactory(), role=role, by=None)
    assert not RoleAssignment.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.parametrize("role", [ContractRole.FUNDER_INSTRUCTOR, ContractRole.CARRIER])
def test_grant_for_an_organisation_makes_the_person_a_member(role):
    organisation = OrganisationFactory()
    assignment = services.grant_role(
        contract=ContractFactory(),
        user=UserFactory(),
        role=role,
        organisation=organisation,
        by=UserFactory(),
    )
    assert assignment.organisation == organisation
    assert Membership.objects.filter(user=assignment.user, organisation=organisation).exists()


def test_grant_ignores_the_organisation_of_roles_without_one():
    assignment = services.grant_role(
        contract=ContractFactory(),
        user=UserFactory(),
        role=ContractRole.OBSERVER,
        organisation=OrganisationFactory(),
        by=None,
    )
    assert assignment.organisation is None


def test_grant_rejects_an_unknown_role():
    with pytest.raises(ValidationError, match="Rôle inconnu"):
        services.grant_role(contract=ContractFactory(), user=UserFactory(), role="king", by=None)


def test_every_grant_logs_an_event_and_granting_twice_changes_nothing():
    contract, user, lead = ContractFactory(), UserFactory(), UserFactory()
    first = services.grant_role(contract=contract, user=user, role=ContractRole.OBSERVER, by=lead)
    again = services.grant_role(contract=contract, user=user, role=ContractRole.OBSERVER, by=lead)
    services.grant_role(contract=contract, user=user, role=ContractRole.PREFECT_DELEGATE, by=lead)
    assert first == again
    assert first.granted_by == lead
    events = Event.objects.filter(verb="role_granted").order_by("pk")
    assert [(e.contract, e.actor, e.data["role"]) for e in events] == [
        (contract, lead, "observer"),
        (contract, lead, "prefect_delegate"),
    ]
    assert user.email in events[0].summary


def test_revoke_deletes_the_assignment_and_logs_an_event():
    assignment = RoleAssignmentFactory(carrier=True)
    lead = UserFactory()
    services.revoke_role(assignment=assignment, by=lead)
    assert not RoleAssignment.objects.exists()
    event = Event.objects.get(verb="role_revoked")
    assert (event.contract, event.actor) == (assignment.contract, lead)
    assert event.data == {"user": assignment.user_id, "role": "carrier"}
    # The person keeps their organisation: only the role goes.
    assert Membership.objects.filter(user=assignment.user).exists()


def test_save_organisation_validates_and_logs():
    lead = UserFactory()
    organisation = Organisation(name="Régie de quartier", siret="12345678901234")
    with pytest.raises(ValidationError) as info:
        services.save_organisation(organisation=organisation, by=lead)
    assert "siret" in info.value.message_dict
    organisation.siret = ""
    services.save_organisation(organisation=organisation, by=lead)
    organisation.acronym = "RQ"
    services.save_organisation(organisation=organisation, by=lead)
    verbs = list(Event.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["organisation_created", "organisation_changed"]


def test_update_profile_strips_names():
    user = UserFactory()
    services.update_profile(user=user, first_name=" Inès ", last_name=" Roux")
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Inès", "Roux")
