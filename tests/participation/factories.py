"""Situations of the conseil citoyen, built through the real services."""

import datetime

from quartiers.participation import services
from quartiers.participation.enums import College, Gender
from quartiers.participation.volunteers import VolunteerRow
from tests.contracts.factories import ContractFactory

WOMEN = ["Awa Diallo", "Brigitte Morel", "Chantal Roux", "Dalila Haddad", "Emma Petit"]
MEN = ["Ahmed Benali", "Bruno Garnier", "Cédric Faure", "Didier Lambert"]


def rows(women=WOMEN, men=MEN):
    """Volunteer rows: women first, then men, with an e-mail each."""
    people = [(name, Gender.WOMAN) for name in women] + [(name, Gender.MAN) for name in men]
    return [
        VolunteerRow(
            line=i,
            display_name=name,
            gender=str(gender),
            email=f"volontaire{i}@example.org",
        )
        for i, (name, gender) in enumerate(people, start=1)
    ]


def council(contract=None, **kwargs):
    contract = contract or ContractFactory()
    return services.save_council(
        contract=contract, by=None, name=kwargs.pop("name", "Conseil citoyen témoin"), **kwargs
    )


def member(council, **kwargs):
    values = {
        "college": College.RESIDENT,
        "first_name": "Jeanne",
        "last_name": "Dupont",
        "email": "jeanne.dupont@example.org",
        "gender": Gender.WOMAN,
        "term_starts_on": datetime.date(2024, 1, 15),
        "consent_given": True,
        **kwargs,
    }
    return services.add_member(council=council, by=None, **values)


def volunteer_list(contract, **kwargs):
    return services.record_volunteer_list(
        contract=contract,
        by=None,
        name=kwargs.pop("name", "Volontaires 2026"),
        rows=kwargs.pop("rows", None) or rows(),
        source="saisie",
    )


def draw(volunteer_list, *, seats=4, seed="GRAINE-TEMOIN"):
    return services.draw_by_lot(volunteer_list=volunteer_list, seats=seats, seed=seed, by=None)
