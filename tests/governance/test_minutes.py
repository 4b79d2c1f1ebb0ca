"""The minutes and documents of a meeting: one test per rule (governance/minutes.py)."""

import datetime
import os
import subprocess
import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.access.enums import ContractRole
from quartiers.access.models import Event
from quartiers.governance import minutes
from quartiers.governance import services as governance
from quartiers.governance.enums import MinutesStatus
from quartiers.governance.models import MeetingDocument, Minutes
from quartiers.protocol_import import services as importer
from tests.access.factories import RoleAssignmentFactory
from tests.conftest import SEED
from tests.utils import frozen_at, race

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def loriol():
    return importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract


@pytest.fixture
def lead(loriol):
    return RoleAssignmentFactory(contract=loriol, role=ContractRole.PROJECT_LEAD).user


@pytest.fixture
def steering(loriol):
    return loriol.bodies.get(code="COPIL")


def held_meeting(body, lead, *, days_ago=30, seat=("CAF",), presence="present"):
    """A meeting of `body` `days_ago` days ago, its institutions convened, attendance kept."""
    for code in seat:
        partner = body.contract.partners.get(code=code)
        if not body.memberships.filter(partner=partner).exists():
            governance.add_member(body=body, partner=partner, role="member", voting=True, by=lead)
    meeting = governance.plan_meeting(
        body=body,
        date=TODAY - datetime.timedelta(days=days_ago),
        start_time=datetime.time(14, 0),
        end_time=datetime.time(16, 0),
        place="Mairie de Loriol",
        by=lead,
    )
    governance.convene(meeting=meeting, by=lead)
    rows = {a.partner_id: (presence, "") for a in meeting.attendances.all()}
    governance.record_attendance(meeting=meeting, rows=rows, by=lead)
    meeting.refresh_from_db()
    return meeting


def test_the_draft_reads_the_meeting_its_attendance_its_agenda_and_its_decisions(
    steering, lead, loriol
):
    council = loriol.partners.get(kind="citizen_council")
    meeting = held_meeting(steering, lead, seat=("CAF", "CD", council.code, "ETAT"))
    caf, cd, etat = (loriol.partners.get(code=c) for c in ("CAF", "CD", "ETAT"))
    governance.record_attendance(
        meeting=meeting,
        rows={
            caf.pk: ("represented", "Mme Roux"),
            cd.pk: ("excused", ""),
            council.pk: ("represented", "Camille Habitante"),
            etat.pk: ("absent", ""),
        },
        by=lead,
    )
    governance.add_agenda_entry(meeting=meeting, title="Programmation 2027", by=lead)
    governance.add_agenda_entry(meeting=meeting, title="Bilan du fonds", by=lead)
    decisions = [
        SimpleNamespace(number="COPIL-2026-014", title="Programmation", text="Adoptée."),
        SimpleNamespace(number="COPIL-2026-015", title="Calendrier", text=""),
    ]

    text = minutes.draft_text(meeting, decisions)

    paragraphs = text.split("\n\n")
    assert paragraphs[0].splitlines()[0].startswith("Compte rendu de la réunion du ")
    assert "Instance : Comité de pilotage" in paragraphs[0]
    assert "Lieu : Mairie de Loriol" in paragraphs[0] and "14h00 – 16h00" in paragraphs[0]
    assert f"Institutions représentées : {caf.name} (par Mme Roux), {council.name}." in text
    assert "Camille Habitante" not in text  # a resident is never named
    assert f"Institutions excusées : {cd.name}." in text
    assert f"Institutions absentes : {etat.name}." in text
    assert paragraphs.index("1. Programmation 2027") + 2 == paragraphs.index("2. Bilan du fonds")
    assert paragraphs[paragraphs.index("1. Programmation 2027") + 1] == ""  # room to write
    assert "Décisions\n\nCOPIL-2026-014 — Programmation\nAdoptée." in text
    assert text.rstrip().endswith("COPIL-2026-015 — Calendrier")
    assert "Décisions" not in minutes.draft_text(meeting)


