"""Journey: a platform admin invites a funder's instructor (a chef de projet may not), who sets a
password and sees the contract."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from quartiers.access.enums import ContractRole
from quartiers.contracts.models import Partner
from tests.accounts.factories import UserFactory
from tests.journeys.navigation import sign_in, sign_in_from_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSTRUCTOR_PASSWORD = "caf-drome-instruction-2026"


def test_invite_a_funder_instructor(live_server, page, loriol):
    # Unpublished: seeing the contract at the end proves the role works.
    loriol.is_published = False
    loriol.save(update_fields=["is_published"])
    caf = Partner.objects.get(contract=loriol, code="CAF").organisation
    admin = UserFactory(
        email="admin@example.org", first_name="Alex", last_name="Martin", admin=True
    )

    sign_in_from_home(page, live_server.url, admin.email)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Contrats"
    ).click()
    page.get_by_role("main").get_by_role("link", name=loriol.name).click()
    page.get_by_role("link", name="Rôles", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnes et rôles")
    expect(page).to_have_title(re.compile(re.escape(loriol.name)))

    page.get_by_role("textbox", name="Adresse électronique", exact=True).fill(
        "instructrice@example.org"
    )
    page.get_by_role("textbox", name="Prénom", exact=True).fill("Inès")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Roux")
    page.get_by_role("combobox", name="Rôle", exact=True).select_option(
        ContractRole.FUNDER_INSTRUCTOR.value
    )
    page.get_by_role("combobox", name=re.compile("^Organisation")).select_option(str(caf.pk))
    page.get_by_role("button", name="Inviter et attribuer le rôle").click()

    expect(page.get_by_text("Invitation envoyée à instructrice@example.org")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="instructrice@example.org")
    expect(row).to_contain_text("Instructeur·rice d'un financeur")
    expect(row).to_contain_text(str(caf))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["instructrice@example.org"]
    link = urlsplit(re.search(r"https?://\S+", message.body).group(0)).path

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()

    page.goto(live_server.url + link)  # the invitation e-mail's link: typed by design
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir un mot de passe")
    page.locator("input[name='new_password1']").fill(INSTRUCTOR_PASSWORD)
    page.locator("input[name='new_password2']").fill(INSTRUCTOR_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")

    sign_in(page, "instructrice@example.org", INSTRUCTOR_PASSWORD)
    page.get_by_role("banner").get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Voir mes rôles sur les contrats").click()
    page.get_by_role("main").get_by_role("link", name=loriol.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(loriol.name)
