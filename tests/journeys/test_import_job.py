"""Journey: a chef de projet imports a changed protocol from the browser, by clicks only.

From the home page she signs in, opens her contract and its import page, uploads the document,
watches the job page follow the analysis (htmx polling, under our CSP) to its preview, applies
it and sees the change in the matrix.
"""

import re

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from quartiers.contracts.models import Engagement
from quartiers.protocol_import import services
from quartiers.protocol_import.models import ImportJob
from tests.conftest import SEED
from tests.journeys.navigation import confirm, open_contract, sign_in_from_home
from tests.protocol_import.test_jobs import DATABASE_TASKS
from tests.protocol_import.test_views import changed_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_a_changed_protocol(
    live_server, page, settings, monkeypatch, loriol, project_lead, seed_bytes
):
    settings.TASKS = DATABASE_TASKS  # the analysis waits in the queue until "the worker" runs
    data, line = changed_seed(seed_bytes)  # the État becomes an associate partner
    engagement = Engagement.objects.get(contract=loriol, source_line=line)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in_from_home(page, live_server.url, project_lead.email)
    open_contract(page, loriol)
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Importer"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Importer un protocole")
    page.get_by_label(re.compile(r"^\s*Document du protocole ou du contrat")).set_input_files(
        {"name": SEED.name, "mimeType": "text/plain", "buffer": data}
    )
    page.get_by_role("button", name="Analyser le document").click()

    job = ImportJob.objects.get(created_by=project_lead)
    expect(page).to_have_url(live_server.url + job.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import de « {SEED.name} »")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Analyse en attente")

    # The worker runs the analysis; halfway through, the page (polling) shows the step reached.
    analyse, watched_steps = services.preview_import, []

    def watched(**kwargs):
        def progress(step):
            kwargs["progress"](step)
            if step == 5:
                expect(status).to_have_text(
                    f"Analyse en cours : étape 5 sur {services.STEP_COUNT}."
                )
                watched_steps.append(step)

        return analyse(**{**kwargs, "progress": progress})

    monkeypatch.setattr(services, "preview_import", watched)
    queued = DBTaskResult.objects.get()
    queued.task.call(**queued.args_kwargs["kwargs"])
    assert watched_steps == [5]

    # Done: htmx reloads the whole page, which shows the preview.
    expect(page).to_have_title(re.compile(r"\(terminé\)"))
    changes = page.get_by_role("table", name="Ce que l'import changerait")
    change = changes.get_by_role("row").filter(has_text=f"engagement {engagement.number}")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("rôle ETAT")
    expect(change).to_contain_text("chef de file")
    expect(change).to_contain_text("partenaire associé")
    assert engagement.roles.get(partner__code="ETAT").role == "lead"  # nothing written yet

    confirm(page, "Appliquer l'import")
    expect(page.get_by_role("heading", level=1)).to_have_text(loriol.name)
    expect(page.get_by_text("Import enregistré : 1 changement(s).")).to_be_visible()

    page.get_by_role("link", name="Voir la matrice des engagements").click()
    etat = page.locator("#matrice thead th").filter(has_text=re.compile(r"^\s*ETAT\s*$"))
    column = etat.evaluate("th => th.cellIndex")
    cell = page.locator(f"#engagement-{engagement.number} > :nth-child({column + 1})")
    expect(cell).to_have_text(re.compile(r"^\s*Associé\s*$"))
    assert engagement.roles.get(partner__code="ETAT").role == "associate"
    job.refresh_from_db()
    assert job.status == "applied"
    csp = [e for e in errors if "Content Security Policy" in e or "Refused to" in e]
    assert not csp, csp
