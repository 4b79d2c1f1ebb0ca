"""What every journey does the same way: open the home page (the only URL a journey types,
once per browser page), sign in and out from the header, reach a contract and a call by clicks.
`tests/test_conventions.py` checks that no journey calls `page.goto` otherwise."""

from django.conf import settings
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD


def open_home(page, base_url):
    page.goto(base_url + "/")


def sign_in(page, email, password=PASSWORD):
    """From any page of a signed-out visitor: « Se connecter » in the header, then the form;
    the person lands on « Mon espace »."""
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    page.get_by_role("textbox", name="Adresse électronique", exact=True).fill(email)
    page.get_by_role("textbox", name="Mot de passe", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")


def sign_in_from_home(page, base_url, email, password=PASSWORD):
    """The start of a journey: open the home page and sign in."""
    open_home(page, base_url)
    sign_in(page, email, password)


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


def confirm(page, opener, button=None):
    """Click `opener` (a locator, or the name of the only such button of the main content),
    then `button` (default: the same name) in the confirmation modal it opens."""
    if isinstance(opener, str):
        button = button or opener
        opener = page.get_by_role("main").get_by_role("button", name=opener, exact=True)
    name = button or opener.inner_text().strip()
    opener.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=name, exact=True).click()


def open_contract(page, contract):
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Contrats"
    ).click()
    page.get_by_role("main").get_by_role("link", name=contract.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(contract.name)


def open_call(page, call, tab=None):
    """The call's page from the main menu; then `tab` of the call's navigation, if given."""
    open_contract(page, call.contract)
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Appels à projets"
    ).click()
    page.get_by_role("main").get_by_role("link", name=call.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(call.title)
    if tab:
        open_call_tab(page, tab)


def open_call_tab(page, tab):
    page.get_by_role("navigation", name="Pages de l’appel").get_by_role(
        "link", name=tab, exact=True
    ).click()


def go_home(page):
    """The home page, from any page: the site's name in the header."""
    page.get_by_role("banner").get_by_role("link", name=settings.SITE_NAME, exact=True).click()
