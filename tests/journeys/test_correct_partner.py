"""Journey: the chef de projet follows an import warning about a partner left unnamed,
names it, and sees the warning marked reviewed and the name in the grid. Clicks only."""

import re

import pytest
from playwright.sync_api import expect

from quartiers.contracts.models import UNKNOWN_ACRONYM, UNKNOWN_ACRONYM_MESSAGE, ImportWarning
from tests.journeys.navigation import open_contract, sign_in_from_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lead_names_an_imported_partner_from_its_warning(
    live_server, page, loriol, project_lead
):
    # The import could not name one column of the grid (as with an acronym of its own).
    partner = loriol.partners.filter(is_grid_column=True).exclude(code="ETAT").last()
    partner.name = ""
    partner.save(update_fields=["name"])
    message = UNKNOWN_ACRONYM_MESSAGE.format(code=partner.code)
    warning = ImportWarning.objects.create(
        contract=loriol,
        source_document=loriol.source_document,
        code=UNKNOWN_ACRONYM,
        message=message,
        line=partner.source_line,
        partner=partner,
    )

    sign_in_from_home(page, live_server.url, project_lead.email)
    open_contract(page, loriol)
    warnings = page.get_by_role("region", name="Avertissements d’import")
    row = warnings.get_by_role("row").filter(has_text=message)
    expect(row.get_by_text("À vérifier", exact=True)).to_be_visible()
    row.get_by_role("link", name=f"Corriger : {message}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Corriger le partenaire {partner.code}"
    )
    expect(page.get_by_text(message)).to_be_visible()
    page.get_by_role("textbox", name="Nom").fill("Association des habitants du Cœur de Loriol")
    page.get_by_role("button", name="Enregistrer").click()

    expect(
        page.get_by_text(
            "Le partenaire est enregistré. L'avertissement d'import est marqué comme vérifié."
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Association des habitants du Cœur de Loriol ({partner.code})"
    )
    warning.refresh_from_db()
    assert (warning.reviewed, warning.reviewed_by) == (True, project_lead)

    # The contract page lists the warning as reviewed, by her.
    open_contract(page, loriol)
    row = warnings.get_by_role("row").filter(has_text=message)
    expect(row.get_by_text("Vérifié", exact=True)).to_be_visible()
    expect(row).to_contain_text(project_lead.get_full_name())
    expect(row.get_by_role("link", name=re.compile("^Corriger"))).to_have_count(0)

    # The grid names the partner.
    page.get_by_role("link", name="Voir la matrice des engagements").click()
    column = page.get_by_role("columnheader").filter(has_text=partner.code).first
    expect(column.locator("abbr")).to_have_attribute(
        "title", "Association des habitants du Cœur de Loriol"
    )
