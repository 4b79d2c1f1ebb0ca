"""Journey: the chef de projet writes the minutes of a held comité de pilotage from their
draft, approves them at the next meeting of the body, then an anonymous visitor reads the
approved minutes from the public contract page. Clicks only."""

import datetime
import re

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from quartiers.governance import services as governance
from tests.journeys.navigation import confirm, label, open_contract, sign_in_from_home, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _french(day, fmt):
    with translation.override("fr"):
        return date_format(day, fmt)


def _open_body(page):
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Instances"
    ).click()
    page.get_by_role("main").get_by_role("link", name="Comité de pilotage", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comité de pilotage")


def test_the_lead_writes_and_approves_the_minutes_then_the_public_reads_them(
    live_server, page, loriol, project_lead
):
    steering = loriol.bodies.get(code="COPIL")
    caf = loriol.partners.get(code="CAF")
    governance.add_member(body=steering, partner=caf, role="chair", voting=True, by=project_lead)
    held_on = datetime.date.today() - datetime.timedelta(days=30)
    held = governance.plan_meeting(
        body=steering, date=held_on, place="Mairie de Loriol", by=project_lead
    )
    governance.add_agenda_entry(meeting=held, title="Programmation de l'année", by=project_lead)
    governance.convene(meeting=held, by=project_lead)
    governance.record_attendance(meeting=held, rows={caf.pk: ("present", "")}, by=project_lead)
    day = _french(held_on, "j F Y")

    sign_in_from_home(page, live_server.url, project_lead.email)
    open_contract(page, loriol)
    _open_body(page)
    page.get_by_role("main").get_by_role("link", name=_french(held_on, "l j F Y")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Comité de pilotage du {day}")

    page.get_by_role("button", name="Rédiger le compte rendu").click()
    expect(page.get_by_text("Le projet de compte rendu est rédigé")).to_be_visible()
    text = page.get_by_role("textbox", name=re.compile("^Texte du compte rendu"))
    expect(text).to_have_value(re.compile(r"1\. Programmation de l'année"))
    expect(text).to_have_value(re.compile(f"Institutions présentes : {re.escape(caf.name)}"))
    text.fill(
        text.input_value().replace(
            "1. Programmation de l'année\n\n",
            "1. Programmation de l'année\n\nLe comité adopte la programmation de l'année.\n\n",
        )
    )
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.get_by_text("Le compte rendu est enregistré.")).to_be_visible()

    # The next meeting, today: it carries the approval point and, held today, approves.
    page.get_by_role("link", name="Retour à la réunion").click()
    page.get_by_role("navigation", name="vous êtes ici :").get_by_role(
        "link", name="Comité de pilotage"
    ).click()
    page.get_by_role("link", name="Programmer une réunion").click()
    today = datetime.date.today()
    page.get_by_label(label("Date")).fill(today.isoformat())
    page.get_by_label(label("Lieu")).fill("Mairie de Loriol")
    page.get_by_role("button", name="Programmer la réunion").click()
    expect(page.get_by_text(f"La réunion du {today:%d/%m/%Y} est programmée.")).to_be_visible()
    expect(
        page.get_by_role("listitem").filter(
            has_text=f"Approbation du compte rendu de la réunion du {day}"
        )
    ).to_be_visible()
    confirm(page, f"Approuver le compte rendu de la réunion du {day}", "Approuver")
    expect(page.get_by_text("est approuvé : il est figé et public.")).to_be_visible()
    sign_out(page)

    open_contract(page, loriol)
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Instances"
    ).click()
    page.get_by_role("link", name="Comptes rendus approuvés des réunions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comptes rendus approuvés")
    page.get_by_role("link", name=f"Compte rendu du {day}").click()
    expect(page.get_by_text("Le comité adopte la programmation de l'année.")).to_be_visible()
    expect(page.get_by_text(re.compile("^\\s*Approuvé le"))).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
