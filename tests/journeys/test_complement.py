"""Journey: the instruction talks back. The CAF's instructor asks the carrier for a complement
on a filed dossier; the carrier sees the notification, corrects the point named and resubmits;
the instructor then gives her opinion."""

import re

import pytest
from playwright.sync_api import expect

from quartiers.access.enums import ContractRole
from quartiers.contracts.models import Partner
from quartiers.programming.enums import ApplicationStatus
from quartiers.programming.models import Application
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.journeys.navigation import open_home, sign_in, sign_out
from tests.programming.factories import (
    CallForProjectsFactory,
    CallFunderFactory,
    submitted_application,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Atelier vélo du quartier"


def label(text):
    return re.compile(rf"^\s*{re.escape(text)}(\s*\*)?\s*$")


def person(email, contract, role, organisation=None):
    user = UserFactory(email=email, first_name=email.split("@")[0].capitalize())
    RoleAssignmentFactory(user=user, contract=contract, role=role, organisation=organisation)
    return user


def test_a_complement_asked_corrected_and_resubmitted(live_server, page, loriol):
    caf = Partner.objects.get(contract=loriol, code="CAF").organisation
    call = CallForProjectsFactory(contract=loriol)
    CallFunderFactory(call=call, organisation=caf)
    association = OrganisationFactory(association=True, name="Roue libre (fictive)")
    person("porteuse@example.org", loriol, ContractRole.CARRIER, association)
    person("instructrice-caf@example.org", loriol, ContractRole.FUNDER_INSTRUCTOR, caf)
    submitted_application(call, association, funders=[caf], amounts=[4000], title=TITLE)

    # --- The CAF's instructor finds the request in « Mon espace », then in her inbox.
    open_home(page, live_server.url)
    sign_in(page, "instructrice-caf@example.org")
    page.get_by_role("main").get_by_role(
        "link", name=f"{call.title} : 1 demande à {caf.name} en attente de votre avis"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers à instruire")
    page.get_by_role("main").get_by_role("link", name=TITLE, exact=True).click()
    page.get_by_role("link", name="Demander un complément").click()
    page.get_by_text("description de l'action et mise en œuvre").click()  # DSFR: the label
    page.get_by_label(re.compile(r"^\s*Message au porteur")).fill(
        "Précisez les objectifs de l'action."
    )
    page.get_by_role("button", name="Demander le complément").click()
    expect(
        page.get_by_text(re.compile("^Complément demandé : le porteur est prévenu"))
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("En attente de la réponse du porteur")
    sign_out(page)

    # --- The carrier sees the notification and corrects the point named, only that one.
    sign_in(page, "porteuse@example.org")
    page.get_by_role("banner").get_by_role(
        "link", name=re.compile("^Notifications \\(1 non lue\\)")
    ).click()
    page.get_by_role("link", name=re.compile("Un complément est demandé")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("navigation", name="Pages du dossier").get_by_role(
        "link", name="Formulaire"
    ).click()
    expect(page.get_by_label(label("Personne chargée du dossier"))).to_be_disabled()
    page.get_by_label(label("Objectifs")).fill("Apprendre à réparer son vélo, en famille.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text(re.compile("^Corrections enregistrées"))).to_be_visible()
    page.get_by_role("navigation", name="Pages du dossier").get_by_role(
        "link", name="Dossier"
    ).click()
    page.get_by_label(re.compile(r"^\s*Votre réponse")).fill("Objectifs précisés.")
    page.get_by_role("button", name="Renvoyer le dossier complété").click()
    expect(
        page.get_by_text(re.compile("^Dossier complété et renvoyé \\(version 2\\)"))
    ).to_be_visible()
    application = Application.objects.get(title=TITLE)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.objectives == "Apprendre à réparer son vélo, en famille."
    sign_out(page)

    # --- The instructor, told in her notifications, gives her opinion beside the dossier.
    sign_in(page, "instructrice-caf@example.org")
    expect(page.get_by_role("banner")).to_contain_text("1 non lue")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Dossiers à instruire"
    ).click()
    page.get_by_role("link", name=f"Instruire « {TITLE} »").click()
    expect(page.get_by_role("main")).to_contain_text("Apprendre à réparer son vélo")
    page.get_by_label(label("Avis")).select_option("favourable")
    page.get_by_label(label("Montant proposé (€)")).fill("4000")
    page.get_by_role("button", name="Enregistrer l'avis").click()
    expect(page.get_by_text(re.compile("^Avis de .* enregistré"))).to_be_visible()
