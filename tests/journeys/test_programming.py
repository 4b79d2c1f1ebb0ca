"""Journey: an application from its draft to its bilan.

A carrier files and submits an application; the CAF's and the État's instructors give their
opinions; the comité technique examines it; the comité de pilotage decides; the chef de projet
records the convention and a payment; the carrier sees the decision and files the bilan.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quartiers.access.enums import ContractRole
from quartiers.contracts.models import Partner, Qpv
from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus
from quartiers.programming.models import Application, CallForProjects
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.journeys.navigation import (
    balance_budget,
    confirm,
    draft_dossier,
    label,
    open_call,
    open_call_tab,
    open_home,
    sign_in,
    sign_out,
)
from tests.programming.factories import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Atelier couture et lien social"


def person(email, contract, role, organisation=None):
    user = UserFactory(email=email, first_name=email.split("@")[0].capitalize())
    RoleAssignmentFactory(user=user, contract=contract, role=role, organisation=organisation)
    return user


@pytest.fixture
def programme(loriol):
    """An open call of the Loriol contract, funded by the CAF and the État, and its people."""
    caf = Partner.objects.get(contract=loriol, code="CAF").organisation
    etat = Partner.objects.get(contract=loriol, code="ETAT").organisation
    Qpv.objects.get_or_create(contract=loriol, name="Cœur de Loriol")
    today = timezone.localdate()
    call = services.create_call(
        contract=loriol,
        year=today.year,
        title=f"Appel à projets {today.year}",
        opens_on=today - datetime.timedelta(days=20),
        deadline=timezone.now() + datetime.timedelta(days=10),
        min_qpv_share=Decimal("60"),
    )
    call.funders.create(organisation=caf, envelope=Decimal("30000"))
    call.funders.create(organisation=etat, envelope=Decimal("60000"))
    call.required_attachments.create(label="Statuts de l'association", mandatory=True)
    call.criteria.create(label="Réponse aux besoins du quartier", max_score=4)
    services.open_call(call=call)
    association = OrganisationFactory(association=True, name="Fil et Aiguille (fictive)")
    return {
        "call": call,
        "caf": caf,
        "etat": etat,
        "carrier": person("porteuse@example.org", loriol, ContractRole.CARRIER, association),
        "caf_instructor": person(
            "instructrice-caf@example.org", loriol, ContractRole.FUNDER_INSTRUCTOR, caf
        ),
        "etat_instructor": person(
            "instructeur-etat@example.org", loriol, ContractRole.FUNDER_INSTRUCTOR, etat
        ),
        "lead": person("cheffe@example.org", loriol, ContractRole.PROJECT_LEAD),
    }


def test_from_the_draft_to_the_bilan(live_server, page, programme):
    url = live_server.url
    call = programme["call"]
    today = timezone.localdate()

    # --- The carrier files and submits an application.
    open_home(page, url)
    sign_in(page, "porteuse@example.org")
    open_call(page, call)
    draft_dossier(
        page,
        title=TITLE,
        contact="Rose Martin",
        email="rose@example.org",
        objectives="Créer du lien autour de la couture.",
        description="Deux ateliers par semaine au centre.",
        people=(40, 30, 10, 32),
        period=(datetime.date(today.year, 1, 15), datetime.date(today.year, 12, 15)),
    )
    balance_budget(page, asked=[(programme["caf"], 4000), (programme["etat"], 6000)])

    page.get_by_role("link", name="Pièces jointes", exact=True).click()
    page.get_by_label(label("Pièce")).select_option(label="Statuts de l'association")
    page.get_by_label(re.compile(r"^\s*Fichier")).set_input_files(
        {"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Ajouter la pièce").click()
    expect(page.get_by_text("Pièce « statuts.pdf » ajoutée.")).to_be_visible()

    page.get_by_role("link", name="Dossier", exact=True).click()
    confirm(page, "Déposer le dossier")
    expect(page.get_by_role("main")).to_contain_text("Déposé")
    application = Application.objects.get(title=TITLE)
    assert application.status == ApplicationStatus.SUBMITTED
    sign_out(page)

    # --- The deadline passes; the chef de projet closes the call and starts the instruction.
    CallForProjects.objects.filter(pk=call.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    sign_in(page, "cheffe@example.org")
    open_call(page, call)
    confirm(page, "Clore et lancer l’instruction")
    sign_out(page)

    # --- Each funder's instructor gives an opinion.
    for email, amount in [
        ("instructrice-caf@example.org", "4000"),
        ("instructeur-etat@example.org", "5000"),
    ]:
        sign_in(page, email)
        open_call(page, call, "Instruction et comités")
        page.get_by_role("link", name=f"Instruire « {TITLE} »").click()
        page.get_by_label(label("Avis")).select_option("favourable")
        page.get_by_label(label("Montant proposé (€)")).fill(amount)
        page.get_by_label(re.compile(r"^\s*Réponse aux besoins du quartier")).fill("3")
        page.get_by_label(re.compile(r"^\s*Commentaire partagé")).fill("Action utile.")
        page.get_by_role("button", name="Enregistrer l'avis").click()
        expect(page.get_by_text(re.compile("^Avis de .* enregistré"))).to_be_visible()
        sign_out(page)

    # --- The comité technique examines it, the comité de pilotage decides.
    sign_in(page, "cheffe@example.org")
    open_call(page, call, "Instruction et comités")
    page.get_by_role("link", name="Créer une séance").click()
    page.get_by_label(label("Instance")).select_option("technical")
    page.get_by_label(label("Date de la séance")).fill(today.isoformat())
    page.get_by_role("button", name="Créer la séance").click()
    page.get_by_label(f"Avis du comité technique — {TITLE}").select_option("favourable")
    page.get_by_role("button", name="Enregistrer les avis de la séance").click()
    expect(page.get_by_text("Séance enregistrée : 1 avis.")).to_be_visible()

    open_call_tab(page, "Instruction et comités")
    page.get_by_role("link", name="Créer une séance").click()
    page.get_by_label(label("Instance")).select_option("steering")
    page.get_by_label(label("Date de la séance")).fill(today.isoformat())
    page.get_by_role("button", name="Créer la séance").click()
    for funder, amount in [(programme["caf"], "4000"), (programme["etat"], "5000")]:
        page.get_by_label(f"Décision — {TITLE} — {funder.name}").select_option("granted")
        page.get_by_label(f"Montant accordé — {TITLE} — {funder.name}").fill(amount)
        page.get_by_label(f"Motivation — {TITLE} — {funder.name}").fill("Conforme.")
    page.get_by_role("button", name="Enregistrer les décisions de la séance").click()
    expect(page.get_by_text("Séance enregistrée : 2 décisions.")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED

    # --- The chef de projet records the multi-funder convention and the CAF's payment.
    open_call_tab(page, "Instruction et comités")
    page.get_by_role("table", name=re.compile("^Tous les dossiers déposés")).get_by_role(
        "link", name=TITLE
    ).click()
    page.get_by_role("link", name="Enregistrer une convention").click()
    for funder in (programme["caf"], programme["etat"]):  # DSFR checkboxes: click the label
        page.get_by_text(re.compile(f"^{re.escape(str(funder))} — ")).click()
    page.get_by_label(label("Signée le")).fill(today.isoformat())
    page.get_by_role("button", name="Enregistrer la convention").click()
    expect(page.get_by_text(re.compile("^Convention du .* enregistrée"))).to_be_visible()
    page.get_by_role("link", name="Enregistrer un versement").click()
    page.get_by_label(label("Financeur")).select_option(str(programme["caf"].pk))
    page.get_by_label(label("Nature du versement")).select_option("single")
    page.get_by_label(label("Montant (€)")).fill("4000")
    page.get_by_label(label("Payé le")).fill(today.isoformat())
    page.get_by_role("button", name="Enregistrer le versement").click()
    # The CAF has paid its share, the État not yet: the dossier is not settled.
    expect(page.get_by_role("main")).to_contain_text("Acompte versé")
    sign_out(page)

    # --- The carrier sees the decision and files the bilan.
    sign_in(page, "porteuse@example.org")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    page.get_by_role("main").get_by_role("link", name=TITLE).click()
    decisions = page.get_by_role("table", name="Décisions par financeur")
    expect(decisions).to_contain_text("4\u00a0000,00\u00a0€")
    expect(decisions).to_contain_text("5\u00a0000,00\u00a0€")
    letter = page.get_by_role("link", name=re.compile("Télécharger la lettre de décision"))
    response = page.request.get(url + letter.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    page.get_by_role("link", name="Déposer le bilan").click()
    expect(page).to_have_title(re.compile("^Bilan de l’action"))
    page.get_by_label(re.compile(r"^\s*Bilan qualitatif")).fill(
        "Trente-huit participantes assidues."
    )
    page.get_by_label(label("Nombre total de participants")).fill("38")
    page.get_by_label(label("dont femmes")).fill("30")
    page.get_by_label(label("dont hommes")).fill("8")
    page.get_by_label(label("dont de 26 à 64 ans")).fill("38")
    page.get_by_label(re.compile("Cœur de Loriol")).fill("31")
    page.get_by_label(re.compile(r"^\s*Total des charges réalisées")).fill("9800")
    page.get_by_label(re.compile(r"^\s*Total des produits réalisés")).fill("9800")
    page.get_by_role("button", name="Déposer le bilan").click()
    expect(page.get_by_text("Bilan déposé : merci !")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Bilan reçu")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REPORT_RECEIVED
    assert application.report.participants_by_qpv == {"Cœur de Loriol": 31}