def test_minutes_are_drafted_once_the_meeting_is_held_and_only_once(steering, lead, loriol):
    later = governance.plan_meeting(body=steering, date=TODAY + datetime.timedelta(days=3), by=lead)
    with pytest.raises(ValidationError, match="une fois la réunion tenue"):
        minutes.start_minutes(meeting=later, by=lead)

    today = governance.plan_meeting(body=steering, date=TODAY, by=lead)  # its day has come
    first, created = minutes.start_minutes(meeting=today, by=lead)
    again, created_again = minutes.start_minutes(meeting=today, by=lead)

    assert created and not created_again and again.pk == first.pk
    assert first.status == MinutesStatus.DRAFT and first.written_by == lead
    assert Event.objects.filter(contract=loriol, verb="minutes_drafted").count() == 1


def test_a_cancelled_meeting_gets_no_minutes(steering, lead):
    meeting = governance.plan_meeting(body=steering, date=TODAY, by=lead)
    governance.cancel_meeting(meeting=meeting, by=lead)
    with pytest.raises(ValidationError, match="une fois la réunion tenue"):
        minutes.start_minutes(meeting=meeting, by=lead)


@pytest.mark.parametrize(
    "role", [ContractRole.PREFECT_DELEGATE, ContractRole.FUNDER_INSTRUCTOR, ContractRole.CARRIER]
)
def test_only_the_lead_writes_minutes(steering, lead, loriol, role):
    meeting = held_meeting(steering, lead)
    other = RoleAssignmentFactory(contract=loriol, role=role).user
    with pytest.raises(PermissionDenied):
        minutes.start_minutes(meeting=meeting, by=other)
    draft, _ = minutes.start_minutes(meeting=meeting, by=lead)
    with pytest.raises(PermissionDenied):
        minutes.save_minutes(minutes=draft, text="x", expected_version=0, by=other)


def test_a_save_prepared_on_an_older_version_is_refused(steering, lead):
    meeting = held_meeting(steering, lead)
    draft, _ = minutes.start_minutes(meeting=meeting, by=lead)
    assert minutes.save_minutes(
        minutes=draft, text="Premier texte.\r\n\r\nSuite.  ", expected_version=0, by=lead
    )

    with pytest.raises(minutes.StaleMinutes, match="pendant que vous le modifiiez"):
        minutes.save_minutes(minutes=draft, text="Écrasé ?", expected_version=0, by=lead)

    draft.refresh_from_db()
    assert (draft.text, draft.version) == ("Premier texte.\n\nSuite.", 1)
    assert not minutes.save_minutes(
        minutes=draft, text="Premier texte.\n\nSuite.", expected_version=1, by=lead
    )  # nothing changed: no new version
    draft.refresh_from_db()
    assert draft.version == 1 and draft.history.count() == 2


def test_minutes_are_approved_only_at_a_later_held_meeting_of_the_same_body(steering, lead, loriol):
    first = held_meeting(steering, lead, days_ago=60)
    draft, _ = minutes.start_minutes(meeting=first, by=lead)
    earlier = held_meeting(steering, lead, days_ago=90)
    other_body = held_meeting(loriol.bodies.get(code="COTECH"), lead, days_ago=10)
    coming = governance.plan_meeting(
        body=steering, date=TODAY + datetime.timedelta(days=5), by=lead
    )

    for at, message in (
        (first, "réunion suivante"),
        (earlier, "réunion suivante"),
        (other_body, "même instance"),
        (coming, "pas encore tenue"),
    ):
        with pytest.raises(ValidationError, match=message):
            minutes.approve_minutes(minutes=draft, at_meeting=at, by=lead)
    draft.refresh_from_db()
    assert draft.status == MinutesStatus.DRAFT

    second = held_meeting(steering, lead, days_ago=2)
    assert list(minutes.pending_for(second)) == [draft]
    approved = minutes.approve_minutes(minutes=draft, at_meeting=second, by=lead)

    assert approved.status == MinutesStatus.APPROVED
    assert (approved.approved_at, approved.approved_at_meeting) == (second.date, second)
    assert approved.approved_by == lead
    assert list(minutes.pending_for(second)) == []
    assert Event.objects.filter(contract=loriol, verb="minutes_approved").count() == 1


def test_empty_minutes_are_not_approved(steering, lead):
    draft, _ = minutes.start_minutes(meeting=held_meeting(steering, lead, days_ago=60), by=lead)
    minutes.save_minutes(minutes=draft, text="  \n ", expected_version=0, by=lead)
    with pytest.raises(ValidationError, match="vide"):
        minutes.approve_minutes(
            minutes=draft, at_meeting=held_meeting(steering, lead, days_ago=1), by=lead
        )


