"""Business rules of roles per contract and the journal, one test per rule."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from quartiers.access import services
from quartiers.access.enums import ContractRole
from quartiers.access.models import Event, RoleAssignment
from quartiers.accounts.models import Membership, User
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_invite_to_contract_sends_the_invitation_grants_and_logs_both():
    contract, lead = ContractFactory(), UserFactory()
    caf = OrganisationFactory(funder=True)
    assignment = services.invite_to_contract(
        contract=contract,
        email="Inès@Example.org",
        role=ContractRole.FUNDER_INSTRUCTOR,
        organisation=caf,
        first_name="Inès",
        by=lead,
    )
    assert (assignment.user.email, assignment.organisation) == ("inès@example.org", caf)
    assert len(mail.outbox) == 1
    events = Event.objects.filter(contract=contract, actor=lead).order_by("pk")
    assert [e.verb for e in events] == ["user_invited", "role_granted"]


def test_invite_to_contract_grants_nothing_when_the_role_is_refused():
    with pytest.raises(ValidationError):
        services.invite_to_contract(
            contract=ContractFactory(),
            email="a@example.org",
            role=ContractRole.CARRIER,
            by=UserFactory(),
        )
    assert not User.objects.filter(email="a@example.org").exists()
    assert not Event.objects.exists()
    assert mail.outbox == []


def test_reviewing_an_import_warning_marks_it_and_logs_who(loriol):
    warning = loriol.import_warnings.filter(reviewed=False).first()
    lead = UserFactory()
    services.review_import_warning(warning=warning, by=lead)
    warning.refresh_from_db()
    assert warning.reviewed
    event = Event.objects.get(verb="import_warning_reviewed")
    assert (event.contract, event.actor) == (warning.contract, lead)


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
