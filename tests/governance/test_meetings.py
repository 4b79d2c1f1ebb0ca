import datetime
import re

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from quartiers.access.enums import ContractRole
from quartiers.access.models import Event
from quartiers.contracts import services as contract_services
from quartiers.governance import services
from quartiers.governance.enums import MeetingStatus
from quartiers.protocol_import import services as importer
from tests.access.factories import RoleAssignmentFactory
from tests.conftest import SEED
from tests.contracts.factories import ContractFactory, EngagementFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 3, 17)


@pytest.fixture
def loriol():
    return importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract


@pytest.fixture
def lead(loriol):
    return RoleAssignmentFactory(contract=loriol, role=ContractRole.PROJECT_LEAD).user


@pytest.fixture
def steering(loriol):
    return loriol.bodies.get(code="COPIL")


def _meeting(steering, lead, **extra):
    values = {
        "date": DAY,
        "start_time": datetime.time(14, 0),
        "end_time": datetime.time(16, 30),
        "place": "Mairie de Loriol, salle du conseil",
        **extra,
    }
    return services.plan_meeting(body=steering, by=lead, **values)


def test_a_meeting_is_planned_with_its_agenda_and_journalled(steering, lead, loriol):
    meeting = _meeting(steering, lead)
    engagement = loriol.engagements.get(number=1)
    services.add_agenda_entry(meeting=meeting, title="Programmation 2027", by=lead)
    point = services.add_agenda_entry(meeting=meeting, title="", engagement=engagement, by=lead)

    titles = [e.title for e in meeting.entries.all()]
    assert titles[0] == "Programmation 2027"
    assert titles[1] == f"Engagement n° 1 : {' '.join(engagement.text.split())}"[:300]
    assert point.position == 1
    assert Event.objects.filter(contract=loriol, verb="meeting_planned").count() == 1


def test_an_end_before_the_start_is_refused(steering, lead):
    with pytest.raises(ValidationError, match="L'heure de fin doit suivre"):
        _meeting(steering, lead, end_time=datetime.time(13, 0))
    with pytest.raises(ValidationError, match="L'heure de fin doit suivre"):
        _meeting(steering, lead, start_time=None)


def test_a_change_raises_the_invitation_s_revision_and_nothing_else_does(steering, lead):
    meeting = _meeting(steering, lead)

    assert services.update_meeting(meeting=meeting, by=lead, place=meeting.place) is False
    assert services.update_meeting(meeting=meeting, by=lead, place="Salle des fêtes") is True
    meeting.refresh_from_db()
    assert (meeting.place, meeting.sequence) == ("Salle des fêtes", 1)


def test_a_cancelled_meeting_can_no_longer_change(steering, lead):
    meeting = _meeting(steering, lead)
    services.cancel_meeting(meeting=meeting, by=lead)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    for attempt in (
        lambda: services.update_meeting(meeting=meeting, by=lead, place="Ailleurs"),
        lambda: services.add_agenda_entry(meeting=meeting, title="Point", by=lead),
        lambda: services.cancel_meeting(meeting=meeting, by=lead),
    ):
        with pytest.raises(ValidationError, match="annulée"):
            attempt()


def test_an_engagement_of_another_contract_is_refused(steering, lead):
    meeting = _meeting(steering, lead)
    stranger = EngagementFactory(contract=ContractFactory())

    with pytest.raises(ValidationError, match="pas un engagement de ce contrat"):
        services.add_agenda_entry(meeting=meeting, title="x", engagement=stranger, by=lead)


@pytest.mark.parametrize("role", [ContractRole.PREFECT_DELEGATE, ContractRole.CITIZEN_COUNCIL])
def test_only_the_lead_plans_meetings(steering, loriol, role):
    user = RoleAssignmentFactory(contract=loriol, role=role).user
    with pytest.raises(PermissionDenied):
        services.plan_meeting(body=steering, date=DAY, by=user)


def test_an_archived_contract_plans_no_meeting(steering, lead, loriol):
    meeting = _meeting(steering, lead)
    contract_services.ensure_not_archived(loriol)
    from quartiers.access import services as access_services

    access_services.archive_contract(contract=loriol, by=lead)
    with pytest.raises(ValidationError, match="archivé"):
        services.plan_meeting(body=steering, date=DAY, by=lead)
    with pytest.raises(ValidationError, match="archivé"):
        services.update_meeting(meeting=meeting, by=lead, place="Ailleurs")