def test_approved_minutes_are_frozen(steering, lead):
    draft, _ = minutes.start_minutes(meeting=held_meeting(steering, lead, days_ago=60), by=lead)
    second = held_meeting(steering, lead, days_ago=1)
    approved = minutes.approve_minutes(minutes=draft, at_meeting=second, by=lead)

    with pytest.raises(ValidationError, match="approuvé : il ne peut plus être modifié"):
        minutes.save_minutes(
            minutes=approved, text="Réécrit", expected_version=approved.version, by=lead
        )
    with pytest.raises(ValidationError, match="déjà approuvé"):
        minutes.approve_minutes(minutes=approved, at_meeting=second, by=lead)
    assert Minutes.objects.get(pk=draft.pk).text == draft.text


def test_a_new_meeting_of_the_body_gets_the_approval_point(steering, lead):
    first = held_meeting(steering, lead, days_ago=40)
    minutes.start_minutes(meeting=first, by=lead)

    coming = governance.plan_meeting(
        body=steering, date=TODAY + datetime.timedelta(days=10), by=lead
    )

    (entry,) = coming.entries.all()
    assert entry.title == minutes.approval_title(first)
    assert entry.title.startswith("Approbation du compte rendu de la réunion du ")
    other = governance.plan_meeting(
        body=steering.contract.bodies.get(code="COTECH"), date=TODAY, by=lead
    )
    assert not other.entries.exists()  # another body: nothing to approve there


def test_the_pdf_of_approved_minutes_holds_their_text(steering, lead, tmp_path):
    draft, _ = minutes.start_minutes(meeting=held_meeting(steering, lead, days_ago=60), by=lead)
    minutes.save_minutes(
        minutes=draft, text="Le comité adopte la programmation.", expected_version=0, by=lead
    )
    with pytest.raises(ValidationError, match="approuvé"):
        minutes.minutes_pdf(draft)
    draft.refresh_from_db()
    approved = minutes.approve_minutes(
        minutes=draft, at_meeting=held_meeting(steering, lead, days_ago=1), by=lead
    )

    content = minutes.minutes_pdf(approved)

    path = tmp_path / "compte-rendu.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Le comité adopte la programmation." in " ".join(text.split())
    assert minutes.minutes_filename(approved) == f"compte-rendu-copil-{draft.meeting.date}.pdf"


