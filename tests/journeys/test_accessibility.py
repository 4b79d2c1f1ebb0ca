"""axe-core, injected by Playwright, on the pages each role uses: no serious or critical
violation. Every page is reached from `/` by clicks only, in the demo's data.

To check one more page, add a `Visit` to `VISITS`: who (a demo person's local part, or None
for an anonymous visitor), how to get there by clicks from the page reached after signing in
(« Mon espace », or the home page when anonymous), and the window's width. Pages of a call
are those of the demo's call in instruction (its dossiers, sessions, programming table); the
carrier's draft is his on the call open for filing.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from quartiers.demo import services as demo
from quartiers.demo.catalogue import DEMO_ASSOCIATION, DEMO_DOMAIN
from quartiers.demo.people import DEMO_PASSWORD, DEMO_PEOPLE
from quartiers.programming.enums import ApplicationStatus, CallStatus
from quartiers.programming.models import Application, CallForProjects
from tests.journeys.navigation import go_home, open_call, open_contract, open_home, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
PHONE = 390


@dataclass(frozen=True)
class Visit:
    label: str
    who: str | None  # a demo person's local part (DEMO_PEOPLE, "admin"); None: anonymous
    clicks: Callable  # clicks(page, demo): from where signing in lands to the page to check
    width: int = 1280


@dataclass(frozen=True)
class Demo:
    instruction: CallForProjects  # the call in instruction, its committees ahead
    draft_title: str  # the demo carrier's draft on the call open for filing


def open_instruction(page, demo):
    open_call(page, demo.instruction, tab="Instruction et comités")


def open_inbox(page, demo):
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Dossiers à instruire"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers à instruire")


def open_session(page, demo):
    open_instruction(page, demo)
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^Comité .* du ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("omité")


def open_programming_table(page, demo):
    open_call(page, demo.instruction, tab="Tableau de programmation")


def open_dossier(page, demo):
    open_instruction(page, demo)
    page.get_by_role("table", name=re.compile("^Tous les dossiers déposés")).get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_role("navigation", name="Pages du dossier")).to_be_visible()


def open_own_draft(page, demo):
    """From « Mon espace », where signing in lands: the draft's item opens its form."""
    page.get_by_role("main").get_by_role(
        "link", name=f"Brouillon : {demo.draft_title}", exact=True
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo.draft_title)


def open_budget(page, demo):
    open_own_draft(page, demo)
    page.get_by_role("navigation", name="Pages du dossier").get_by_role(
        "link", name="Budget", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Budget prévisionnel")


def home(page, demo):
    go_home(page)


def open_contract_page(page, demo, name):
    open_contract(page, demo.instruction.contract)
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name=name, exact=True
    ).click()


def open_workshop_meeting(page, demo):
    """The demo's thematic workshop, three weeks ahead, with its agenda and forms."""
    open_contract_page(page, demo, "Instances")
    page.get_by_role("main").get_by_role("link", name="Ateliers thématiques").click()
    weekday = re.compile(r"^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) ")
    page.get_by_role("main").get_by_role("link", name=weekday).first.click()
    expect(page.get_by_role("heading", level=2, name="Ordre du jour")).to_be_visible()


def open_draft_minutes(page, demo):
    """The draft minutes of the demo's last comité de pilotage, with their form."""
    open_contract_page(page, demo, "Instances")
    page.get_by_role("main").get_by_role("link", name="Comité de pilotage", exact=True).click()
    weekday = re.compile(r"^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) ")
    past = page.locator("h3:text-is('Passées') + ul")
    past.get_by_role("link", name=weekday).first.click()  # the latest held
    page.get_by_role("link", name="Modifier le projet de compte rendu").click()
    expect(page.get_by_role("heading", level=2, name="Modifier le projet")).to_be_visible()


