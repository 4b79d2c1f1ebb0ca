"""The register of decisions: numbering per body and year, who writes, what the programming
writes there without anyone typing it twice, the search and the exports."""

import datetime
import io
import threading

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from quartiers.access.enums import ContractRole
from quartiers.governance import register, services
from quartiers.governance.enums import DecisionKind, MeetingStatus
from quartiers.governance.models import Decision
from quartiers.programming import services as programming
from quartiers.programming.enums import CommitteeKind, DecisionOutcome
from quartiers.protocol_import import services as importer
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory
from tests.conftest import SEED
from tests.contracts.factories import EngagementFactory
from tests.programming.factories import (
    CallForProjectsFactory,
    after_deadline,
    submitted_application,
)
from tests.programming.followup_helpers import TODAY, decide
from tests.utils import frozen_at

pytestmark = pytest.mark.django_db

PAST = datetime.date(2026, 3, 12)


@pytest.fixture
def loriol():
    contract = importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract
    contract.is_published = True
    contract.save()
    return contract


@pytest.fixture
def lead(loriol):
    return RoleAssignmentFactory(contract=loriol, role=ContractRole.PROJECT_LEAD).user


def _meeting(loriol, lead, code="COPIL", date=PAST):
    return services.plan_meeting(body=loriol.bodies.get(code=code), date=date, by=lead)


def test_decisions_are_numbered_per_body_and_year(loriol, lead):
    copil, cotech = _meeting(loriol, lead), _meeting(loriol, lead, code="COTECH")
    first = register.write_decision(meeting=copil, title="Orientations 2026", by=lead)
    second = register.write_decision(meeting=copil, title="Calendrier", by=lead)
    other = register.write_decision(meeting=cotech, title="Méthode", by=lead)
    next_year = _meeting(loriol, lead, date=datetime.date(2027, 1, 20))
    with frozen_at(timezone.make_aware(datetime.datetime(2027, 1, 21, 10))):
        later = register.write_decision(meeting=next_year, title="Bilan", by=lead)

    assert [first.number, second.number] == ["COPIL-2026-001", "COPIL-2026-002"]
    assert other.number == "COTECH-2026-001"
    assert later.number == "COPIL-2027-001"
    assert first.decided_on == PAST and first.history.count() == 1


def test_a_decision_waits_for_its_meeting_and_a_cancelled_one_takes_none(loriol, lead):
    coming = _meeting(loriol, lead, date=TODAY + datetime.timedelta(days=3))
    with pytest.raises(ValidationError, match="partir de ce jour"):
        register.write_decision(meeting=coming, title="Trop tôt", by=lead)
    cancelled = _meeting(loriol, lead)
    services.cancel_meeting(meeting=cancelled, by=lead)
    with pytest.raises(ValidationError, match="annulée"):
        register.write_decision(meeting=cancelled, title="Annulée", by=lead)
    assert not Decision.objects.exists()


def test_only_the_lead_writes_and_an_engagement_must_be_the_contract_s(loriol, lead):
    meeting = _meeting(loriol, lead)
    delegate = RoleAssignmentFactory(contract=loriol, role=ContractRole.PREFECT_DELEGATE).user
    with pytest.raises(PermissionDenied):
        register.write_decision(meeting=meeting, title="Hors rôle", by=delegate)
    with pytest.raises(ValidationError, match="pas un engagement de ce contrat"):
        register.write_decision(
            meeting=meeting, title="Autre", engagement=EngagementFactory(), by=lead
        )
    with pytest.raises(ValidationError, match="intitulé"):
        register.write_decision(meeting=meeting, title="   ", by=lead)
    assert not Decision.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_decisions_written_at_once_get_two_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    contract = importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract
    lead = RoleAssignmentFactory(contract=contract, role=ContractRole.PROJECT_LEAD).user
    meeting = _meeting(contract, lead)
    barrier, numbers, errors = threading.Barrier(4), [], []

    def write(n):
        barrier.wait()
        try:
            numbers.append(register.write_decision(meeting=meeting, title=f"D{n}", by=lead).number)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [f"COPIL-2026-00{n}" for n in range(1, 5)]


