"""Pages of the minutes and documents, per role and method."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.access.enums import ContractRole
from quartiers.contracts import services as contract_services
from quartiers.governance import minutes
from quartiers.governance import services as governance
from quartiers.governance.enums import MinutesStatus
from quartiers.protocol_import import services as importer
from tests.access.factories import RoleAssignmentFactory
from tests.conftest import SEED
from tests.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n%test\n"
RESIDENT = "Camille Habitante"


@pytest.fixture
def loriol():
    contract = importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract
    contract_services.publish_contract(contract=contract, published=True)
    return contract


@pytest.fixture
def lead(loriol):
    return RoleAssignmentFactory(contract=loriol, role=ContractRole.PROJECT_LEAD).user


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def held(loriol, lead):
    """A comité de pilotage held 30 days ago: the CAF and the conseil citoyen convened, the
    council represented by a resident."""
    steering = loriol.bodies.get(code="COPIL")
    council = loriol.partners.get(kind="citizen_council")
    caf = loriol.partners.get(code="CAF")
    for partner in (caf, council):
        governance.add_member(body=steering, partner=partner, role="member", voting=True, by=lead)
    meeting = governance.plan_meeting(
        body=steering, date=TODAY - datetime.timedelta(days=30), place="Mairie", by=lead
    )
    governance.add_agenda_entry(meeting=meeting, title="Programmation 2027", by=lead)
    governance.convene(meeting=meeting, by=lead)
    governance.record_attendance(
        meeting=meeting,
        rows={caf.pk: ("present", ""), council.pk: ("represented", RESIDENT)},
        by=lead,
    )
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def next_meeting(held, lead):
    return governance.plan_meeting(body=held.body, date=TODAY, place="Mairie", by=lead)


def _as(client, contract, role):
    client.force_login(RoleAssignmentFactory(contract=contract, role=role).user)
    return client


def _token(html: str) -> str:
    return re.search(r'name="submission_token" value="([^"]+)"', html)[1]


def _url(name, meeting, **kwargs):
    return reverse(f"governance:{name}", kwargs={"uuid": meeting.uuid, **kwargs})


def test_the_lead_drafts_saves_and_is_told_of_a_save_made_meanwhile(client, held, lead):
    client.force_login(lead)
    page = client.get(held.get_absolute_url()).content.decode()
    assert "Rédiger le compte rendu" in page

    response = client.post(_url("minutes-start", held))
    assert response["Location"] == _url("minutes-detail", held)
    page = client.get(response["Location"]).content.decode()
    assert "1. Programmation 2027" in page and 'name="version" value="0"' in page
    assert RESIDENT not in page  # the draft does not name the council's stand-in

    response = client.post(
        _url("minutes-detail", held), {"text": "Le comité s'est réuni.", "version": 0}
    )
    assert response.status_code == 302
    assert held.minutes.text == "Le comité s'est réuni."

    response = client.post(_url("minutes-detail", held), {"text": "Mon texte", "version": 0})
    assert response.status_code == 409
    page = response.content.decode()
    assert "pendant que vous le modifiiez" in page
    assert "Mon texte</textarea>" in page  # what was typed is kept
    assert "Texte enregistré entre-temps" in page and "Le comité s&#x27;est réuni." in page
    assert 'name="version" value="1"' in page
    held.minutes.refresh_from_db()
    assert held.minutes.text == "Le comité s'est réuni."


def test_a_planned_meeting_offers_no_minutes_yet(client, loriol, lead):
    meeting = governance.plan_meeting(
        body=loriol.bodies.get(code="COPIL"), date=TODAY + datetime.timedelta(days=4), by=lead
    )
    client.force_login(lead)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Rédiger le compte rendu" not in page
    assert "se rédigera une fois la réunion tenue" in page
    response = client.post(_url("minutes-start", meeting), follow=True)
    assert "une fois la réunion tenue" in response.content.decode()


@pytest.mark.parametrize("role", [ContractRole.CARRIER, ContractRole.FUNDER_INSTRUCTOR])
def test_the_contract_s_people_read_the_draft_and_change_nothing(client, loriol, held, lead, role):
    draft, _ = minutes.start_minutes(meeting=held, by=lead)
    client = _as(client, loriol, role)

    page = client.get(_url("minutes-detail", held)).content.decode()
    assert "Projet de compte rendu" in page and "<textarea" not in page
    assert "Lire le projet de compte rendu" in client.get(held.get_absolute_url()).content.decode()
    assert client.post(_url("minutes-detail", held), {"text": "x", "version": 0}).status_code == 403
    assert client.post(_url("minutes-start", held)).status_code == 403
    draft.refresh_from_db()
    assert draft.version == 0


def test_the_public_sees_no_draft_then_the_approved_minutes(
    client, loriol, held, next_meeting, lead
):
    draft, _ = minutes.start_minutes(meeting=held, by=lead)
    minutes.save_minutes(minutes=draft, text="Le comité adopte.", expected_version=0, by=lead)
    assert client.get(_url("minutes-detail", held)).status_code == 404
    assert client.get(_url("minutes-pdf", held)).status_code == 404
    assert "pas encore approuvé" in client.get(held.get_absolute_url()).content.decode()

    # The later meeting, held today, approves the minutes of the earlier one (its button).
    client.force_login(lead)
    page = client.get(next_meeting.get_absolute_url()).content.decode()
    label = f"Approuver le compte rendu de la réunion du {held.date:%-d} "
    assert label in page
    response = client.post(_url("minutes-approve", next_meeting, earlier=held.uuid))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == MinutesStatus.APPROVED and draft.approved_at_meeting == next_meeting
    assert client.get(_url("minutes-detail", held)).content.decode().count("<textarea") == 0
    client.logout()

    page = client.get(_url("minutes-detail", held)).content.decode()
    assert "Le comité adopte." in page and "Approuvé le" in page
    response = client.get(_url("minutes-pdf", held))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    listing = client.get(reverse("governance:minutes-list", args=[loriol.slug])).content.decode()
    assert _url("minutes-detail", held) in listing
    bodies = client.get(reverse("governance:body-list", args=[loriol.slug])).content.decode()
    assert reverse("governance:minutes-list", args=[loriol.slug]) in bodies
    assert next_meeting.get_absolute_url() in bodies  # the next meetings, public


def test_the_public_meeting_page_names_no_person(client, loriol, held, lead):
    page = client.get(held.get_absolute_url()).content.decode()
    assert "Institutions convoquées et leur présence" in page
    assert RESIDENT not in page and "Représentée par" not in page
    assert "@" not in re.sub(r"<(script|head)\b.*?</\1>", "", page, flags=re.S)
    client.force_login(lead)
    assert RESIDENT in client.get(held.get_absolute_url()).content.decode()


def test_approval_is_refused_for_the_minutes_of_another_contract(client, held, next_meeting, lead):
    stranger = ContractFactory()
    other_lead = RoleAssignmentFactory(contract=stranger, role=ContractRole.PROJECT_LEAD).user
    other = governance.plan_meeting(
        body=governance.create_body(
            contract=stranger, kind="steering", name="COPIL", by=other_lead
        ),
        date=TODAY - datetime.timedelta(days=9),
        by=other_lead,
    )
    minutes.start_minutes(meeting=other, by=other_lead)
    client.force_login(lead)
    assert client.post(_url("minutes-approve", next_meeting, earlier=other.uuid)).status_code == 404
    client.force_login(other_lead)  # on contract A, other_lead is the public: no writes
    assert client.post(_url("minutes-approve", next_meeting, earlier=held.uuid)).status_code == 403


def test_approval_before_the_meeting_is_held_is_refused_with_its_reason(client, held, lead):
    minutes.start_minutes(meeting=held, by=lead)
    coming = governance.plan_meeting(
        body=held.body, date=TODAY + datetime.timedelta(days=3), by=lead
    )
    client.force_login(lead)
    page = client.get(coming.get_absolute_url()).content.decode()
    assert "Approbation du compte rendu de la réunion du" in page  # on its agenda
    assert "s'approuvera le jour de cette réunion" in page.replace("&#x27;", "'")
    response = client.post(_url("minutes-approve", coming, earlier=held.uuid), follow=True)
    assert "pas encore tenue" in response.content.decode()
    assert held.minutes.status == MinutesStatus.DRAFT


def _upload(name="diaporama.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_the_lead_uploads_documents_private_or_public(client, loriol, held, lead):
    client.force_login(lead)
    page = client.get(held.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in page
    url = _url("document-add", held)

    response = client.post(
        url, {"file": _upload("faux.pdf", b"MZ"), "title": "Faux", "submission_token": _token(page)}
    )
    assert response.status_code == 400
    assert "ne contient pas ce que son nom annonce" in response.content.decode()
    assert not held.documents.exists()

    page = response.content.decode()
    response = client.post(
        url, {"file": _upload(), "title": "Émargement", "submission_token": _token(page)}
    )
    assert response.status_code == 302
    page = client.get(held.get_absolute_url()).content.decode()
    response = client.post(
        url,
        {"file": _upload(), "title": "Diaporama", "public": "on", "submission_token": _token(page)},
    )
    assert response.status_code == 302
    private, public = held.documents.order_by("pk")
    assert (private.public, public.public) == (False, True)

    carrier = _as(client, loriol, ContractRole.CARRIER)
    assert carrier.get(_url("document-download", held, pk=private.pk)).status_code == 200
    assert carrier.post(_url("document-remove", held, pk=private.pk)).status_code == 403
    publish = _url("document-publish", held, pk=private.pk)
    assert carrier.post(publish, {"public": "1"}).status_code == 403
    carrier.logout()
    page = client.get(held.get_absolute_url()).content.decode()
    assert "Diaporama" in page and "Émargement" not in page
    assert client.get(_url("document-download", held, pk=private.pk)).status_code == 404
    response = client.get(_url("document-download", held, pk=public.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF

    client.force_login(lead)
    page = client.get(held.get_absolute_url()).content.decode()
    assert "Publier le document « Émargement »" in page
    assert "Ne plus publier le document « Diaporama »" in page
    publish = _url("document-publish", held, pk=private.pk)
    assert client.post(publish, {"public": "1"}).status_code == 302
    private.refresh_from_db()
    assert private.public
    assert client.post(publish, {"public": "0"}).status_code == 302
    private.refresh_from_db()
    assert not private.public
    assert client.post(_url("document-remove", held, pk=private.pk)).status_code == 302
    assert list(held.documents.all()) == [public]


def test_a_document_of_another_meeting_is_not_found(client, loriol, held, next_meeting, lead):
    document = minutes.add_document(meeting=held, upload=_upload(), public=True, by=lead)
    client.force_login(lead)
    assert client.get(_url("document-download", next_meeting, pk=document.pk)).status_code == 404
    assert client.post(_url("document-remove", next_meeting, pk=document.pk)).status_code == 404


def test_an_unpublished_contract_s_minutes_are_for_its_people(client, loriol, held, lead):
    contract_services.publish_contract(contract=loriol, published=False)
    minutes.start_minutes(meeting=held, by=lead)
    url = reverse("governance:minutes-list", args=[loriol.slug])
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(_url("minutes-detail", held)).status_code == 302
    client.force_login(RoleAssignmentFactory(role=ContractRole.PROJECT_LEAD).user)
    assert client.get(_url("minutes-detail", held)).status_code == 403


def test_the_list_of_approved_minutes_reads_in_a_fixed_number_of_queries(
    client, loriol, held, next_meeting, lead, django_assert_max_num_queries
):
    draft, _ = minutes.start_minutes(meeting=held, by=lead)
    minutes.approve_minutes(minutes=draft, at_meeting=next_meeting, by=lead)
    url = reverse("governance:minutes-list", args=[loriol.slug])
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert f"Compte rendu du {held.date:%-d}" in page
