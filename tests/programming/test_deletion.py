"""Archiving a contract (read-only) and deleting it with everything it owns."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from quartiers.access import services as access
from quartiers.access.enums import ContractRole
from quartiers.access.models import Event, RoleAssignment
from quartiers.contracts import services as contract_services
from quartiers.contracts.models import Contract, Engagement, SourceDocument
from quartiers.programming import services
from quartiers.programming.models import (
    Application,
    Attachment,
    CallForProjects,
    FundingRequest,
    Payment,
)
from quartiers.protocol_import import services as import_services
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.conftest import SEED
from tests.contracts.factories import ContractFactory
from tests.programming.factories import ApplicationFactory, AttachmentFactory
from tests.programming.followup_helpers import funded_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(admin=True)


@pytest.fixture
def lead(loriol):
    user = UserFactory()
    access.grant_role(contract=loriol, user=user, role=ContractRole.PROJECT_LEAD, by=None)
    return user


@pytest.fixture
def paid(loriol):
    """A dossier of Loriol granted, under convention and paid, with an attachment."""
    caf = loriol.partners.get(code="CAF").organisation
    application = funded_application(contract=loriol, funders=[caf], amounts=[5000])
    AttachmentFactory(application=application)
    return application


# --------------------------------------------------------------------------- archive


def test_the_project_lead_archives_and_only_an_admin_unarchives(loriol, lead, admin):
    access.archive_contract(contract=loriol, by=lead)
    loriol.refresh_from_db()
    assert loriol.is_archived
    with pytest.raises(ValidationError, match="déjà archivé"):
        access.archive_contract(contract=loriol, by=lead)
    with pytest.raises(ValidationError, match="administrateur"):
        access.unarchive_contract(contract=loriol, by=lead)
    access.unarchive_contract(contract=loriol, by=admin)
    loriol.refresh_from_db()
    assert not loriol.is_archived
    verbs = list(Event.objects.filter(contract=loriol).values_list("verb", flat=True))
    assert {"contract_archived", "contract_unarchived"} <= set(verbs)


def test_other_roles_do_not_archive(loriol):
    delegate = UserFactory()
    access.grant_role(contract=loriol, user=delegate, role=ContractRole.PREFECT_DELEGATE, by=None)
    with pytest.raises(ValidationError):
        access.archive_contract(contract=loriol, by=delegate)
    assert not Contract.objects.get(pk=loriol.pk).is_archived


def test_every_write_to_an_archived_contract_is_refused(loriol, lead, paid):
    draft = ApplicationFactory(call=paid.call, carrier=paid.carrier)
    access.archive_contract(contract=loriol, by=lead)
    read_only = "est archivé : il est en lecture seule"
    writes = [
        lambda: services.save_draft(application=draft),
        lambda: services.set_budget(application=draft, lines=[]),
        lambda: services.submit_application(application=draft),
        lambda: services.start_application(
            call=paid.call, carrier=paid.carrier, title="Nouvelle action"
        ),
        lambda: services.open_call(call=paid.call, by=lead),
        lambda: services.copy_call_to_next_year(call=paid.call, by=lead),
        lambda: services.record_payment(
            convention=paid.conventions.get(),
            funder=paid.funding_requests.get().funder,
            kind="balance",
            amount=1,
            paid_on=paid.call.opens_on,
        ),
        lambda: access.grant_role(
            contract=loriol, user=UserFactory(), role=ContractRole.OBSERVER, by=lead
        ),
        lambda: access.revoke_role(assignment=loriol.role_assignments.first(), by=None),
        lambda: access.review_import_warning(warning=loriol.import_warnings.first(), by=lead),
        lambda: contract_services.publish_contract(contract=loriol, published=False),
        lambda: import_services.apply_import(name=SEED.name, data=SEED.read_bytes()),
    ]
    for write in writes:
        with pytest.raises(ValidationError, match=read_only):
            write()


def test_an_archived_contract_is_still_read_and_labelled(client, loriol, lead):
    access.archive_contract(contract=loriol, by=lead)
    client.force_login(lead)
    page = client.get(loriol.get_absolute_url())
    assertContains(page, "Contrat archivé")
    assertContains(page, "Désarchiver", count=0)  # the lead does not unarchive
    assertContains(client.get(reverse("contracts:contract-list")), "archivé")
    assertContains(client.get(reverse("access:my-roles")), "archivé")


def test_an_archived_contract_offers_no_form_its_services_would_refuse(client, loriol, lead):
    client.force_login(lead)
    roles = reverse("access:contract-roles", kwargs={"slug": loriol.slug})
    upload = reverse("protocol_import:import", kwargs={"slug": loriol.slug})
    assertContains(client.get(roles), "Inviter et attribuer le rôle")
    assertContains(client.get(upload), "Analyser le document")
    access.archive_contract(contract=loriol, by=lead)
    page = client.get(roles)
    assertContains(page, "on n’y invite plus personne")
    assertContains(page, "Inviter et attribuer le rôle", count=0)
    assertContains(page, "Retirer", count=0)
    page = client.get(upload)
    assertContains(page, "n’accepte pas d’import")
    assertContains(page, "Analyser le document", count=0)


@pytest.mark.parametrize(
    ("role", "archives"), [("lead", True), ("admin", True), ("delegate", False)]
)
def test_archive_button_and_view_per_role(client, loriol, lead, admin, role, archives):
    delegate = UserFactory()
    access.grant_role(contract=loriol, user=delegate, role=ContractRole.PREFECT_DELEGATE, by=None)
    user = {"lead": lead, "admin": admin, "delegate": delegate}[role]
    client.force_login(user)
    url = reverse("contracts:contract-archive", kwargs={"slug": loriol.slug})
    page = client.get(loriol.get_absolute_url())
    assert (url in page.content.decode()) is archives
    assert client.get(url).status_code == 405
    response = client.post(url)
    if archives:
        assertRedirects(response, loriol.get_absolute_url())
    else:
        assert response.status_code == 403
    assert Contract.objects.get(pk=loriol.pk).is_archived is archives


def test_only_an_admin_unarchives_through_the_page(client, loriol, lead, admin):
    access.archive_contract(contract=loriol, by=lead)
    url = reverse("contracts:contract-unarchive", kwargs={"slug": loriol.slug})
    client.force_login(lead)
    assert client.post(url).status_code == 403
    client.force_login(admin)
    assertContains(client.get(loriol.get_absolute_url()), url)
    assertRedirects(client.post(url), loriol.get_absolute_url())
    assert not Contract.objects.get(pk=loriol.pk).is_archived


# --------------------------------------------------------------------------- deletion


def test_deleting_a_contract_removes_its_rows_and_files_and_spares_the_others(
    loriol, admin, paid, caplog, django_capture_on_commit_callbacks
):
    other = ContractFactory()
    kept = AttachmentFactory(application=ApplicationFactory(contract=other))
    names = list(Attachment.objects.filter(application=paid).values_list("file", flat=True))
    assert names and all(default_storage.exists(name) for name in names)
    documents = set(SourceDocument.objects.values_list("pk", flat=True))
    with caplog.at_level(logging.WARNING, logger="quartiers.programming.services.deletion"):
        with pytest.raises(ValidationError, match="saisissez l'identifiant"):
            services.delete_contract(contract=loriol, by=admin, confirmation="autre")
        with django_capture_on_commit_callbacks(execute=True):
            counts = services.delete_contract(contract=loriol, by=admin, confirmation=loriol.slug)
    assert not Contract.objects.filter(pk=loriol.pk).exists()
    assert not Application.objects.filter(contract_id=loriol.pk).exists()
    assert (
        not Payment.objects.exists()
        and not FundingRequest.objects.filter(application__contract_id=loriol.pk).exists()
    )
    assert not CallForProjects.objects.filter(contract_id=loriol.pk).exists()
    assert not Engagement.objects.filter(contract_id=loriol.pk).exists()
    assert not RoleAssignment.objects.filter(contract_id=loriol.pk).exists()
    assert not Event.objects.filter(contract_id=loriol.pk).exists()
    assert not SourceDocument.objects.filter(pk__in=documents).exists()
    assert not any(default_storage.exists(name) for name in names)
    assert counts["programming.Application"] == 1
    # The other contract is intact, its file included.
    assert Application.objects.filter(contract=other).count() == 1
    assert default_storage.exists(Attachment.objects.get(pk=kept.pk).file.name)
    assert f"Contract {loriol.slug}" in caplog.text and admin.email in caplog.text


def test_deleting_a_contract_takes_its_bodies_meetings_register_council_and_fund():
    """The governance and participation rows protect each other (a draw its volunteers, a
    meeting its body, a decision its meeting): within a deleted contract they go together."""
    from quartiers.governance.models import Body, Decision, Meeting, Minutes
    from quartiers.participation.models import Draw, MicroProject, ResidentsFund
    from tests.access_matrix.world import build_world

    world = build_world()
    contract = world.contract
    owned = {
        Body: Body.objects.filter(contract=contract),
        Meeting: Meeting.objects.filter(contract=contract),
        Decision: Decision.objects.filter(contract=contract),
        Minutes: Minutes.objects.filter(meeting__contract=contract),
        Draw: Draw.objects.filter(contract=contract),
        ResidentsFund: ResidentsFund.objects.filter(contract=contract),
        MicroProject: MicroProject.objects.filter(contract=contract),
    }
    assert all(rows.exists() for rows in owned.values()), "the world holds each kind of row"
    admin = UserFactory(is_superuser=True, is_staff=True)
    services.delete_contract(contract=contract, by=admin, confirmation=contract.slug)
    assert {model: rows.count() for model, rows in owned.items()} == dict.fromkeys(owned, 0)


def test_only_a_platform_admin_deletes(loriol, lead):
    with pytest.raises(ValidationError, match="administrateur"):
        services.delete_contract(contract=loriol, by=lead, confirmation=loriol.slug)
    assert Contract.objects.filter(pk=loriol.pk).exists()


@pytest.mark.parametrize("role", ["lead", "admin", "carrier"])
def test_the_deletion_page_per_role(client, loriol, lead, admin, paid, role):
    carrier = UserFactory()
    access.grant_role(
        contract=loriol,
        user=carrier,
        role=ContractRole.CARRIER,
        by=None,
        organisation=OrganisationFactory(association=True),
    )
    client.force_login({"lead": lead, "admin": admin, "carrier": carrier}[role])
    url = reverse("programming:contract-delete", kwargs={"slug": loriol.slug})
    if role != "admin":
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirmation": loriol.slug}).status_code == 403
        assert Contract.objects.filter(pk=loriol.pk).exists()
        return
    assertContains(client.get(loriol.get_absolute_url()), url)
    assertContains(client.get(url), loriol.slug)
    response = client.post(url, {"confirmation": "pas-le-bon"})
    assertContains(response, "saisissez l&#x27;identifiant du contrat")
    assert Contract.objects.filter(pk=loriol.pk).exists()
    response = client.post(url, {"confirmation": loriol.slug}, follow=True)
    assertRedirects(response, reverse("contracts:contract-list"))
    assertContains(response, "a été supprimé")
    assert not Contract.objects.filter(pk=loriol.pk).exists()