def _two_funders():
    caf, etat = OrganisationFactory(name="CAF de la Drôme"), OrganisationFactory(name="État — ANCT")
    call = CallForProjectsFactory(year=TODAY.year)
    application = submitted_application(call, funders=[caf, etat], amounts=[5000, 3000])
    return application, caf, etat


def test_a_dossier_s_decisions_at_a_session_are_one_entry_of_the_register():
    application, caf, etat = _two_funders()
    decide(application, outcomes={etat: DecisionOutcome.REFUSED})

    entry = Decision.objects.get()
    assert entry.kind == DecisionKind.FUNDING
    assert entry.number == f"COPIL-{TODAY.year}-001"
    assert application.title in entry.title
    assert entry.text.splitlines() == [
        "CAF de la Drôme : accordé, 5\u00a0000,00\u00a0€ — Action utile au quartier.",
        "État — ANCT : refusé — Action hors des priorités de l'année.",
    ]
    assert set(entry.funding_decisions.values_list("request__funder", flat=True)) == {
        caf.pk,
        etat.pk,
    }
    steering = application.call.sessions.get(kind=CommitteeKind.STEERING)
    assert entry.meeting == steering.meeting and entry.body.code == "COPIL"
    assert entry.meeting.status == MeetingStatus.HELD, "a comité that ruled was held"
    technical = application.call.sessions.get(kind=CommitteeKind.TECHNICAL)
    assert technical.meeting.status == MeetingStatus.HELD


def test_a_corrected_amount_rewrites_the_entry_and_keeps_its_number():
    application, caf, _etat = _two_funders()
    decide(application)
    steering = application.call.sessions.get(kind=CommitteeKind.STEERING)
    programming.record_decision(
        session=steering,
        application=application,
        funder=caf,
        outcome=DecisionOutcome.GRANTED,
        amount=4000,
    )
    entry = Decision.objects.get()
    assert entry.number == f"COPIL-{TODAY.year}-001"
    assert "CAF" in entry.text and "4\u00a0000,00\u00a0€" in entry.text
    assert "5\u00a0000,00" not in entry.text


def test_a_dossier_decided_again_at_a_later_session_keeps_the_first_entry_saying_why():
    application, caf, etat = _two_funders()
    decide(application)
    later = programming.create_committee_session(
        call=application.call, kind=CommitteeKind.STEERING, held_on=TODAY
    )
    # The same day: another meeting of the comité holds the second session.
    assert later == application.call.sessions.get(kind=CommitteeKind.STEERING)
    tomorrow = TODAY + datetime.timedelta(days=1)
    with frozen_at(timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(10)))):
        later = programming.create_committee_session(
            call=application.call, kind=CommitteeKind.STEERING, held_on=tomorrow
        )
        for funder in (caf, etat):
            programming.record_decision(
                session=later,
                application=application,
                funder=funder,
                outcome=DecisionOutcome.GRANTED,
                amount=1000,
            )
    first, second = Decision.objects.order_by("sequence")
    assert second.meeting == later.meeting and second.sequence == 2
    assert first.text == f"Décision remplacée par la décision {second.number}."


def test_a_steering_session_is_a_meeting_of_the_comite_de_pilotage(loriol, lead):
    planned = _meeting(loriol, lead, date=PAST)
    call = CallForProjectsFactory(contract=loriol, year=2026)
    after_deadline(call)
    session = programming.create_committee_session(
        call=call, kind=CommitteeKind.STEERING, held_on=PAST, by=lead
    )
    assert session.meeting == planned, "the meeting planned that day holds the session"
    assert session.held_on == PAST and str(session) == "comité de pilotage du 12/03/2026"
    technical = programming.create_committee_session(
        call=call, kind=CommitteeKind.TECHNICAL, held_on=PAST, by=lead
    )
    assert technical.meeting.body == loriol.bodies.get(code="COTECH")
    assert technical.meeting != planned


