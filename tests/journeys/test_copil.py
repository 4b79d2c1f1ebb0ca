"""Journey of issue 10 (governance): the chef de projet plans and convenes a comité de
pilotage (its `.ics` parsed back), records the attendance, holds there the programming's
session and records its funding decisions, which the register numbers; she writes the minutes
from their draft and approves them at the next meeting; an anonymous visitor then reads the
approved minutes and the numbered decision. From `/`, by clicks only."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import icalendar
import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from quartiers.governance import services as governance
from quartiers.programming import services as programming
from quartiers.programming.enums import CommitteeKind, Opinion
from tests.accounts.factories import OrganisationFactory
from tests.journeys.navigation import (
    confirm,
    label,
    open_call,
    open_contract,
    sign_in_from_home,
    sign_out,
)
from tests.programming.factories import (
    CallForProjectsFactory,
    CallFunderFactory,
    after_deadline,
    submitted_application,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _french(day, fmt):
    with translation.override("fr"):
        return date_format(day, fmt)


def _examined_dossier(loriol, held_on):
    """A call of the contract with one dossier asking the CAF, examined by the comité
    technique before `held_on`."""
    caf = OrganisationFactory(name="Caisse d'allocations familiales de la Drôme", acronym="CAF")
    call = CallForProjectsFactory(contract=loriol, title="Programmation des Tilleuls")
    CallFunderFactory(call=call, organisation=caf, envelope=Decimal("40000"))
    dossier = submitted_application(
        call, funders=[caf], amounts=["3000"], title="Ateliers de quartier"
    )
    after_deadline(call)
    programming.start_instruction(call=call)
    technical = programming.create_committee_session(
        call=call, kind=CommitteeKind.TECHNICAL, held_on=held_on - datetime.timedelta(days=7)
    )
    dossier.refresh_from_db()
    programming.record_technical_opinion(
        session=technical, application=dossier, opinion=Opinion.FAVOURABLE
    )
    return call, dossier, caf


def _open_steering(page, loriol):
    open_contract(page, loriol)
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Instances"
    ).click()
    page.get_by_role("main").get_by_role("link", name="Comité de pilotage", exact=True).click()


def test_a_steering_committee_from_convocation_to_public_minutes(
    live_server, page, loriol, project_lead, mailoutbox
):
    steering = loriol.bodies.get(code="COPIL")
    caf_partner, council = (
        loriol.partners.get(code="CAF"),
        loriol.partners.get(code="CONSEIL CITOYEN"),
    )
    for partner in (caf_partner, council):
        governance.add_member(
            body=steering, partner=partner, role="member", voting=True, by=project_lead
        )
    held_on = datetime.date.today() - datetime.timedelta(days=2)
    call, dossier, caf = _examined_dossier(loriol, held_on)
    day = _french(held_on, "j F Y")
    year = held_on.year

    # --- She plans the comité (two days ago: she records it after the fact) and convenes it.
    sign_in_from_home(page, live_server.url, project_lead.email)
    _open_steering(page, loriol)
    page.get_by_role("link", name="Programmer une réunion").click()
    page.get_by_label(label("Date")).fill(held_on.isoformat())
    page.get_by_label(label("Heure de début")).fill("14:00")
    page.get_by_label(label("Lieu")).fill("Mairie de Loriol")
    page.get_by_role("button", name="Programmer la réunion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Comité de pilotage du {day}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda").click()
    (event,) = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime.datetime.combine(
        held_on, datetime.time(14, 0)
    )
    assert event["LOCATION"] == "Mairie de Loriol" and "Comité de pilotage" in event["SUMMARY"]
    expect(page.get_by_text("Le conseil citoyen n'est pas convoqué")).to_have_count(0)
    confirm(page, "Envoyer la convocation")
    expect(page.get_by_text("La convocation est envoyée")).to_be_visible()

    attendance = page.get_by_role("table", name="Institutions convoquées et leur présence")
    for partner in (caf_partner, council):
        attendance.get_by_role("combobox", name=f"Présence — {partner.name}").select_option(
            label="présent·e"
        )
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Les présences sont enregistrées.")).to_be_visible()

    # --- The programming's session is held at this meeting: its funding decisions.
    open_call(page, call, "Instruction et comités")
    page.get_by_role("link", name="Créer une séance").click()
    page.get_by_label(label("Instance")).select_option("steering")
    page.get_by_label(label("Date de la séance")).fill(held_on.isoformat())
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Comité de pilotage du {day}")
    page.get_by_label(f"Décision — {dossier.title} — {caf.name}").select_option("granted")
    page.get_by_label(f"Montant accordé — {dossier.title} — {caf.name}").fill("2500")
    page.get_by_role("button", name="Enregistrer les décisions de la séance").click()
    expect(page.get_by_text("Séance enregistrée : 1 décision.")).to_be_visible()
    number = f"COPIL-{year}-001"

    # --- Back at the meeting: the decision is numbered in the register; the minutes.
    page.get_by_role("link", name=re.compile("^lieu, convocation, présences")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Comité de pilotage du {day}")
    decisions = page.locator("#decisions + ul")
    expect(decisions).to_contain_text(number)
    expect(decisions).to_contain_text("accordé, 2\u00a0500,00\u00a0€")
    page.get_by_role("button", name="Rédiger le compte rendu").click()
    text = page.get_by_role("textbox", name=re.compile("^Texte du compte rendu"))
    expect(text).to_have_value(re.compile(re.escape(number)))
    expect(text).to_have_value(re.compile("Examen des dossiers de l'appel à projets"))
    text.fill(text.input_value() + "\n\nLe comité remercie les porteurs de projets.")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.get_by_text("Le compte rendu est enregistré.")).to_be_visible()

    # --- The next meeting, today, approves them.
    page.get_by_role("link", name="Retour à la réunion").click()
    page.get_by_role("navigation", name="vous êtes ici :").get_by_role(
        "link", name="Comité de pilotage"
    ).click()
    page.get_by_role("link", name="Programmer une réunion").click()
    page.get_by_label(label("Date")).fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Programmer la réunion").click()
    confirm(page, f"Approuver le compte rendu de la réunion du {day}", "Approuver")
    expect(page.get_by_text("est approuvé : il est figé et public.")).to_be_visible()
    sign_out(page)

    # --- Anyone reads the approved minutes and the numbered decision.
    open_contract(page, loriol)
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Instances"
    ).click()
    page.get_by_role("link", name="Comptes rendus approuvés des réunions").click()
    page.get_by_role("link", name=f"Compte rendu du {day}").click()
    expect(page.get_by_text("Le comité remercie les porteurs de projets.")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(number)
    page.get_by_role("navigation", name="vous êtes ici :").get_by_role(
        "link", name=loriol.name
    ).click()
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Décisions"
    ).click()
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text(dossier.title)
    expect(row).to_contain_text("accordé, 2\u00a0500,00\u00a0€")
