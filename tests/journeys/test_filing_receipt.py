"""Journeys: a carrier files a dossier, confirms in the modal and gets the accusé de réception;
a carrier withdraws a dossier (confirmed) and restores it before the deadline."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from quartiers.access.enums import ContractRole
from quartiers.contracts.models import Partner
from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus
from quartiers.programming.models import Application
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.journeys.navigation import (
    balance_budget,
    confirm,
    draft_dossier,
    open_call,
    sign_in_from_home,
)
from tests.programming.factories import submitted_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Jardin partagé des Tilleuls"


@pytest.fixture
def open_call_of(loriol):
    """An open call of the Loriol contract, funded by the CAF, and a carrier on it."""
    caf = Partner.objects.get(contract=loriol, code="CAF").organisation
    today = timezone.localdate()
    call = services.create_call(
        contract=loriol,
        year=today.year,
        title=f"Appel à projets {today.year}",
        opens_on=today - datetime.timedelta(days=20),
        deadline=timezone.now() + datetime.timedelta(days=10),
        min_qpv_share=Decimal("0"),
    )
    call.funders.create(organisation=caf, envelope=Decimal("30000"))
    services.open_call(call=call)
    association = OrganisationFactory(association=True, name="Les Jardiniers (fictive)")
    user = UserFactory(email="porteur@example.org", first_name="Sam")
    RoleAssignmentFactory(
        user=user, contract=loriol, role=ContractRole.CARRIER, organisation=association
    )
    return {"call": call, "caf": caf, "association": association, "user": user}


def test_the_carrier_files_a_dossier_and_gets_the_receipt(live_server, page, open_call_of):
    call, caf = open_call_of["call"], open_call_of["caf"]
    today = timezone.localdate()
    sign_in_from_home(page, live_server.url, "porteur@example.org")
    open_call(page, call)
    draft_dossier(
        page,
        title=TITLE,
        contact="Sam Durand",
        email="contact@example.org",
        objectives="Cultiver ensemble au pied des immeubles.",
        description="Un jardin partagé, deux demi-journées.",
        people=(20, 12, 8, 15),
        period=(datetime.date(today.year, 3, 1), datetime.date(today.year, 11, 30)),
    )
    balance_budget(page, asked=[(caf, 5000)])

    page.get_by_role("link", name="Dossier", exact=True).click()
    # The button only opens the confirmation: cancelling files nothing.
    page.get_by_role("main").get_by_role("button", name="Déposer le dossier").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("n’est plus modifiable")
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_be_hidden()
    assert Application.objects.get(title=TITLE).status == ApplicationStatus.DRAFT

    confirm(page, "Déposer le dossier")
    expect(page.get_by_text(re.compile(r"^Dossier déposé le \d\d/\d\d/\d{4} à "))).to_be_visible()
    application = Application.objects.get(title=TITLE)
    assert application.status == ApplicationStatus.SUBMITTED
    version = application.versions.get()
    receipt = page.get_by_role("region", name="Accusé de réception")
    expect(receipt).to_contain_text(application.reference)
    expect(page.get_by_role("main")).to_contain_text(version.fingerprint)
    with page.expect_download() as download:
        receipt.get_by_role("link", name=re.compile("Télécharger l’accusé de réception")).click()
    assert download.value.suggested_filename.endswith("-v1.pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert [sorted(m.to) for m in mail.outbox] == [["contact@example.org", "porteur@example.org"]]


def test_the_carrier_withdraws_then_restores_a_dossier(live_server, page, open_call_of):
    call, caf = open_call_of["call"], open_call_of["caf"]
    submitted_application(
        call, carrier=open_call_of["association"], funders=[caf], amounts=[2000], title=TITLE
    )
    sign_in_from_home(page, live_server.url, "porteur@example.org")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    page.get_by_role("main").get_by_role("link", name=TITLE).click()
    confirm(
        page,
        page.get_by_role("button", name=f"Retirer le dossier « {TITLE} »"),
        "Retirer le dossier",
    )
    expect(page.get_by_text("Dossier retiré.")).to_be_visible()
    assert Application.objects.get(title=TITLE).status == ApplicationStatus.WITHDRAWN

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(re.compile("retiré", re.IGNORECASE))
    confirm(
        page,
        row.get_by_role("button", name=f"Rétablir le dossier « {TITLE} »"),
        "Rétablir le dossier",
    )
    expect(page.get_by_text("Dossier rétabli : il est de nouveau « déposé »")).to_be_visible()
    assert Application.objects.get(title=TITLE).status == ApplicationStatus.SUBMITTED
