"""« Mon espace »: what each role finds waiting, per contract (`workspace.services`)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from quartiers.access.enums import ContractRole
from quartiers.contracts.models import ImportWarning, SourceDocument
from quartiers.programming import services
from quartiers.programming.enums import CommitteeKind
from quartiers.programming.models import Application
from quartiers.workspace.services import workspace
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import (
    ApplicationFactory,
    CallForProjectsFactory,
    CallFunderFactory,
    RequiredAttachmentFactory,
    after_deadline,
    submitted_application,
)
from tests.programming.followup_helpers import decided_application, funded_application

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def sections(user, contract=None):
    """{section key: [(label, url), …]} of `user`'s space on `contract` (the only one)."""
    spaces = workspace(user)
    space = spaces[0] if contract is None else next(s for s in spaces if s.contract == contract)
    return {s.key: [(i.label, i.url) for i in s.items] for s in space.sections}


def role(contract, role=ContractRole.PROJECT_LEAD, organisation=None, user=None):
    extra = {"user": user} if user else {}
    return RoleAssignmentFactory(
        contract=contract, role=role, organisation=organisation, **extra
    ).user


def url(name, obj):
    return reverse(f"programming:{name}", kwargs={"uuid": obj.uuid})


# No role ----------------------------------------------------------------------------------


def test_a_person_without_role_has_no_space():
    assert workspace(UserFactory()) == []


def test_every_section_of_an_idle_contract_says_what_will_appear():
    lead = role(ContractFactory())
    space = workspace(lead)[0]
    assert [s.key for s in space.sections] == [
        "calls",
        "sessions",
        "decisions",
        "late-reports",
        "import-warnings",
    ]
    assert all(not s.items and s.empty for s in space.sections)
    assert space.roles == ["chef·fe de projet politique de la ville"]


# Steering roles ---------------------------------------------------------------------------


def test_the_project_lead_is_told_to_open_a_call_in_preparation():
    call = CallForProjectsFactory(draft=True)
    lead = role(call.contract)
    assert sections(lead)["calls"] == [
        (f"{call.title} : à ouvrir aux dépôts", url("call-detail", call))
    ]


def test_the_prefect_delegate_is_not_told_of_a_call_in_preparation_she_may_not_see():
    call = CallForProjectsFactory(draft=True)
    delegate = role(call.contract, ContractRole.PREFECT_DELEGATE)
    assert sections(delegate)["calls"] == []


def test_a_call_past_its_deadline_is_to_close_and_its_filed_dossiers_to_instruct():
    call = CallForProjectsFactory()
    submitted_application(call)
    submitted_application(call)
    after_deadline(call)
    lead = role(call.contract)
    delegate = role(call.contract, ContractRole.PREFECT_DELEGATE)
    expected_filed = (
        f"{call.title} : 2 dossiers déposés pas encore en instruction",
        url("instruction-list", call),
    )
    assert sections(lead)["calls"] == [
        (
            f"{call.title} : date limite passée, clore et démarrer l’instruction",
            url("call-detail", call),
        ),
        expected_filed,
    ]
    assert sections(delegate)["calls"] == [expected_filed]  # she does not start instruction
    services.start_instruction(call=call)
    assert sections(lead)["calls"] == []


def test_a_planned_committee_without_session_and_a_session_without_opinion_are_to_prepare():
    call = CallForProjectsFactory(
        technical_committee_on=TODAY, steering_committee_on=TODAY + datetime.timedelta(days=30)
    )
    after_deadline(call)
    services.start_instruction(call=call)
    lead = role(call.contract)
    assert sections(lead)["sessions"] == [
        (
            f"{call.title} : comité technique du {TODAY:%d/%m/%Y}, séance à créer",
            url("session-create", call),
        ),
        (
            f"{call.title} : comité de pilotage du "
            f"{TODAY + datetime.timedelta(days=30):%d/%m/%Y}, séance à créer",
            url("session-create", call),
        ),
    ]
    session = services.create_committee_session(
        call=call, kind=CommitteeKind.TECHNICAL, held_on=TODAY
    )
    assert sections(lead)["sessions"] == [
        (
            f"{call.title} : comité de pilotage du "
            f"{TODAY + datetime.timedelta(days=30):%d/%m/%Y}, séance à créer",
            url("session-create", call),
        ),
        (f"{call.title} : {session}, aucun avis saisi", url("session-detail", session)),
    ]


