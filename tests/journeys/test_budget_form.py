"""Journey: a carrier types her budget on a phone; the totals follow as she types and
« Ajouter une ligne » adds a row at once, without saving; then she saves it."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from quartiers.programming.enums import BudgetSide
from tests.access.factories import RoleAssignmentFactory
from tests.contracts.factories import ContractFactory
from tests.journeys.navigation import sign_in_from_home
from tests.programming.factories import (
    ApplicationFactory,
    CallForProjectsFactory,
    CallFunderFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Atelier vélo du quartier"


@pytest.fixture
def draft():
    call = CallForProjectsFactory(contract=ContractFactory(is_published=True))
    funder = CallFunderFactory(call=call, envelope=Decimal("9000")).organisation
    assignment = RoleAssignmentFactory(contract=call.contract, carrier=True)
    application = ApplicationFactory(call=call, carrier=assignment.organisation, title=TITLE)
    return application, assignment.user, funder


def test_live_totals_and_a_new_line_before_saving(live_server, page, draft):
    application, carrier, funder = draft
    sign_in_from_home(page, live_server.url, carrier.email)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    page.get_by_role("main").get_by_role("link", name=TITLE).click()
    page.get_by_role("navigation", name="Pages du dossier").get_by_role(
        "link", name="Budget", exact=True
    ).click()
    page.set_viewport_size({"width": 390, "height": 844})
    live = page.locator("[data-budget-live]")
    expect(live).to_be_visible()
    expect(live.get_by_role("status")).to_have_text(
        "Saisie sans charges : le budget ne peut pas être déposé ainsi."
    )

    charges = page.locator('[data-budget-side="charge"]')
    charges.get_by_label("Compte, ligne 1").select_option("64")
    charges.get_by_label("Montant (€), ligne 1").fill("1000")
    expect(live.locator('[data-budget-total="charge"]')).to_have_text("1\u202f000,00\u00a0€")
    url = page.url
    charges.get_by_role("button", name="Ajouter une ligne").click()
    third = charges.get_by_label("Montant (€), ligne 3")
    expect(third).to_be_visible()
    expect(charges.get_by_label("Compte, ligne 3")).to_be_focused()
    assert page.url == url
    expect(page.get_by_text("Ligne ajoutée au formulaire")).to_have_count(0)  # no request
    charges.get_by_label("Compte, ligne 3").select_option("61")
    third.fill("500")
    expect(live.locator('[data-budget-total="charge"]')).to_have_text("1\u202f500,00\u00a0€")
    expect(live.get_by_role("status")).to_contain_text("Saisie non équilibrée")

    products = page.locator('[data-budget-side="product"]')
    products.get_by_label("Compte, ligne 1").select_option("74")
    products.get_by_label("Montant (€), ligne 1").fill("1500")
    products.get_by_label("Financeur sollicité (compte 74), ligne 1").select_option(str(funder.pk))
    expect(live.locator('[data-budget-total="balance"]')).to_have_text("0,00\u00a0€")
    expect(live.get_by_role("status")).to_have_text("Saisie équilibrée.")
    assert not application.budget_lines.exists()  # nothing saved yet

    page.get_by_role("button", name="Enregistrer le budget").click()
    expect(page.get_by_text("Le budget enregistré est équilibré.")).to_be_visible()
    assert application.budget_totals()[BudgetSide.CHARGE] == Decimal("1500")
    assert application.budget_lines.count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
