"""Journey: open the demo contract, filter the matrix on the CAF, see its rows."""

import re

import pytest
from playwright.sync_api import expect

from quartiers.contracts.models import Engagement, Partner
from tests.journeys.navigation import open_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_the_matrix_on_the_caf(live_server, page, loriol):
    caf = Partner.objects.get(contract=loriol, code="CAF")
    expected = sorted(
        Engagement.objects.for_contract(loriol)
        .involving(partner=caf)
        .values_list("number", flat=True)
    )
    assert expected  # the seed gives the CAF several commitments

    open_home(page, live_server.url)
    page.get_by_role("link", name=re.compile("Cœur de Loriol")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cœur de Loriol")
    page.get_by_role("link", name="Voir la matrice des engagements").click()
    expect(page).to_have_title(re.compile("Matrice des engagements"))

    page.get_by_label("Partenaire", exact=True).select_option("CAF")
    page.get_by_role("button", name="Filtrer").click()

    expect(page).to_have_url(re.compile(r"partner=CAF"))
    rows = page.locator("tr[id^='engagement-']")
    expect(rows).to_have_count(len(expected))
    shown = sorted(int(i.split("-")[1]) for i in rows.evaluate_all("r => r.map(e => e.id)"))
    assert shown == expected
    expect(rows.first).to_contain_text("Chef de file")
