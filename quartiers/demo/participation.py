"""The demonstration's FICTITIOUS conseil citoyen of the Loriol contract: its members, a list of
volunteers and a draw by lot with parity, dated from the day the demo is loaded.

The protocol names a conseil citoyen (« cœur de Lorient » in its text, created in October
2016); nothing else of it is known, so every person here is invented and says so (« fictif »,
« fictive »), as does the carrying structure. Everything goes through the participation
services, at moments of the demo's calendar before the load day.
"""

import datetime

from quartiers.access.enums import ContractRole
from quartiers.demo.applications import on
from quartiers.demo.calendar import DemoCalendar
from quartiers.demo.clock import frozen_at
from quartiers.participation import services as participation
from quartiers.participation.enums import College, Gender
from quartiers.participation.models import CitizenCouncil
from quartiers.participation.volunteers import VolunteerRow

days = datetime.timedelta

COUNCIL_NAME = "Conseil citoyen Cœur de Loriol (démonstration, membres fictifs)"
CARRYING_STRUCTURE = "Structure porteuse fictive de la démonstration"
DRAW_SEED = "DEMO-LORIOL-REUNION-PUBLIQUE"
DRAW_SEATS = 6
VOLUNTEERS = [
    ("Aïcha Benyahia (fictive)", Gender.WOMAN),
    ("Brigitte Charpin (fictive)", Gender.WOMAN),
    ("Coralie Dumas (fictive)", Gender.WOMAN),
    ("Djamila Ferhat (fictive)", Gender.WOMAN),
    ("Élodie Garcin (fictive)", Gender.WOMAN),
    ("Fatou Ndiaye (fictive)", Gender.WOMAN),
    ("Ginette Roche (fictive)", Gender.WOMAN),
    ("Alain Bouvier (fictif)", Gender.MAN),
    ("Bilal Chérif (fictif)", Gender.MAN),
    ("Christophe Dorier (fictif)", Gender.MAN),
    ("Denis Espitalier (fictif)", Gender.MAN),
    ("Florent Giraud (fictif)", Gender.MAN),
]
LOCAL_ACTORS = [
    ("Mathilde", "Vernet (fictive)", Gender.WOMAN, "Association de locataires (fictive)"),
    ("Yacine", "Brahimi (fictif)", Gender.MAN, "Club de football du quartier (fictif)"),
]


def load_participation(contract, people, today: datetime.date):
    """The council, its members (the demo's conseil citoyen person among them), a volunteer
    list, a draw whose seated residents become members, and one member who left and had
    their data erased. Loaded once: a second load finds the council and adds nothing."""
    if CitizenCouncil.objects.filter(contract=contract).exists():
        return None
    calendar = DemoCalendar(today)
    lead = next(p for p in people if _holds(p, contract, ContractRole.PROJECT_LEAD))
    council_person = next(p for p in people if _holds(p, contract, ContractRole.CITIZEN_COUNCIL))
    founded = calendar.start + days(7)
    with frozen_at(on(founded, 9)):
        council = participation.save_council(
            contract=contract,
            by=lead,
            name=COUNCIL_NAME,
            carrying_structure_name=CARRYING_STRUCTURE,
        )
        for first, last, gender, represents in LOCAL_ACTORS:
            participation.add_member(
                council=council,
                by=lead,
                college=College.LOCAL_ACTOR,
                first_name=first,
                last_name=last,
                gender=gender,
                represents=represents,
                term_starts_on=founded,
                consent_given=True,
            )
        volunteer_list = participation.record_volunteer_list(
            contract=contract,
            by=lead,
            name="Volontaires de la réunion publique (fictifs)",
            rows=[
                VolunteerRow(line=i, display_name=name, gender=str(gender), email="")
                for i, (name, gender) in enumerate(VOLUNTEERS, start=1)
            ],
            source="saisie (démonstration)",
        )
    drawn_on = founded + days(14)
    with frozen_at(on(drawn_on, 18)):
        draw = participation.draw_by_lot(
            volunteer_list=volunteer_list, seats=DRAW_SEATS, seed=DRAW_SEED, by=lead
        )
    with frozen_at(on(drawn_on + days(3), 10)):
        seated = draw.entries.filter(seated=True).select_related("volunteer")
        members = [
            participation.add_member(
                council=council,
                by=lead,
                college=College.RESIDENT,
                last_name=entry.volunteer.display_name,
                gender=entry.gender,
                term_starts_on=drawn_on,
                consent_given=True,
                volunteer=entry.volunteer,
            )
            for entry in seated
        ]
        participation.add_member(
            council=council,
            by=lead,
            college=College.RESIDENT,
            first_name=council_person.first_name,
            last_name=council_person.last_name,
            email=council_person.email,
            gender=Gender.WOMAN,
            term_starts_on=drawn_on,
            consent_given=True,
            user=council_person,
        )
    # A drawn resident left a year later and asked for their data to be erased.
    left_on = min(drawn_on + days(365), today - days(1))
    with frozen_at(on(left_on, 11)):
        participation.record_departure(member=members[-1], by=lead, left_on=left_on)
        participation.erase_member(member=members[-1], by=lead)
    return council, draw


def _holds(user, contract, role) -> bool:
    return user.role_assignments.filter(contract=contract, role=role).exists()