def test_a_decision_not_sent_is_to_notify_until_its_letter_is_issued():
    application = decided_application(funders=[OrganisationFactory(funder=True)], amounts=[4000])
    lead = role(application.contract)
    assert sections(lead)["decisions"] == [
        (
            f"{application.call.title} : 1 décision à envoyer",
            url("instruction-list", application.call),
        )
    ]
    services.issue_decision_letter(application=application)
    assert sections(lead)["decisions"] == []


def _ended_long_ago(application):
    application.ends_on = TODAY - datetime.timedelta(days=250)  # bilan due 6 months after
    application.save(update_fields=["ends_on"])


def test_a_late_bilan_is_shown_to_the_steering_roles_and_to_its_carrier():
    carrier = OrganisationFactory(association=True)
    application = funded_application(
        carrier=carrier, funders=[OrganisationFactory(funder=True)], amounts=[3000]
    )
    _ended_long_ago(application)
    delegate = role(application.contract, ContractRole.PREFECT_DELEGATE)
    member = role(application.contract, ContractRole.CARRIER, organisation=carrier)
    assert sections(delegate)["late-reports"] == [
        (f"{application.call.title} : 1 bilan en retard", url("call-ledger", application.call))
    ]
    assert (f"Bilan en retard : {application.title}", url("report-create", application)) in (
        sections(member)["carrier"]
    )


def test_a_bilan_not_yet_late_is_due_for_the_carrier_only():
    carrier = OrganisationFactory(association=True)
    application = funded_application(
        carrier=carrier, funders=[OrganisationFactory(funder=True)], amounts=[3000]
    )
    lead = role(application.contract)
    member = role(application.contract, ContractRole.CARRIER, organisation=carrier)
    assert sections(lead)["late-reports"] == []
    assert (f"Bilan à rendre : {application.title}", url("report-create", application)) in (
        sections(member)["carrier"]
    )


def test_import_warnings_not_reviewed_are_counted_for_the_steering_roles():
    contract = ContractFactory()
    document = SourceDocument.objects.create(name="protocole.txt", sha256="0" * 64, lines=[])
    for reviewed in (False, False, True):
        ImportWarning.objects.create(
            contract=contract, source_document=document, code="x", message="?", reviewed=reviewed
        )
    delegate = role(contract, ContractRole.PREFECT_DELEGATE)
    assert sections(delegate)["import-warnings"] == [
        ("2 avertissements à vérifier", contract.get_absolute_url() + "#avertissements")
    ]
    assert "import-warnings" not in sections(role(contract, ContractRole.OBSERVER))


# Funders' instructors ---------------------------------------------------------------------