def _upload(name="diaporama.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_document_is_checked_then_kept_private_unless_published(
    steering, lead, loriol, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = held_meeting(steering, lead)

    document = minutes.add_document(meeting=meeting, upload=_upload(), by=lead)

    assert (document.title, document.public, document.size) == ("diaporama.pdf", False, len(PDF))
    assert document.file.read() == PDF
    assert Event.objects.filter(contract=loriol, verb="meeting_document_added").exists()
    public = minutes.add_document(
        meeting=meeting, upload=_upload(), title=" Diaporama  ", public=True, by=lead
    )
    assert public.title == "Diaporama"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_upload("virus.exe", b"MZ\x90\x00", "application/x-msdownload"), "format non accepté"),
        (_upload("faux.pdf", b"MZ\x90\x00 not a pdf"), "ne contient pas ce que son nom annonce"),
        (_upload("page.html", b"<script>", "text/html"), "format non accepté"),
        (_upload("image.pdf", b"\x89PNG\r\n\x1a\n", "image/png"), "format non accepté"),
    ],
)
def test_a_hostile_file_is_refused(steering, lead, upload, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = held_meeting(steering, lead)
    with pytest.raises(ValidationError, match=message):
        minutes.add_document(meeting=meeting, upload=upload, by=lead)
    assert not MeetingDocument.objects.exists()


def test_a_document_is_published_then_withdrawn_by_the_lead_only(
    steering, lead, loriol, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = held_meeting(steering, lead)
    document = minutes.add_document(meeting=meeting, upload=_upload(), by=lead)
    carrier = RoleAssignmentFactory(contract=loriol, role=ContractRole.CARRIER).user
    with pytest.raises(PermissionDenied):
        minutes.set_document_public(document=document, public=True, by=carrier)

    assert minutes.set_document_public(document=document, public=True, by=lead)
    assert not minutes.set_document_public(document=document, public=True, by=lead)
    document.refresh_from_db()
    assert document.public
    assert minutes.set_document_public(document=document, public=False, by=lead)
    verbs = Event.objects.filter(contract=loriol, verb__startswith="meeting_document_")
    assert sorted(verbs.values_list("verb", flat=True)) == [
        "meeting_document_added",
        "meeting_document_published",
        "meeting_document_unpublished",
    ]


def test_a_removed_document_loses_its_file(
    steering, lead, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    meeting = held_meeting(steering, lead)
    document = minutes.add_document(meeting=meeting, upload=_upload(), by=lead)
    path = document.file.path
    instructor = RoleAssignmentFactory(
        contract=meeting.contract, role=ContractRole.FUNDER_INSTRUCTOR
    ).user
    with pytest.raises(PermissionDenied):
        minutes.remove_document(document=document, by=instructor)

    with django_capture_on_commit_callbacks(execute=True):
        minutes.remove_document(document=document, by=lead)

    assert not MeetingDocument.objects.exists()
    assert not os.path.exists(path)
    assert Event.objects.filter(verb="meeting_document_removed").count() == 1


def test_private_documents_and_draft_minutes_are_for_the_contract_s_people(
    steering, lead, loriol, settings, tmp_path
):
    from django.contrib.auth.models import AnonymousUser

    from quartiers.contracts import services as contract_services

    settings.MEDIA_ROOT = tmp_path
    contract_services.publish_contract(contract=loriol, published=True)
    meeting = held_meeting(steering, lead)
    private = minutes.add_document(meeting=meeting, upload=_upload(), by=lead)
    public = minutes.add_document(meeting=meeting, upload=_upload(), public=True, by=lead)
    draft, _ = minutes.start_minutes(meeting=meeting, by=lead)
    carrier = RoleAssignmentFactory(contract=loriol, role=ContractRole.CARRIER).user
    elsewhere = RoleAssignmentFactory(role=ContractRole.PROJECT_LEAD).user  # another contract

    assert set(minutes.visible_documents(carrier, meeting)) == {private, public}
    for outsider in (AnonymousUser(), elsewhere):
        assert list(minutes.visible_documents(outsider, meeting)) == [public]
        assert not minutes.can_read(outsider, draft)
    assert minutes.can_read(carrier, draft)


def test_a_meeting_is_held_once_recorded_so_or_on_its_day_unless_cancelled():
    meeting = SimpleNamespace(status="planned", date=datetime.date(2027, 1, 1))
    with frozen_at(datetime.datetime(2027, 1, 1, 12, 0, tzinfo=datetime.UTC)):
        assert minutes.is_held(meeting)
        meeting.date = datetime.date(2027, 1, 2)
        assert not minutes.is_held(meeting)
    meeting.status = "held"
    assert minutes.is_held(meeting)
    meeting.status = "cancelled"
    assert not minutes.is_held(meeting)


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_make_one():
    """Two people save the minutes they both opened at version 0: exactly one wins (the
    row lock orders them; without it both pass the version check while the other writes,
    which the slowed step makes certain)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    contract = importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract
    lead = RoleAssignmentFactory(contract=contract, role=ContractRole.PROJECT_LEAD).user
    meeting = governance.plan_meeting(body=contract.bodies.get(code="COPIL"), date=TODAY, by=lead)
    draft, _ = minutes.start_minutes(meeting=meeting, by=lead)

    def save(text):
        return lambda: minutes.save_minutes(
            minutes=Minutes.objects.get(pk=draft.pk), text=text, expected_version=0, by=lead
        )

    def slow_normalise(text, normalise=minutes.normalise):
        time.sleep(0.3)  # between the version check and the write: both would pass it
        return normalise(text)

    with mock.patch.object(minutes, "normalise", slow_normalise):
        outcomes = race(save("Texte 1"), save("Texte 2"))

    texts = ("Texte 1", "Texte 2")
    saved = [text for text, outcome in zip(texts, outcomes, strict=True) if outcome is True]
    stale = [outcome for outcome in outcomes if isinstance(outcome, minutes.StaleMinutes)]
    assert len(saved) == 1 and len(stale) == 1, outcomes
    draft.refresh_from_db()
    assert (draft.text, draft.version) == (saved[0], 1)
