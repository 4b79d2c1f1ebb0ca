"""Journey: the carrier's draft saves itself as they type (htmx, under our CSP)."""

import re

import pytest
from playwright.sync_api import expect

from quartiers.programming.models import Application
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import UserFactory
from tests.contracts.factories import ContractFactory
from tests.journeys.navigation import sign_in_from_home
from tests.journeys.test_programming import label
from tests.programming.factories import ApplicationFactory, CallForProjectsFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_draft_saves_as_the_carrier_types(live_server, page):
    call = CallForProjectsFactory(contract=ContractFactory(is_published=False))
    assignment = RoleAssignmentFactory(
        user=UserFactory(email="porteuse@example.org"), contract=call.contract, carrier=True
    )
    draft = ApplicationFactory(call=call, carrier=assignment.organisation, title="Atelier couture")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in_from_home(page, live_server.url, "porteuse@example.org")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    page.get_by_role("main").get_by_role("link", name=draft.title).click()
    page.get_by_role("navigation", name="Pages du dossier").get_by_role(
        "link", name="Formulaire"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Formulaire du dossier")
    title = page.get_by_role("main").get_by_label(label("Intitulé de l'action"))
    title.fill("Atelier couture solidaire")  # no click on « Enregistrer le brouillon »
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"Brouillon enregistré à \d\d:\d\d")
    )

    page.reload()
    expect(title).to_have_value("Atelier couture solidaire")
    assert Application.objects.get(pk=draft.pk).title == "Atelier couture solidaire"
    csp = [e for e in errors if "Content Security Policy" in e or "Refused to" in e]
    assert not csp, csp
