"""Business rules of roles per contract and the journal, one test per rule."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from quartiers.access import services
from quartiers.access.enums import ContractRole
from quartiers.access.models import Event, RoleAssignment
from quartiers.accounts.models import Membership, User
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_invite_to_contract_sends_the_invitation_grants_and_logs_both():
    contract, lead = ContractFactory(), UserFactory(admin=True)
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
        by=UserFactory(admin=True),
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
    contract, user = ContractFactory(), UserFactory()
    lead = RoleAssignmentFactory(contract=contract).user
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
    lead = RoleAssignmentFactory(contract=assignment.contract).user
    services.revoke_role(assignment=assignment, by=lead)
    assert not RoleAssignment.objects.filter(role=ContractRole.CARRIER).exists()
    event = Event.objects.get(verb="role_revoked")
    assert (event.contract, event.actor) == (assignment.contract, lead)
    assert event.data == {
        "user": assignment.user_id,
        "role": "carrier",
        "organisation": assignment.organisation_id,
    }


# Who may grant what (audit findings)


@pytest.fixture
def contract_with_partner():
    contract = ContractFactory()
    caf = OrganisationFactory(funder=True)
    PartnerFactory(contract=contract, organisation=caf)
    lead = RoleAssignmentFactory(contract=contract).user
    return contract, caf, lead


def test_a_lead_attaches_people_only_to_organisations_of_her_contract(contract_with_partner):
    contract, caf, lead = contract_with_partner
    elsewhere = RoleAssignmentFactory(carrier=True)  # an association of another contract
    with pytest.raises(ValidationError, match="ne participe pas à ce contrat"):
        services.grant_role(
            contract=contract,
            user=UserFactory(),
            role=ContractRole.CARRIER,
            organisation=elsewhere.organisation,
            by=lead,
        )
    assert (
        not Membership.objects.filter(organisation=elsewhere.organisation)
        .exclude(user=elsewhere.user)
        .exists()
    )
    partner = services.grant_role(
        contract=contract, user=UserFactory(), role=ContractRole.CARRIER, organisation=caf, by=lead
    )
    assert partner.created_membership


def test_a_lead_grants_nothing_on_another_contract(contract_with_partner):
    _, _, lead = contract_with_partner
    other = ContractFactory()
    with pytest.raises(ValidationError, match="Vous ne pouvez pas attribuer"):
        services.grant_role(contract=other, user=lead, role=ContractRole.PROJECT_LEAD, by=lead)
    assert not RoleAssignment.objects.filter(contract=other).exists()


def test_a_lead_cannot_give_a_funder_instructor_role_even_to_herself(contract_with_partner):
    contract, caf, lead = contract_with_partner
    for user in (lead, UserFactory()):
        with pytest.raises(ValidationError):
            services.grant_role(
                contract=contract,
                user=user,
                role=ContractRole.FUNDER_INSTRUCTOR,
                organisation=caf,
                by=lead,
            )
    assert not RoleAssignment.objects.filter(role=ContractRole.FUNDER_INSTRUCTOR).exists()
    assert not Membership.objects.filter(organisation=caf).exists()


def test_a_funder_admin_appoints_instructors_and_the_other_admins_are_told(contract_with_partner):
    contract, caf, _ = contract_with_partner
    funder_admin = MembershipFactory(organisation=caf, funder_admin=True).user
    colleague = MembershipFactory(organisation=caf, funder_admin=True).user
    with pytest.raises(ValidationError, match="soi-même"):
        services.grant_role(
            contract=contract,
            user=funder_admin,
            role=ContractRole.FUNDER_INSTRUCTOR,
            organisation=caf,
            by=funder_admin,
        )
    instructor = services.grant_role(
        contract=contract,
        user=UserFactory(),
        role=ContractRole.FUNDER_INSTRUCTOR,
        organisation=caf,
        by=funder_admin,
    )
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert "Nouvel instructeur" in mail.outbox[0].subject
    services.revoke_role(assignment=instructor, by=funder_admin)
    assert len(mail.outbox) == 2
    assert "Instructeur retiré" in mail.outbox[1].subject


def test_a_funder_admin_appoints_nobody_for_a_funder_not_partner_of_the_contract():
    other_funder = OrganisationFactory(funder=True)
    funder_admin = MembershipFactory(organisation=other_funder, funder_admin=True).user
    with pytest.raises(ValidationError):
        services.grant_role(
            contract=ContractFactory(),
            user=UserFactory(),
            role=ContractRole.FUNDER_INSTRUCTOR,
            organisation=other_funder,
            by=funder_admin,
        )


def test_revoking_removes_the_membership_the_grant_created(contract_with_partner):
    contract, caf, lead = contract_with_partner
    user = UserFactory()
    first = services.grant_role(
        contract=contract, user=user, role=ContractRole.CARRIER, organisation=caf, by=lead
    )
    other_contract = ContractFactory()
    PartnerFactory(contract=other_contract, organisation=caf)
    second = services.grant_role(
        contract=other_contract, user=user, role=ContractRole.CARRIER, organisation=caf, by=None
    )
    services.revoke_role(assignment=first, by=lead)
    # Another role still needs the membership.
    assert Membership.objects.filter(user=user, organisation=caf).exists()
    services.revoke_role(assignment=second, by=None)
    assert not Membership.objects.filter(user=user, organisation=caf).exists()


def test_revoking_keeps_a_membership_that_existed_before_the_role(contract_with_partner):
    contract, caf, lead = contract_with_partner
    membership = MembershipFactory(organisation=caf)
    assignment = services.grant_role(
        contract=contract,
        user=membership.user,
        role=ContractRole.CARRIER,
        organisation=caf,
        by=lead,
    )
    assert not assignment.created_membership
    services.revoke_role(assignment=assignment, by=lead)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_journal_shows_no_event_about_a_draft():
    contract = ContractFactory()
    services.record_event(
        verb="application_started", summary="brouillon", contract=contract, about_draft=True
    )
    services.record_event(verb="call_opened", summary="ouvert", contract=contract)
    assert [e.verb for e in services.contract_events(contract)] == ["call_opened"]
