"""Journey: a developer opens the API documentation and tries a request, under our CSP."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_runs_under_the_csp(live_server, page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(live_server.url + "/api/docs/")

    expect(page.get_by_role("heading", name=re.compile("API quartiers"))).to_be_visible()
    expect(
        page.get_by_role("button", name="GET /api/contrats/{slug}/engagements/", exact=True)
    ).to_be_visible()
    page.get_by_role("button", name="GET /api/contrats/", exact=True).click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_have_text(
        "200"
    )
    assert problems == []
