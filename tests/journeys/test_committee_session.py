"""Journey (c) of issue 9: the chef de projet prepares a comité de pilotage's agenda, records
all its decisions in one save (one refusal, motivated) and downloads the programming table.
From `/`, by clicks only."""

import re

import pytest
from playwright.sync_api import expect

from quartiers.programming.models import Decision
from tests.journeys.navigation import open_call, sign_in_from_home
from tests.programming.test_instruction_services import examine, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(text):
    return re.compile(rf"^\s*{re.escape(text)}(\s*\*)?\s*$")


def test_a_steering_committee_in_one_save(live_server, page):
    world = make_world(extra_applications=1)
    examine(world, world.youth, world.sport)  # the extra dossier is not examined yet
    youth, sport = world.youth.title, world.sport.title
    sign_in_from_home(page, live_server.url, world.lead.email)
    open_call(page, world.call, "Instruction et comités")
    page.get_by_role("link", name="Créer une séance").click()
    page.get_by_label(label("Instance")).select_option("steering")
    page.get_by_label(label("Date de la séance")).fill("2025-04-01")
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comité de pilotage du 1 avril 2025")
    main = page.get_by_role("main")
    expect(main).to_contain_text("2 dossiers à l'ordre du jour (par défaut")

    # --- The agenda: both examined dossiers are proposed; she keeps both.
    page.get_by_role("link", name="Modifier l'ordre du jour").click()
    expect(page.get_by_role("checkbox", name=re.compile(f"^{youth}"))).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile(f"^{sport}"))).to_be_checked()
    page.get_by_role("button", name="Enregistrer l'ordre du jour").click()
    expect(page.get_by_text("Ordre du jour de la séance")).to_be_visible()
    expect(main).to_contain_text("(choisis pour cette séance)")

    # --- One save with an error: the refusal has no motivation; nothing is saved.
    caf, ville = world.caf.name, world.ville.name
    page.get_by_label(f"Décision — {youth} — {caf}").select_option("granted")
    page.get_by_label(f"Montant accordé — {youth} — {caf}").fill("2500")
    page.get_by_label(f"Décision — {youth} — {ville}").select_option("refused")
    page.get_by_label(f"Décision — {sport} — {caf}").select_option("granted")
    page.get_by_label(f"Montant accordé — {sport} — {caf}").fill("1000")
    page.get_by_role("button", name="Enregistrer les décisions de la séance").click()
    summary = page.get_by_role("alert").filter(has_text="rien n'a été enregistré")
    expect(summary).to_be_visible()
    summary.get_by_role("link", name=re.compile(f"^{youth} — {ville}")).click()
    assert not Decision.objects.exists()

    # --- She writes the motivation and saves once: every decision is recorded.
    page.get_by_label(f"Motivation — {youth} — {ville}").fill("Hors des priorités de la Ville.")
    page.get_by_role("button", name="Enregistrer les décisions de la séance").click()
    confirmation = page.get_by_text("Séance enregistrée : 3 décisions.")
    expect(confirmation).to_be_visible()
    expect(confirmation).to_be_in_viewport()  # at the top of the page, not off-screen
    assert Decision.objects.filter(request__application__call=world.call).count() == 3

    # --- The programming table names the session held; the PDF downloads.
    page.get_by_role("navigation", name="Pages de l’appel").get_by_role(
        "link", name="Tableau de programmation", exact=True
    ).click()
    expect(main).to_contain_text("Comité de pilotage du 1 avril 2025")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Télécharger pour signature")).click()
    assert download.value.suggested_filename.endswith(".pdf")
