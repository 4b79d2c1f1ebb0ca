"""Journey: the conseil citoyen finds the dossiers open for its opinion from the main menu,
gives its opinion on one, and sees it marked given in its list."""

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.navigation import sign_in_from_home
from tests.programming.test_instruction_services import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_queue(page):
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Avis du conseil citoyen"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Dossiers ouverts à l’avis du conseil citoyen"
    )


def test_the_conseil_citoyen_gives_its_opinion_from_its_list(live_server, page):
    world = make_world()
    sign_in_from_home(page, live_server.url, world.council.email)
    open_queue(page)
    row = page.get_by_role("row", name=re.compile("Sport pour tous"))
    expect(row).to_contain_text("Pas encore donné")
    row.get_by_role("link", name="Donner l’avis sur « Sport pour tous »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avis du conseil citoyen")
    page.get_by_label(re.compile(r"^\s*Avis du conseil citoyen")).select_option("favourable")
    page.get_by_label("Commentaire").fill("Une action attendue par les habitants.")
    page.get_by_role("button", name="Enregistrer l'avis").click()
    expect(page.get_by_text("Avis du conseil citoyen enregistré.")).to_be_visible()
    open_queue(page)
    row = page.get_by_role("row", name=re.compile("Sport pour tous"))
    expect(row).to_contain_text("Donné : favorable")
    expect(row.get_by_role("link", name="Modifier l’avis sur « Sport pour tous »")).to_be_visible()
    other = page.get_by_role("row", name=re.compile("Jeunes en action"))
    expect(other).to_contain_text("Pas encore donné")
