"""Journey: a group of residents asks the fonds de participation des habitants for help without
an account, confirms by the link of the e-mail it receives; the chef de projet records the
committee's vote (accepted) and the carrying association's payment; the group comes back to its
page, files the bilan with a receipt, and finds its project on the fund's public page, without
its contact's name. Clicks only, but for the e-mailed link (the group has no account: the link
is its only way in, `tests/test_conventions.py`, `TYPED_URLS`)."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from quartiers.participation.models import MicroProject
from tests.journeys.navigation import label, open_contract, open_home, sign_in_from_home
from tests.participation import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Jardin partagé du square"


def hinted(text):
    """A field's label followed by its hint (DSFR puts the hint inside the label)."""
    return re.compile(rf"^\s*{re.escape(text)}(\s|$)")


CONTACT = "Léonie-Témoin"


def open_fund(page, contract):
    open_contract(page, contract)
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Fonds des habitants"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fonds de participation des habitants"
    )


def test_a_group_files_a_request_without_an_account_up_to_the_public_page(
    live_server, page, browser, loriol, project_lead, mailoutbox, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    factories.fund(loriol, envelope=Decimal("5000"))

    # The group, signed out: the public page, then the form.
    open_home(page, live_server.url)
    open_fund(page, loriol)
    page.get_by_role("link", name="Déposer une demande").click()
    form = page.get_by_role("main")
    form.get_by_label(label("Titre du projet")).fill(TITLE)
    form.get_by_label(label("Ce que vous voulez faire")).fill(
        "Planter des légumes avec les enfants."
    )
    form.get_by_label(label("Pour qui")).fill("Les familles du square")
    form.get_by_label(hinted("Quand")).fill("au printemps")
    form.get_by_label(hinted("Nom de votre groupe d'habitants")).fill("Les mains vertes")
    form.get_by_label(hinted("Coût total du projet (€)")).fill("1 000")
    form.get_by_label(hinted("Montant demandé au fonds (€)")).fill("900")
    form.get_by_label(label("Votre prénom")).fill(CONTACT)
    form.get_by_label(hinted("Votre adresse électronique")).fill("leonie@example.org")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Le fonds accorde au plus 760,00")).to_be_visible()
    form.get_by_label(hinted("Montant demandé au fonds (€)")).fill("700")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande envoyée : confirmez-la")

    (message,) = mailoutbox
    assert message.to == ["leonie@example.org"]
    link = urlsplit(re.search(r"https?://\S+", message.body).group(0)).path
    page.goto(live_server.url + link)  # the e-mail's link: the group's only way in
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Votre demande : {TITLE}")
    page.get_by_role("button", name="Confirmer ma demande").click()
    expect(page.get_by_text("Demande confirmée")).to_be_visible()

    # The chef de projet, in her own browser: the committee's vote, then the payment.
    lead = browser.new_context().new_page()
    sign_in_from_home(lead, live_server.url, project_lead.email)
    open_fund(lead, loriol)
    lead.get_by_role("link", name="Espace du comité").click()
    lead.get_by_role("table", name="Demandes à examiner").get_by_role("link", name=TITLE).click()
    expect(lead.get_by_text(CONTACT)).to_be_visible()  # the committee reaches the contact
    lead.get_by_text("Accepté", exact=True).click()
    lead.get_by_label(label("Voix pour")).fill("6")
    lead.get_by_label(label("Voix contre")).fill("1")
    lead.get_by_role("button", name="Enregistrer la décision").click()
    expect(lead.get_by_text("Décision enregistrée")).to_be_visible()
    assert "accepté" in mailoutbox[-1].subject
    lead.get_by_role("button", name="Enregistrer le versement").click()
    expect(lead.get_by_text("Versement enregistré.")).to_be_visible()
    lead.context.close()

    # The group comes back to its page (still open): the bilan, with a receipt.
    page.reload()
    page.get_by_role("link", name="Déposer le bilan").click()
    page.get_by_label(label("Comment s'est passé le projet, en quelques lignes")).fill(
        "Douze familles ont planté des tomates."
    )
    page.get_by_label(label("Nombre de participants")).fill("30")
    page.get_by_label(hinted("Total des dépenses réelles (€)")).fill("690,50")
    page.get_by_label(hinted("Justificatifs de dépense (factures, tickets)")).set_input_files(
        files=[{"name": "ticket.pdf", "mimeType": "application/pdf", "buffer": factories.PDF}]
    )
    page.get_by_role("button", name="Déposer le bilan").click()
    expect(page.get_by_text("Bilan déposé : merci !")).to_be_visible()
    receipt = page.get_by_role("table", name="Décompte du bilan")
    expect(receipt).to_contain_text("690,50")

    # The public page shows the project, never its contact.
    page.get_by_role("link", name="Voir les projets soutenus par le fonds").click()
    supported = page.get_by_role("table", name=re.compile("^Projets soutenus en"))
    expect(supported.get_by_role("row").filter(has_text=TITLE)).to_contain_text("700,00")
    expect(page.get_by_role("main")).not_to_contain_text(CONTACT)
    expect(page.get_by_role("main")).not_to_contain_text("leonie@example.org")
    assert MicroProject.objects.get().status == "reported"