def open_approved_minutes(page, demo):
    """Approved minutes, read by the public from the contract's page."""
    open_contract_page(page, demo, "Instances")
    page.get_by_role("link", name="Comptes rendus approuvés des réunions").click()
    page.get_by_role("main").get_by_role("link", name=re.compile("^Compte rendu du ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compte rendu")


def open_register(page, demo):
    """The register of decisions, searched by the public."""
    open_contract_page(page, demo, "Décisions")
    page.get_by_role("textbox", name="Rechercher (numéro, intitulé, texte)").fill("COPIL")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registre des décisions")


def open_council(page, demo):
    open_contract_page(page, demo, "Conseil citoyen")
    expect(page.get_by_role("heading", level=1)).to_contain_text("onseil citoyen")


def open_fund(page, demo):
    open_contract_page(page, demo, "Fonds des habitants")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fonds de participation des habitants"
    )


def open_fph_request(page, demo):
    open_fund(page, demo)
    page.get_by_role("main").get_by_role("link", name="Déposer une demande").click()


def open_fund_committee(page, demo):
    open_fund(page, demo)
    page.get_by_role("main").get_by_role("link", name="Espace du comité").click()


def open_micro_project(page, demo):
    """A request awaiting the committee: the group's contact and the vote's form."""
    open_fund_committee(page, demo)
    page.get_by_role("table", name="Demandes à examiner").get_by_role("link").first.click()


LEAD = "cheffe-de-projet"
VISITS = [
    Visit("accueil, sans connexion", None, lambda page, call: None),
    *(Visit(f"accueil de {who}", who, home) for who in ["admin", *(p[0] for p in DEMO_PEOPLE)]),
    Visit("liste d'instruction", LEAD, open_instruction),
    Visit("liste d'instruction de la CAF", "instructrice-caf", open_instruction),
    Visit("dossiers à instruire de la CAF", "instructrice-caf", open_inbox),
    Visit("séance de comité", LEAD, open_session),
    Visit("tableau de programmation", LEAD, open_programming_table),
    Visit("dossier", LEAD, open_dossier),
    Visit("réunion d'une instance", LEAD, open_workshop_meeting),
    Visit("projet de compte rendu", LEAD, open_draft_minutes),
    Visit("compte rendu approuvé, sans connexion", None, open_approved_minutes),
    Visit("registre des décisions, sans connexion", None, open_register),
    Visit("conseil citoyen", LEAD, open_council),
    Visit("fonds des habitants, sans connexion", None, open_fund),
    Visit("demande au fonds des habitants, téléphone", None, open_fph_request, width=PHONE),
    Visit("comité du fonds des habitants", LEAD, open_fund_committee),
    Visit("demande examinée par le comité", LEAD, open_micro_project),
    Visit("formulaire du porteur, téléphone", "porteur", open_own_draft, width=PHONE),
    Visit("budget du porteur, téléphone", "porteur", open_budget, width=PHONE),
]


@pytest.fixture
def the_demo():
    """The demo loaded: its call in instruction and the demo carrier's draft."""
    demo.load(apply=True)
    draft = Application.objects.filter(
        call__status=CallStatus.OPEN, carrier__name=DEMO_ASSOCIATION, status=ApplicationStatus.DRAFT
    ).first()
    instruction = CallForProjects.objects.filter(status=CallStatus.CLOSED).latest("year")
    return Demo(instruction=instruction, draft_title=draft.title)


def violations(page) -> list[str]:
    response = Axe().run(page).response
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in response["violations"]
        if violation["impact"] in BLOCKING
    ]


def test_no_serious_or_critical_axe_violation(live_server, browser, the_demo):
    failures = []
    for visit in VISITS:
        started = time.perf_counter()
        context = browser.new_context(viewport={"width": 1280, "height": 844})
        page = context.new_page()
        open_home(page, live_server.url)
        if visit.who:
            sign_in(page, f"{visit.who}@{DEMO_DOMAIN}", DEMO_PASSWORD)
        visit.clicks(page, the_demo)
        # the narrow window once there (on a phone the header's links sit behind « Menu »)
        page.set_viewport_size({"width": visit.width, "height": 844})
        page.wait_for_load_state()
        failures += [f"{visit.label} ({page.url}): {v}" for v in violations(page)]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > visit.width:
            failures.append(f"{visit.label} ({page.url}): {width} px wide in {visit.width} px")
        context.close()
        print(f"{visit.label}: {time.perf_counter() - started:.1f} s")
    print("\n".join(failures))
    assert not failures, "\n".join(failures)