def _ics_events(content: bytes):
    calendar = icalendar.Calendar.from_ical(content)
    return calendar, list(calendar.walk("VEVENT"))


def test_the_invitation_is_valid_icalendar_in_paris_time(client, steering, lead):
    meeting = _meeting(steering, lead)
    services.add_agenda_entry(meeting=meeting, title="Programmation 2027", by=lead)
    client.force_login(lead)

    response = client.get(reverse("governance:meeting-ics", args=[meeting.uuid]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, events = _ics_events(response.content)
    assert calendar["VERSION"] == "2.0" and calendar.walk("VTIMEZONE")
    (event,) = events
    assert event["UID"] == f"{meeting.uuid}@quartiers"
    start = event.decoded("DTSTART")
    assert (start.hour, start.utcoffset()) == (14, datetime.timedelta(hours=1))  # CET in March
    assert event.decoded("DTEND") - start == datetime.timedelta(hours=2, minutes=30)
    assert event["LOCATION"] == "Mairie de Loriol, salle du conseil"
    assert "Programmation 2027" in event["DESCRIPTION"]
    assert event["URL"].endswith(meeting.get_absolute_url())
    assert event["STATUS"] == "CONFIRMED"


def test_the_contract_feed_holds_every_meeting_and_says_which_are_cancelled(
    client, steering, lead, loriol
):
    kept = _meeting(steering, lead)
    whole_day = services.plan_meeting(
        body=loriol.bodies.get(code="COTECH"), date=DAY - datetime.timedelta(days=20), by=lead
    )
    cancelled = _meeting(steering, lead, date=DAY + datetime.timedelta(days=7))
    services.cancel_meeting(meeting=cancelled, by=lead)
    client.force_login(lead)

    response = client.get(reverse("governance:contract-calendar", args=[loriol.slug]))

    _, events = _ics_events(response.content)
    by_uid = {str(e["UID"]): e for e in events}
    assert set(by_uid) == {f"{m.uuid}@quartiers" for m in (kept, whole_day, cancelled)}
    assert by_uid[f"{cancelled.uuid}@quartiers"]["STATUS"] == "CANCELLED"
    assert by_uid[f"{cancelled.uuid}@quartiers"]["SEQUENCE"] == 1
    assert by_uid[f"{whole_day.uuid}@quartiers"].decoded("DTSTART") == whole_day.date


def test_the_lead_plans_a_meeting_from_the_body_page_and_fills_its_agenda(client, loriol, lead):
    client.force_login(lead)
    body_url = reverse("governance:body-detail", args=[loriol.slug, "COPIL"])
    create_url = reverse("governance:meeting-create", args=[loriol.slug, "COPIL"])
    assert create_url in client.get(body_url).content.decode()
    page = client.get(create_url).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', page)[1]

    response = client.post(
        create_url,
        {
            "date": "2027-03-17",
            "start_time": "14:00",
            "end_time": "12:00",
            "place": "Mairie",
            "submission_token": token,
        },
    )
    assert response.status_code == 200  # refused, what was typed is kept
    assert "L&#x27;heure de fin doit suivre" in response.content.decode()
    assert 'value="Mairie"' in response.content.decode()

    token = re.search(r'name="submission_token" value="([^"]+)"', response.content.decode())[1]
    response = client.post(
        create_url,
        {"date": "2027-03-17", "start_time": "14:00", "place": "Mairie", "submission_token": token},
    )
    meeting = loriol.meetings.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.get_absolute_url() in client.get(body_url).content.decode()

    response = client.post(meeting.get_absolute_url(), {"title": "Bilan 2026"})
    assert response.status_code == 302
    engagement = loriol.engagements.get(number=2)
    response = client.post(meeting.get_absolute_url(), {"engagement": engagement.pk})
    assert response.status_code == 302
    engagement_url = reverse("contracts:engagement-detail", args=[loriol.slug, 2])
    assert f'href="{engagement_url}"' in client.get(meeting.get_absolute_url()).content.decode()
    titles = [e.title for e in meeting.entries.all()]
    assert titles[0] == "Bilan 2026" and titles[1].startswith("Engagement n° 2 : ")
    assert (
        "Retirer le point « Bilan 2026 »" in client.get(meeting.get_absolute_url()).content.decode()
    )


def test_a_reader_sees_the_meeting_without_its_forms(client, steering, lead, loriol):
    meeting = _meeting(steering, lead)
    observer = RoleAssignmentFactory(contract=loriol, role=ContractRole.OBSERVER).user
    client.force_login(observer)

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert "Ordre du jour" in page and "Ajouter le point" not in page
    assert client.post(meeting.get_absolute_url(), {"title": "Intrus"}).status_code == 403
    assert not meeting.entries.exists()


@pytest.fixture
def seated(steering, loriol, lead):
    """The CAF and the conseil citoyen sit in the comité de pilotage; a CAF instructor and a
    council member hold roles on the contract (the instructor belongs to the CAF)."""
    from quartiers.accounts.models import Membership as OrganisationMembership

    caf = loriol.partners.get(code="CAF")
    council = loriol.partners.get(kind="citizen_council")
    for partner in (caf, council):
        services.add_member(body=steering, partner=partner, role="member", voting=True, by=lead)
    instructor = RoleAssignmentFactory(
        contract=loriol, role=ContractRole.FUNDER_INSTRUCTOR, organisation=caf.organisation
    ).user
    OrganisationMembership.objects.get_or_create(user=instructor, organisation=caf.organisation)
    resident = RoleAssignmentFactory(contract=loriol, role=ContractRole.CITIZEN_COUNCIL).user
    return {"caf": caf, "council": council, "instructor": instructor, "resident": resident}


def _invitation(message) -> bytes:
    content = message.attachments[0][1]  # text/* attachments are kept as text by Django
    return content.encode() if isinstance(content, str) else content


def test_the_convocation_goes_to_each_person_with_a_valid_invitation(
    steering, lead, seated, mailoutbox
):
    meeting = _meeting(steering, lead)
    services.add_agenda_entry(meeting=meeting, title="Programmation 2027", by=lead)

    convocation = services.convene(meeting=meeting, by=lead)

    expected = sorted([seated["instructor"].email, seated["resident"].email])
    assert sorted(m.to[0] for m in mailoutbox) == expected  # one e-mail each
    assert convocation.recipients == 2 and lead.email not in expected
    message = mailoutbox[0]
    assert message.subject.startswith("Convocation : Comité de pilotage du 17 mars 2027")
    assert "1. Programmation 2027" in message.body
    ((name, _, mimetype),) = message.attachments
    assert (name, mimetype) == ("invitation.ics", "text/calendar")
    _, (event,) = _ics_events(_invitation(message))
    assert event["UID"] == f"{meeting.uuid}@quartiers"
    assert set(meeting.attendances.values_list("partner__code", flat=True)) == {
        seated["caf"].code,
        seated["council"].code,
    }

    services.update_meeting(meeting=meeting, by=lead, place="Salle des fêtes")
    mailoutbox.clear()
    services.convene(meeting=meeting, by=lead)
    assert mailoutbox[0].subject.startswith("Convocation modifiée")
    _, (event,) = _ics_events(_invitation(mailoutbox[0]))
    assert event["SEQUENCE"] == 1 and event["LOCATION"] == "Salle des fêtes"
    assert meeting.attendances.count() == 2  # convened once each


def test_a_body_without_members_convenes_nobody(steering, lead, mailoutbox, client):
    meeting = _meeting(steering, lead)
    client.force_login(lead)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "ajoutez ses membres" in page and "Envoyer la convocation" not in page

    with pytest.raises(ValidationError, match="Aucune institution ne siège"):
        services.convene(meeting=meeting, by=lead)
    assert mailoutbox == []


def test_a_steering_meeting_without_the_conseil_citoyen_is_flagged(steering, lead, loriol, client):
    meeting = _meeting(steering, lead)
    caf = loriol.partners.get(code="CAF")
    services.add_member(body=steering, partner=caf, role="member", voting=True, by=lead)
    assert services.council_missing(meeting)
    client.force_login(lead)
    assert "art. 7" in client.get(meeting.get_absolute_url()).content.decode()

    council = loriol.partners.get(kind="citizen_council")
    services.add_member(body=steering, partner=council, role="member", voting=True, by=lead)
    assert not services.council_missing(meeting)
    workshop = services.plan_meeting(body=loriol.bodies.get(code="ATELIER"), date=DAY, by=lead)
    assert not services.council_missing(workshop)  # only the steering bodies


def test_attendance_is_recorded_once_the_day_has_come(steering, lead, seated):
    today = datetime.date.today()
    later = _meeting(steering, lead, date=today + datetime.timedelta(days=3))
    services.convene(meeting=later, by=lead)
    with pytest.raises(ValidationError, match="le jour de la réunion ou après"):
        services.record_attendance(meeting=later, rows={seated["caf"].pk: ("present", "")}, by=lead)

    meeting = _meeting(steering, lead, date=today)
    services.convene(meeting=meeting, by=lead)
    with pytest.raises(ValidationError) as refused:
        services.record_attendance(
            meeting=meeting,
            rows={seated["caf"].pk: ("represented", " "), seated["council"].pk: ("present", "")},
            by=lead,
        )
    assert "Dites qui représentait" in str(refused.value)
    assert not meeting.attendances.exclude(presence="").exists()  # all or nothing

    changed = services.record_attendance(
        meeting=meeting,
        rows={
            seated["caf"].pk: ("represented", "  M. Durand "),
            seated["council"].pk: ("present", "ignored"),
        },
        by=lead,
    )
    assert changed == 2
    rows = {a.partner_id: (a.presence, a.represented_by) for a in meeting.attendances.all()}
    assert rows == {
        seated["caf"].pk: ("represented", "M. Durand"),
        seated["council"].pk: ("present", ""),
    }
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD

    stranger = meeting.contract.partners.get(code="CD")
    with pytest.raises(ValidationError, match="pas été convoquée"):
        services.record_attendance(meeting=meeting, rows={stranger.pk: ("present", "")}, by=lead)


def test_the_attendance_table_keeps_what_was_typed_when_refused(client, steering, lead, seated):
    meeting = _meeting(steering, lead, date=datetime.date.today())
    services.convene(meeting=meeting, by=lead)
    client.force_login(lead)
    url = reverse("governance:meeting-attendance", args=[meeting.uuid])
    caf, council = seated["caf"].pk, seated["council"].pk

    response = client.post(
        url, {f"p{caf}-presence": "represented", f"p{council}-presence": "excused"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dites qui représentait l&#x27;institution." in page
    assert '<option value="excused" selected>' in page

    response = client.post(
        url,
        {
            f"p{caf}-presence": "represented",
            f"p{caf}-represented_by": "Mme Roux",
            f"p{council}-presence": "excused",
        },
    )
    assert response.status_code == 302
    assert meeting.attendances.get(partner_id=caf).represented_by == "Mme Roux"


def test_a_convocation_is_not_sent_twice_for_the_same_meeting(
    steering, lead, seated, loriol, mailoutbox
):
    meeting = _meeting(steering, lead)
    services.convene(meeting=meeting, by=lead)
    mailoutbox.clear()

    with pytest.raises(ValidationError, match="déjà partie"):
        services.convene(meeting=meeting, by=lead)
    assert mailoutbox == []

    services.add_member(
        body=steering, partner=loriol.partners.get(code="CD"), role="member", voting=True, by=lead
    )
    services.convene(meeting=meeting, by=lead)  # a new member: convened in turn
    assert meeting.attendances.count() == 3
    assert meeting.attendances.first().history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_convocations_sent_at_once_make_one(mailoutbox):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    contract = importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract
    lead = RoleAssignmentFactory(contract=contract, role=ContractRole.PROJECT_LEAD).user
    steering = contract.bodies.get(code="COPIL")
    services.add_member(
        body=steering,
        partner=contract.partners.get(code="CAF"),
        role="member",
        voting=True,
        by=lead,
    )
    meeting = services.plan_meeting(body=steering, date=DAY, by=lead)
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        barrier.wait()
        try:
            services.convene(meeting=meeting, by=lead)
            outcomes.append("sent")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "sent"]
    assert meeting.convocations.count() == 1 and meeting.attendances.count() == 1