def test_a_contract_without_committees_gets_them_with_its_first_sessions():
    call = CallForProjectsFactory(year=2026)
    assert not call.contract.bodies.exists()
    session = programming.create_committee_session(
        call=call, kind=CommitteeKind.STEERING, held_on=PAST
    )
    assert (session.meeting.body.name, session.meeting.body.code) == ("Comité de pilotage", "COPIL")


# ------------------------------------------------------------------------------ pages


def _register_url(contract, **query):
    url = reverse("governance:decision-list", args=[contract.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_register_is_public_and_searchable(client, loriol, lead):
    copil, cotech = _meeting(loriol, lead), _meeting(loriol, lead, code="COTECH")
    register.write_decision(meeting=copil, title="Orientations jeunesse", text="Priorité", by=lead)
    register.write_decision(meeting=cotech, title="Calendrier des visites", by=lead)

    page = client.get(_register_url(loriol)).content.decode()
    assert "COPIL-2026-001" in page and "COTECH-2026-001" in page
    found = client.get(_register_url(loriol, q="jeunesse")).content.decode()
    assert "Orientations jeunesse" in found and "Calendrier des visites" not in found
    by_body = client.get(_register_url(loriol, body="COTECH")).content.decode()
    assert "Calendrier des visites" in by_body and "Orientations jeunesse" not in by_body
    none = client.get(_register_url(loriol, q="introuvable")).content.decode()
    assert "Aucune décision ne répond à cette recherche" in none
    wrong = client.get(_register_url(loriol, year="2031"))
    assert wrong.status_code == 200 and "Sélectionnez un choix valide" in wrong.content.decode()


def test_the_register_is_exported_as_filtered(client, loriol, lead):
    copil = _meeting(loriol, lead)
    register.write_decision(meeting=copil, title="Orientations jeunesse", by=lead)
    register.write_decision(meeting=copil, title='=HYPERLINK("x")', by=lead)
    url = reverse("governance:decision-export-xlsx", args=[loriol.slug]) + "?q=jeunesse"
    response = client.get(url)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Numéro", "Date") and len(rows) == 2
    assert rows[1][0] == "COPIL-2026-001"
    pdf = client.get(reverse("governance:decision-export-pdf", args=[loriol.slug]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "registre-des-decisions" in pdf["Content-Disposition"]


def test_the_lead_writes_a_decision_from_the_meeting_page(client, loriol, lead):
    meeting = _meeting(loriol, lead)
    engagement = loriol.engagements.get(number=1)
    client.force_login(lead)
    page = client.get(meeting.get_absolute_url())
    assert "Inscrire une décision" in page.content.decode()
    token = page.context["decision_form"]["submission_token"].value()
    data = {"title": "Avenant", "text": "", "engagement": engagement.pk, "submission_token": token}
    url = reverse("governance:decision-create", args=[meeting.uuid])
    response = client.post(url, data)
    assert response.status_code == 302
    assert client.post(url, data).status_code == 302  # the same form again: one decision
    decision = Decision.objects.get()
    assert decision.kind == DecisionKind.ENGAGEMENT and decision.engagement == engagement
    assert "COPIL-2026-001" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_reader_sees_the_decisions_without_the_form(client, loriol, lead):
    meeting = _meeting(loriol, lead)
    register.write_decision(meeting=meeting, title="Orientations", by=lead)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "COPIL-2026-001" in page and "Inscrire une décision" not in page
    carrier = RoleAssignmentFactory(contract=loriol, role=ContractRole.CARRIER).user
    client.force_login(carrier)
    url = reverse("governance:decision-create", args=[meeting.uuid])
    assert client.post(url, {"title": "Intrusion"}).status_code == 403
    assert Decision.objects.count() == 1


def test_a_session_s_meeting_links_its_dossiers_for_those_who_hold_the_sessions(
    client, loriol, lead
):
    call = CallForProjectsFactory(contract=loriol, year=2026)
    session = programming.create_committee_session(
        call=call, kind=CommitteeKind.STEERING, held_on=PAST, by=lead
    )
    url = session.meeting.get_absolute_url()
    assert session.get_absolute_url() not in client.get(url).content.decode()  # the public
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert session.get_absolute_url() in page
    assert "Examen des dossiers de l&#x27;appel à projets" in page
