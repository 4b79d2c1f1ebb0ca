"""Persons sitting in a body in their own name: added and removed by the chef de projet,
convened by e-mail when they gave an address, named to the contract's people only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from quartiers.access.enums import ContractRole
from quartiers.access.models import Event
from quartiers.governance import services
from quartiers.governance.models import BodyPerson
from quartiers.protocol_import import services as importer
from tests.access.factories import RoleAssignmentFactory
from tests.conftest import SEED

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 3, 17)
NAME = "Odile Quali"


@pytest.fixture
def loriol():
    contract = importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract
    contract.is_published = True
    contract.save()
    return contract


@pytest.fixture
def lead(loriol):
    return RoleAssignmentFactory(contract=loriol, role=ContractRole.PROJECT_LEAD).user


@pytest.fixture
def steering(loriol):
    return loriol.bodies.get(code="COPIL")


def _add(steering, lead, **extra):
    values = {"name": NAME, "email": "Odile@Example.org", "role": "member", "voting": True}
    return services.add_person(body=steering, by=lead, **{**values, **extra})


def test_a_person_sits_once_and_the_journal_names_no_one(steering, lead, loriol):
    person = _add(steering, lead, name="  Odile   Quali ")
    assert (person.name, person.email) == (NAME, "odile@example.org")
    with pytest.raises(ValidationError, match="siège déjà"):
        _add(steering, lead, name="odile quali", email="")
    with pytest.raises(ValidationError, match="déjà celle d'un membre"):
        _add(steering, lead, name="Autre", email="odile@example.org")
    with pytest.raises(ValidationError, match="nom de la personne"):
        _add(steering, lead, name="  ", email="")
    events = Event.objects.filter(contract=loriol, verb="body_person_added")
    assert events.count() == 1 and NAME not in events.get().summary


def test_only_the_lead_seats_persons_and_removal_erases_them(steering, lead, loriol):
    delegate = RoleAssignmentFactory(contract=loriol, role=ContractRole.PREFECT_DELEGATE).user
    with pytest.raises(PermissionDenied):
        _add(steering, delegate)
    person = _add(steering, lead)
    services.remove_person(person=person, by=lead)
    assert not BodyPerson.objects.exists()
    assert not any(NAME in e.summary for e in Event.objects.filter(contract=loriol))


def test_the_convocation_goes_to_persons_with_an_address_and_to_newcomers(
    steering, lead, mailoutbox
):
    _add(steering, lead)
    _add(steering, lead, name="Sans Adresse", email="")
    meeting = services.plan_meeting(body=steering, date=DAY, by=lead)
    convocation = services.convene(meeting=meeting, by=lead)
    assert convocation.recipients == 1
    assert [m.to for m in mailoutbox] == [["odile@example.org"]]
    assert "au titre de votre institution" not in mailoutbox[0].body
    with pytest.raises(ValidationError, match="déjà partie"):
        services.convene(meeting=meeting, by=lead)
    _add(steering, lead, name="Nouvelle Venue", email="nouvelle@example.org")
    services.convene(meeting=meeting, by=lead)  # a new person: convened again
    assert sorted(m.to[0] for m in mailoutbox[1:]) == ["nouvelle@example.org", "odile@example.org"]


def test_the_body_page_names_persons_to_the_contract_s_people_only(client, steering, lead, loriol):
    _add(steering, lead)
    url = reverse("governance:body-detail", args=[loriol.slug, "COPIL"])
    public = client.get(url).content.decode()
    assert NAME not in public and "odile@example.org" not in public
    assert "1 personne siège en son nom propre" in public
    client.force_login(RoleAssignmentFactory(contract=loriol, role=ContractRole.CARRIER).user)
    assert NAME in client.get(url).content.decode()
    assert (
        client.post(
            reverse("governance:person-add", args=[loriol.slug, "COPIL"]),
            {"name": "Intrus", "role": "member"},
        ).status_code
        == 403
    )


def test_the_lead_adds_a_person_from_the_body_page_once(client, steering, lead, loriol):
    client.force_login(lead)
    url = reverse("governance:body-detail", args=[loriol.slug, "COPIL"])
    token = client.get(url).context["person_form"]["submission_token"].value()
    data = {
        "name": NAME,
        "quality": "personne qualifiée",
        "email": "",
        "role": "member",
        "voting": "on",
        "submission_token": token,
    }
    add = reverse("governance:person-add", args=[loriol.slug, "COPIL"])
    assert client.post(add, data).status_code == 302
    assert client.post(add, data).status_code == 302  # sent twice: seated once
    assert BodyPerson.objects.get().quality == "personne qualifiée"
    refused = client.post(add, {**data, "name": "", "submission_token": ""})
    assert refused.status_code == 200 and "Ce champ est obligatoire" in refused.content.decode()
    person = BodyPerson.objects.get()
    remove = reverse("governance:person-remove", args=[loriol.slug, "COPIL", person.pk])
    assert client.post(remove).status_code == 302
    assert not BodyPerson.objects.exists()
