"""axe-core, injected by Playwright, on the pages each role uses: no serious or critical
violation. Every page is reached from `/` by clicks only, in the demo's data.

To check one more page, add a `Visit` to `VISITS`: who (a demo person's local part, or None
for an anonymous visitor), how to get there by clicks from the page reached after signing in
(« Mon compte », or the home page when anonymous), and the window's width.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from quartiers.accounts.models import Organisation
from quartiers.demo import services as demo
from quartiers.demo.catalogue import DEMO_ASSOCIATION, DEMO_DOMAIN
from quartiers.demo.people import DEMO_PASSWORD, DEMO_PEOPLE
from quartiers.programming.enums import CallStatus
from quartiers.programming.models import CallForProjects
from tests.journeys.navigation import go_home, open_call, open_home, sign_in
from tests.programming.factories import ApplicationFactory, complete_budget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
PHONE = 390
DRAFT_TITLE = "Jardin partagé des Quatre-Vents (brouillon)"


@dataclass(frozen=True)
class Visit:
    label: str
    who: str | None  # a demo person's local part (DEMO_PEOPLE, "admin"); None: anonymous
    clicks: Callable  # clicks(page, call): from where signing in lands to the page to check
    width: int = 1280


def open_instruction(page, call):
    open_call(page, call, tab="Instruction et comités")


def open_session(page, call):
    open_instruction(page, call)
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^Comité .* du ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("omité")


def open_programming_table(page, call):
    open_call(page, call, tab="Tableau de programmation")


def open_dossier(page, call):
    open_instruction(page, call)
    page.get_by_role("table", name=re.compile("^Tous les dossiers déposés")).get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_role("navigation", name="Pages du dossier")).to_be_visible()


def open_own_draft(page, call):
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    page.get_by_role("main").get_by_role("link", name=DRAFT_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DRAFT_TITLE)


def open_budget(page, call):
    open_own_draft(page, call)
    page.get_by_role("navigation", name="Pages du dossier").get_by_role(
        "link", name="Budget", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Budget prévisionnel")


def home(page, call):
    go_home(page)


LEAD = "cheffe-de-projet"
VISITS = [
    Visit("accueil, sans connexion", None, lambda page, call: None),
    *(Visit(f"accueil de {who}", who, home) for who in ["admin", *(p[0] for p in DEMO_PEOPLE)]),
    Visit("liste d'instruction", LEAD, open_instruction),
    Visit("liste d'instruction de la CAF", "instructrice-caf", open_instruction),
    Visit("séance de comité", LEAD, open_session),
    Visit("tableau de programmation", LEAD, open_programming_table),
    Visit("dossier", LEAD, open_dossier),
    Visit("dossier du porteur, téléphone", "porteur", open_own_draft, width=PHONE),
    Visit("budget du porteur, téléphone", "porteur", open_budget, width=PHONE),
]


@pytest.fixture
def open_call_of_the_demo():
    """The demo, plus a draft of the demo carrier on the open call (the demo has none)."""
    _, people = demo.load(apply=True)
    call = CallForProjects.objects.get(
        contract=people[1].role_assignments.get().contract, status=CallStatus.OPEN
    )
    carrier = Organisation.objects.get(name=DEMO_ASSOCIATION)
    draft = ApplicationFactory(call=call, carrier=carrier, title=DRAFT_TITLE)
    complete_budget(draft)
    return call


def violations(page) -> list[str]:
    response = Axe().run(page).response
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in response["violations"]
        if violation["impact"] in BLOCKING
    ]


def test_no_serious_or_critical_axe_violation(live_server, browser, open_call_of_the_demo):
    call = open_call_of_the_demo
    failures = []
    for visit in VISITS:
        started = time.perf_counter()
        context = browser.new_context(viewport={"width": 1280, "height": 844})
        page = context.new_page()
        open_home(page, live_server.url)
        if visit.who:
            sign_in(page, f"{visit.who}@{DEMO_DOMAIN}", DEMO_PASSWORD)
        visit.clicks(page, call)
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
