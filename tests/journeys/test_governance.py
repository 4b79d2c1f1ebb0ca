"""Journey: the chef de projet seats the CAF in the comité de pilotage (and is warned that the
conseil citoyen does not sit there), programs today's meeting, sets a point of its agenda,
takes the invitation to her calendar, convenes the members (the e-mailed `.ics` is parsed
back) and records who came. Clicks only."""

import datetime
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from quartiers.access.enums import ContractRole
from quartiers.accounts.models import Membership
from tests.access.factories import RoleAssignmentFactory
from tests.journeys.navigation import confirm, label, open_contract, sign_in_from_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lead_convenes_a_steering_meeting_and_records_attendance(
    live_server, page, loriol, project_lead, mailoutbox
):
    caf = loriol.partners.get(code="CAF")
    instructor = RoleAssignmentFactory(
        contract=loriol, role=ContractRole.FUNDER_INSTRUCTOR, organisation=caf.organisation
    ).user
    Membership.objects.get_or_create(user=instructor, organisation=caf.organisation)

    sign_in_from_home(page, live_server.url, project_lead.email)
    open_contract(page, loriol)
    page.get_by_role("navigation", name="Pages du contrat").get_by_role(
        "link", name="Instances"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Instances de gouvernance")
    page.get_by_role("main").get_by_role("link", name="Comité de pilotage", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comité de pilotage")

    page.get_by_label(label("Partenaire")).select_option(label=f"{caf.name} ({caf.code})")
    page.get_by_label(label("Rôle")).select_option(label="présidence")
    page.get_by_role("button", name="Ajouter à l'instance").click()
    expect(page.get_by_text(f"{caf.name} siège dans Comité de pilotage.")).to_be_visible()
    members = page.get_by_role("table", name="Institutions qui siègent dans l'instance")
    expect(members.get_by_role("row").filter(has_text=caf.name)).to_contain_text("présidence")

    page.get_by_role("link", name="Programmer une réunion").click()
    day = datetime.date.today()
    page.get_by_label(label("Date")).fill(day.isoformat())
    page.get_by_label(label("Heure de début")).fill("14:00")
    page.get_by_label(label("Heure de fin")).fill("13:00")
    page.get_by_label(label("Lieu")).fill("Mairie de Loriol")
    page.get_by_role("button", name="Programmer la réunion").click()
    expect(page.get_by_text("L'heure de fin doit suivre l'heure de début.")).to_be_visible()
    expect(page.get_by_label(label("Lieu"))).to_have_value("Mairie de Loriol")  # nothing lost
    page.get_by_label(label("Heure de fin")).fill("16:30")
    page.get_by_role("button", name="Programmer la réunion").click()
    expect(page.get_by_text(f"La réunion du {day:%d/%m/%Y} est programmée.")).to_be_visible()

    page.get_by_label(label("Intitulé du point")).fill("Programmation de l'année")
    page.get_by_role("button", name="Ajouter le point").click()
    expect(page.get_by_text("Le point est ajouté à l'ordre du jour.")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda").click()
    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime.datetime.combine(
        day, datetime.time(14, 0)
    )
    assert event["LOCATION"] == "Mairie de Loriol"
    assert "Programmation de l'année" in event["DESCRIPTION"]

    expect(page.get_by_text("Le conseil citoyen n'est pas convoqué")).to_be_visible()
    confirm(page, "Envoyer la convocation")
    expect(page.get_by_text("La convocation est envoyée à 1 personne(s)")).to_be_visible()
    (message,) = mailoutbox
    assert message.to == [instructor.email]
    content = message.attachments[0][1]
    (event,) = icalendar.Calendar.from_ical(
        content.encode() if isinstance(content, str) else content
    ).walk("VEVENT")
    assert event["UID"] == f"{loriol.meetings.get().uuid}@quartiers"

    attendance = page.get_by_role("table", name="Institutions convoquées et leur présence")
    attendance.get_by_role("combobox", name=f"Présence — {caf.name}").select_option(
        label="représenté·e"
    )
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Dites qui représentait l'institution.")).to_be_visible()
    attendance.get_by_role("textbox", name=f"Représentée par — {caf.name}").fill("Mme Roux")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Les présences sont enregistrées.")).to_be_visible()
    expect(page.get_by_text("tenue", exact=True)).to_be_visible()