def test_the_instructor_finds_the_requests_of_her_funder_awaiting_her_opinion_by_call():
    caf, etat = OrganisationFactory(funder=True), OrganisationFactory(funder=True)
    call = CallForProjectsFactory(technical_committee_on=TODAY + datetime.timedelta(days=20))
    for funder in (caf, etat):
        CallFunderFactory(call=call, organisation=funder)
    shared = submitted_application(call, funders=[caf, etat], amounts=[2000, 1000])
    submitted_application(call, funders=[caf], amounts=[1000])
    submitted_application(call, funders=[etat], amounts=[1000])
    instructor = role(call.contract, ContractRole.FUNDER_INSTRUCTOR, organisation=caf)
    space = workspace(instructor)[0]
    (section,) = space.sections
    ((label, link, detail),) = [(i.label, i.url, i.detail) for i in section.items]
    assert label == f"{call.title} : 2 demandes à {caf.name} en attente de votre avis"
    inbox = reverse("programming:instruction-inbox")
    assert link == f"{inbox}?call={call.uuid}&opinion=missing"  # her inbox, on this call
    assert detail == f"comité le {TODAY + datetime.timedelta(days=20):%d/%m/%Y}"
    after_deadline(call)
    services.start_instruction(call=call)
    opinion = shared.funding_requests.get(funder=caf).opinion
    services.save_funder_opinion(
        opinion=opinion, expected_version=opinion.version, by=instructor, verdict="favourable"
    )
    assert sections(instructor)["instruction"][0][0].startswith(f"{call.title} : 1 demande à")


def test_an_instructor_of_a_funder_on_another_contract_only_sees_nothing_here():
    caf = OrganisationFactory(funder=True)
    call = CallForProjectsFactory()
    CallFunderFactory(call=call, organisation=caf)
    submitted_application(call, funders=[caf], amounts=[1000])
    instructor = role(ContractFactory(), ContractRole.FUNDER_INSTRUCTOR, organisation=caf)
    role(call.contract, ContractRole.OBSERVER, user=instructor)
    assert "instruction" not in sections(instructor, call.contract)
    other = next(s.contract for s in workspace(instructor) if s.contract != call.contract)
    assert sections(instructor, other)["instruction"] == []


# Carriers ---------------------------------------------------------------------------------


def test_the_carrier_finds_its_drafts_and_their_missing_mandatory_pieces():
    call = CallForProjectsFactory()
    RequiredAttachmentFactory(call=call)
    RequiredAttachmentFactory(call=call, mandatory=False)
    draft = ApplicationFactory(call=call)
    member = role(call.contract, ContractRole.CARRIER, organisation=draft.carrier)
    assert sections(member)["carrier"] == [
        (f"Brouillon : {draft.title}", url("application-edit", draft)),
        (f"{draft.title} : 1 pièce obligatoire manquante", url("application-attachments", draft)),
    ]
    other = ApplicationFactory(call=call)  # another carrier's draft
    assert all(other.title not in label for label, _ in sections(member)["carrier"])


def test_the_carrier_is_told_a_complement_is_asked_until_he_resubmits():
    caf = OrganisationFactory(funder=True)
    call = CallForProjectsFactory()
    application = submitted_application(call, funders=[caf], amounts=[1000])
    member = role(call.contract, ContractRole.CARRIER, organisation=application.carrier)
    lead = role(call.contract)
    assert sections(member)["carrier"] == []
    services.request_complement(
        application=application, sections=["action"], message="Précisez.", by=lead
    )
    assert sections(member)["carrier"] == [
        (f"Complément demandé : {application.title}", application.get_absolute_url())
    ]
    services.resubmit_application(
        application=Application.objects.get(pk=application.pk), answer="Précisé.", by=member
    )
    assert sections(member)["carrier"] == []


def test_the_carrier_receives_the_decision_then_has_a_convention_to_sign():
    carrier = OrganisationFactory(association=True)
    application = decided_application(
        carrier=carrier, funders=[OrganisationFactory(funder=True)], amounts=[4000]
    )
    member = role(application.contract, ContractRole.CARRIER, organisation=carrier)
    link = application.get_absolute_url()
    assert sections(member)["carrier"] == [(f"Convention à signer : {application.title}", link)]
    services.issue_decision_letter(application=application)
    assert sections(member)["carrier"] == [
        (f"Décision reçue : {application.title}", link),
        (f"Convention à signer : {application.title}", link),
    ]


# Conseil citoyen and observers ------------------------------------------------------------


