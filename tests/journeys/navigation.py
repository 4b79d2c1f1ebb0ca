"""What every journey does the same way: open the home page (the only URL a journey types,
once per browser page), sign in and out from the header, reach a contract and a call by clicks,
draft a dossier and balance its budget as its carrier.
`tests/test_conventions.py` checks that no journey calls `page.goto` otherwise."""

import re

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


def label(text):
    """A field's label, with or without the required marker (" *")."""
    return re.compile(rf"^\s*{re.escape(text)}(\s*\*)?\s*$")


def draft_dossier(page, *, title, contact, email, objectives, description, people, period):
    """From a call's page, as its carrier: « Déposer un dossier », the action's title, then the
    dossier's form filled and saved. `people`: (beneficiaries, women, men, QPV residents);
    `period`: (start, end) dates; the contact signs and certifies."""
    page.get_by_role("link", name="Déposer un dossier", exact=True).click()
    page.get_by_role("textbox", name=re.compile("^Intitulé de l'action")).fill(title)
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Formulaire du dossier")

    form = page.get_by_role("main")
    form.get_by_label(label("Personne chargée du dossier")).fill(contact)
    form.get_by_label(label("Courriel de contact")).fill(email)
    form.get_by_label(label("Objectifs")).fill(objectives)
    form.get_by_label(label("Description")).fill(description)
    beneficiaries, women, men, qpv = people
    form.get_by_label(label("Nombre de bénéficiaires prévus")).fill(str(beneficiaries))
    form.get_by_label(label("Dont femmes")).fill(str(women))
    form.get_by_label(label("Dont hommes")).fill(str(men))
    form.get_by_label(label("Dont habitants des QPV")).fill(str(qpv))
    start, end = period
    form.get_by_label(label("Début de l'action")).fill(start.isoformat())
    form.get_by_label(label("Fin de l'action")).fill(end.isoformat())
    form.get_by_label(label("Signataire")).fill(contact)
    form.get_by_text(re.compile("Je certifie exactes")).click()  # DSFR: the label
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()


def balance_budget(page, *, asked):
    """The dossier's « Budget » tab: one charge (account 64) of what `asked` sums, one line 74
    per (funder organisation, amount) of `asked`; saved, and balanced."""
    page.get_by_role("link", name="Budget", exact=True).click()
    charges = page.get_by_role("table", name="Charges de l'action")
    charges.get_by_label("Compte, ligne 1").select_option("64")
    charges.get_by_label("Montant (€), ligne 1").fill(str(sum(amount for _, amount in asked)))
    products = page.get_by_role("table", name=re.compile("^Produits de l'action"))
    for row, (funder, amount) in enumerate(asked, start=1):
        products.get_by_label(f"Compte, ligne {row}").select_option("74")
        products.get_by_label(f"Montant (€), ligne {row}").fill(str(amount))
        products.get_by_label(re.compile(f"^Financeur sollicité.*ligne {row}$")).select_option(
            str(funder.pk)
        )
    page.get_by_role("button", name="Enregistrer le budget").click()
    expect(page.get_by_text("Le budget enregistré est équilibré.")).to_be_visible()
