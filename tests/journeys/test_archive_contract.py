"""Journey: the chef de projet archives her contract, which then refuses writes; a platform
admin unarchives it, and deletes another contract by typing its identifier. Clicks only."""

import re

import pytest
from playwright.sync_api import expect

from quartiers.contracts.models import Contract
from tests.accounts.factories import UserFactory
from tests.contracts.factories import ContractFactory
from tests.journeys.navigation import confirm, open_contract, sign_in_from_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def administration(page):
    return page.get_by_role("region", name="Administration du contrat")


def archived_banner(page):
    return page.get_by_role("main").get_by_text("Contrat archivé", exact=True)


def test_archive_unarchive_and_delete(live_server, page, new_context, loriol, project_lead):
    throwaway = ContractFactory(territory="Quartier des Essais", slug="quartier-des-essais")
    admin = UserFactory(email="admin@example.org", first_name="Alex", admin=True)

    # --- The chef de projet archives her contract.
    sign_in_from_home(page, live_server.url, project_lead.email)
    open_contract(page, loriol)
    expect(archived_banner(page)).to_have_count(0)
    expect(administration(page).get_by_role("link", name="Supprimer le contrat…")).to_have_count(0)
    confirm(
        page, administration(page).get_by_role("button", name="Archiver le contrat (lecture seule)")
    )
    expect(
        page.get_by_text("Le contrat est archivé : il est désormais en lecture seule.")
    ).to_be_visible()
    expect(archived_banner(page)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Archivé le .* n’est plus modifiable\.$"))).to_be_visible()
    expect(administration(page)).to_have_count(0)  # only an admin unarchives
    loriol.refresh_from_db()
    assert loriol.is_archived

    # --- Read-only: the roles page offers no invitation nor removal, and says why.
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Rôles", exact=True
    ).click()
    expect(
        page.get_by_text(re.compile("^Le contrat est archivé : on n’y invite plus"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Inviter et attribuer le rôle")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Retirer"))).to_have_count(0)

    # --- A platform admin, in another browser, unarchives it.
    admin_page = new_context().new_page()
    sign_in_from_home(admin_page, live_server.url, admin.email)
    admin_page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Contrats"
    ).click()
    row = admin_page.get_by_role("row").filter(has_text=loriol.name)
    expect(row).to_contain_text("archivé")
    open_contract(admin_page, loriol)
    expect(archived_banner(admin_page)).to_be_visible()
    confirm(
        admin_page, administration(admin_page).get_by_role("button", name="Désarchiver le contrat")
    )
    expect(
        admin_page.get_by_text("Le contrat est désarchivé : il est de nouveau modifiable.")
    ).to_be_visible()
    expect(archived_banner(admin_page)).to_have_count(0)
    loriol.refresh_from_db()
    assert not loriol.is_archived

    # --- ...and deletes the throwaway contract, once its identifier is typed right.
    admin_page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Contrats"
    ).click()
    open_contract(admin_page, throwaway)
    administration(admin_page).get_by_role("link", name="Supprimer le contrat…").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text(
        f"Supprimer « {throwaway.name} »"
    )
    confirmation = admin_page.get_by_role("textbox", name=re.compile("^Identifiant du contrat"))
    confirmation.fill("quartier-des-essai")
    admin_page.get_by_role("button", name="Supprimer définitivement").click()
    expect(
        admin_page.get_by_text(
            "Pour confirmer, saisissez l'identifiant du contrat : « quartier-des-essais »."
        )
    ).to_be_visible()
    assert Contract.objects.filter(pk=throwaway.pk).exists()
    confirmation.fill("quartier-des-essais")
    admin_page.get_by_role("button", name="Supprimer définitivement").click()

    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Contrats de ville")
    expect(
        admin_page.get_by_text(f"Le contrat « {throwaway.name} » a été supprimé.")
    ).to_be_visible()
    contracts = admin_page.get_by_role("main").get_by_role("table")
    expect(contracts.get_by_role("link", name=loriol.name, exact=True)).to_be_visible()
    expect(contracts.get_by_role("link", name=throwaway.name, exact=True)).to_have_count(0)
    assert not Contract.objects.filter(pk=throwaway.pk).exists()