def test_the_conseil_citoyen_finds_the_dossiers_open_for_its_opinion():
    call = CallForProjectsFactory()
    first = submitted_application(call)
    submitted_application(call)
    ApplicationFactory(call=call)  # a draft is not open to its opinion
    council = role(call.contract, ContractRole.CITIZEN_COUNCIL)
    assert sections(council)["council"] == [
        (
            f"{call.title} : 2 dossiers attendent l’avis du conseil citoyen",
            f"{reverse('programming:council-queue')}?call={call.uuid}",
        )
    ]
    services.give_council_opinion(application=first, opinion="favourable", by=council)
    assert sections(council)["council"][0][0].startswith(f"{call.title} : 1 dossier attend")


def test_the_observer_reads_the_calls_and_their_programming_tables():
    call = CallForProjectsFactory()
    CallForProjectsFactory(contract=call.contract, year=call.year + 1, draft=True)
    observer = role(call.contract, ContractRole.OBSERVER)
    assert sections(observer) == {
        "reading": [
            (call.title, url("call-detail", call)),
            (f"{call.title} : tableau de programmation", url("programming-table", call)),
        ]
    }


# Queries ----------------------------------------------------------------------------------


def _every_role_on(contract, user):
    caf, carrier = OrganisationFactory(funder=True), OrganisationFactory(association=True)
    call = CallForProjectsFactory(contract=contract, technical_committee_on=TODAY)
    CallFunderFactory(call=call, organisation=caf)
    submitted_application(call, carrier=carrier, funders=[caf], amounts=[1000])
    ApplicationFactory(call=call, carrier=carrier)
    past = CallForProjectsFactory(
        contract=contract, year=call.year - 1, technical_committee_on=TODAY
    )
    submitted_application(past, carrier=carrier, funders=[caf], amounts=[1000])
    after_deadline(past)
    services.start_instruction(call=past)
    services.create_committee_session(call=past, kind=CommitteeKind.STEERING, held_on=TODAY)
    for held in ContractRole.values:
        organisation = {ContractRole.CARRIER: carrier, ContractRole.FUNDER_INSTRUCTOR: caf}
        role(contract, held, organisation=organisation.get(held), user=user)


QUERIES = 11  # roles, calls (3 sections read them), and one per other section


def test_the_space_reads_a_constant_number_of_queries(django_assert_num_queries):
    user = UserFactory()
    _every_role_on(ContractFactory(), user)
    user = type(user).objects.get(pk=user.pk)  # no role cached
    with django_assert_num_queries(QUERIES):
        (space,) = workspace(user)
    busy = {s.key for s in space.sections if s.items}
    assert busy >= {"calls", "sessions", "instruction", "carrier", "council", "reading"}


def test_more_contracts_read_no_more_queries(django_assert_num_queries):
    user = UserFactory()
    for _ in range(3):
        _every_role_on(ContractFactory(), user)
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(QUERIES):
        spaces = workspace(user)
    assert len(spaces) == 3


def test_primed_roles_answer_the_predicates_without_a_query(django_assert_num_queries):
    from quartiers.access import permissions as access_permissions
    from quartiers.access.models import RoleAssignment
    from quartiers.programming import permissions

    caf = OrganisationFactory(funder=True)
    contract, other = ContractFactory(), ContractFactory()
    user = role(contract, ContractRole.FUNDER_INSTRUCTOR, organisation=caf)
    role(contract, ContractRole.OBSERVER, user=user)
    user = type(user).objects.get(pk=user.pk)
    access_permissions.prime_roles(user, list(RoleAssignment.objects.filter(user=user)))
    with django_assert_num_queries(0):
        assert access_permissions.contract_roles(user, contract) == {
            ContractRole.FUNDER_INSTRUCTOR,
            ContractRole.OBSERVER,
        }
        assert permissions.funder_organisations(user, contract) == {caf.pk}
        assert permissions.carrier_organisations(user, contract) == set()
    with django_assert_num_queries(1):  # a contract without role is not primed
        assert access_permissions.contract_roles(user, other) == set()
