"""Least privilege on a dossier's personal and bank data (attachments, the RIB, contacts),
and drafts kept out of the contract's journal."""

from decimal import Decimal

import pytest
from django.urls import reverse

from quartiers.programming import permissions, services
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import (
    AttachmentFactory,
    CallForProjectsFactory,
    CallFunderFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db

PHONE = "04 75 00 00 00"
EMAIL = "camille.martin@example.org"


@pytest.fixture
def dossier():
    contract = ContractFactory(is_published=False)
    call = CallForProjectsFactory(contract=contract)
    CallFunderFactory(call=call, envelope=Decimal("12500"))
    caf = call.funders.get().organisation
    application = submitted_application(call, funders=[caf], amounts=[5000], contact_phone=PHONE)
    attachment = AttachmentFactory(application=application, name="rib.pdf")
    return application, caf, attachment


def person(application, caf, who):
    """The person acting as `who` on the dossier's contract."""
    contract = application.contract
    if who == "admin":
        return UserFactory(admin=True)
    if who == "carrier":
        return RoleAssignmentFactory(
            contract=contract, carrier=True, organisation=application.carrier
        ).user
    if who == "asked_funder":
        return RoleAssignmentFactory(
            contract=contract, funder_instructor=True, organisation=caf
        ).user
    if who == "other_funder":
        return RoleAssignmentFactory(
            contract=contract, funder_instructor=True, organisation=OrganisationFactory()
        ).user
    traits = {} if who == "project_lead" else {who: True}
    return RoleAssignmentFactory(contract=contract, **traits).user


def download_url(application, attachment):
    return reverse(
        "programming:attachment-download",
        kwargs={"uuid": application.uuid, "pk": attachment.pk},
    )


ALLOWED = ["admin", "carrier", "project_lead", "prefect_delegate", "asked_funder"]
DENIED = ["citizen_council", "observer"]


@pytest.mark.parametrize("who", ALLOWED)
def test_the_carrier_the_asked_funders_and_steering_see_personal_data(client, dossier, who):
    application, caf, attachment = dossier
    user = person(application, caf, who)
    assert permissions.can_view_personal_data(user, application)
    client.force_login(user)
    page = client.get(application.get_absolute_url()).content.decode()
    assert EMAIL in page and PHONE in page
    assert download_url(application, attachment) in page
    response = client.get(download_url(application, attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="rib.pdf"')


@pytest.mark.parametrize("who", DENIED)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_conseil_citoyen_and_observers_see_no_personal_data(client, dossier, who, method):
    application, caf, attachment = dossier
    user = person(application, caf, who)
    assert not permissions.can_view_personal_data(user, application)
    client.force_login(user)
    response = client.get(application.get_absolute_url())
    assert response.status_code == 200  # the action, its budget, the opinions meant for them
    page = response.content.decode()
    assert application.title in page
    assert EMAIL not in page and PHONE not in page
    assert download_url(application, attachment) not in page
    assert "réservées au porteur" in page
    assert getattr(client, method)(download_url(application, attachment)).status_code == 403


def test_the_instructor_of_a_funder_not_asked_sees_nothing(client, dossier):
    application, caf, attachment = dossier
    user = person(application, caf, "other_funder")
    assert not permissions.can_view_personal_data(user, application)
    client.force_login(user)
    assert client.get(download_url(application, attachment)).status_code == 404


@pytest.mark.parametrize("who", ["project_lead", "prefect_delegate", "admin"])
def test_the_journal_shows_no_draft(client, dossier, who):
    application, caf, _ = dossier
    services.start_application(
        call=application.call, carrier=application.carrier, title="Projet secret"
    )
    client.force_login(person(application, caf, who))
    response = client.get(reverse("access:events", kwargs={"slug": application.contract.slug}))
    assert response.status_code == 200
    assert "Projet secret" not in response.content.decode()
    assert "commencé par" not in response.content.decode()
    assert "déposé" in response.content.decode()  # a submitted dossier is the journal's
