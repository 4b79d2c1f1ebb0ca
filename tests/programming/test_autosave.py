"""Autosave of the application draft (htmx): `programming:application-autosave`."""

import pytest
from django.urls import reverse

from quartiers.programming.enums import ApplicationStatus
from tests.access.factories import RoleAssignmentFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import (
    ApplicationFactory,
    CallForProjectsFactory,
    submitted_application,
)
from tests.programming.test_views_calls_applications import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return CallForProjectsFactory(contract=ContractFactory(is_published=False))


@pytest.fixture
def carrier(client, call):
    assignment = RoleAssignmentFactory(contract=call.contract, carrier=True)
    client.force_login(assignment.user)
    client.organisation = assignment.organisation
    return client


@pytest.fixture
def draft(carrier, call):
    return ApplicationFactory(call=call, carrier=carrier.organisation, title="Atelier couture")


def edit_url(application):
    return reverse("programming:application-edit", kwargs={"uuid": application.uuid})


def autosave_url(application):
    return reverse("programming:application-autosave", kwargs={"uuid": application.uuid})


def test_a_valid_edit_is_saved(carrier, draft):
    data = {**form_data(carrier.get(edit_url(draft))), "title": "Atelier couture solidaire"}
    response = carrier.post(autosave_url(draft), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Brouillon enregistré à" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Atelier couture solidaire"
    assert draft.status == ApplicationStatus.DRAFT


def test_invalid_data_saves_nothing_and_lists_the_fields(carrier, draft):
    data = {
        **form_data(carrier.get(edit_url(draft))),
        "title": "Titre jamais enregistré",
        "contact_email": "pas-une-adresse",
    }
    response = carrier.post(autosave_url(draft), data)
    assert response.status_code == 200  # htmx swaps 2xx answers only
    content = " ".join(response.content.decode().split())
    assert "Brouillon non enregistré" in content
    assert "Courriel de contact : Saisissez une adresse e-mail valide." in content
    draft.refresh_from_db()
    assert draft.title == "Atelier couture"


def test_another_carrier_gets_404(client, call, draft):
    stranger = RoleAssignmentFactory(contract=call.contract, carrier=True).user
    client.force_login(stranger)
    response = client.post(autosave_url(draft), {"title": "Intrus"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Atelier couture"


def test_a_submitted_application_is_not_changed(carrier, call):
    application = submitted_application(call, carrier=carrier.organisation)
    title = application.title
    response = carrier.post(autosave_url(application), {"title": "Modifié après dépôt"})
    assert response.status_code == 200
    assert "Ce dossier est déposé : il n&#x27;est plus modifiable." in response.content.decode()
    application.refresh_from_db()
    assert application.title == title
    assert application.status == ApplicationStatus.SUBMITTED


def test_get_is_not_allowed(carrier, draft):
    assert carrier.get(autosave_url(draft)).status_code == 405
