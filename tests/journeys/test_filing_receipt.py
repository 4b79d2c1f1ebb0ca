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
from tests.journeys.navigation import confirm, open_call, sign_in_from_home
from tests.programming.factories import submitted_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Jardin partagé des Tilleuls"


def label(text):
    """A field's label, with or without the required marker (" *")."""
    return re.compile(rf"^\s*{re.escape(text)}(\s*\*)?\s*$")


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
    page.get_by_role("link", name="Déposer un dossier", exact=True).click()
    page.get_by_role("textbox", name=re.compile("^Intitulé de l'action")).fill(TITLE)
    page.get_by_role("button", name="Créer le brouillon").click()

    form = page.get_by_role("main")
    form.get_by_label(label("Personne chargée du dossier")).fill("Sam Durand")
    form.get_by_label(label("Courriel de contact")).fill("contact@example.org")
    form.get_by_label(label("Objectifs")).fill("Cultiver ensemble au pied des immeubles.")
    form.get_by_label(label("Description")).fill("Un jardin partagé, deux demi-journées.")
    form.get_by_label(label("Nombre de bénéficiaires prévus")).fill("20")
    form.get_by_label(label("Dont femmes")).fill("12")
    form.get_by_label(label("Dont hommes")).fill("8")
    form.get_by_label(label("Dont habitants des QPV")).fill("15")
    form.get_by_label(label("Début de l'action")).fill(f"{today.year}-03-01")
    form.get_by_label(label("Fin de l'action")).fill(f"{today.year}-11-30")
    form.get_by_label(label("Signataire")).fill("Sam Durand")
    form.get_by_text(re.compile("Je certifie exactes")).click()  # DSFR: the label
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()

    page.get_by_role("link", name="Budget", exact=True).click()
    charges = page.get_by_role("table", name="Charges de l'action")
    charges.get_by_label("Compte, ligne 1").select_option("64")
    charges.get_by_label("Montant (€), ligne 1").fill("5000")
    products = page.get_by_role("table", name=re.compile("^Produits de l'action"))
    products.get_by_label("Compte, ligne 1").select_option("74")
    products.get_by_label("Montant (€), ligne 1").fill("5000")
    products.get_by_label(re.compile("^Financeur sollicité.*ligne 1$")).select_option(str(caf.pk))
    page.get_by_role("button", name="Enregistrer le budget").click()
    expect(page.get_by_text("Le budget enregistré est équilibré.")).to_be_visible()

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
