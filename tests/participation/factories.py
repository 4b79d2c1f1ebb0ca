"""Situations of the conseil citoyen, built through the real services."""

import datetime
from decimal import Decimal

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


# --------------------------------------------------------------------------- FPH

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%fictif\n"


def fund(contract=None, **kwargs):
    from django.utils import timezone

    from quartiers.participation import fund as fph

    values = {
        "year": timezone.localdate().year,
        "envelope": Decimal("5000"),
        "cap_per_project": Decimal("760"),
        "max_share": 80,
        "carrying_structure_name": "Association porteuse témoin",
        **kwargs,
    }
    return fph.save_fund(contract=contract or ContractFactory(), by=None, **values)


def request_values(**kwargs):
    return {
        "title": "Fête des voisins de la rue des Lilas",
        "description": "Un repas partagé dans la cour.",
        "audience": "Les habitants de la rue",
        "when": "samedi 14 mars",
        "group_name": "Les voisins des Lilas",
        "contact_first_name": "Samia",
        "contact_email": "samia@example.org",
        "contact_phone": "",
        "total_cost": Decimal("500"),
        "amount_requested": Decimal("400"),
        **kwargs,
    }


def requested(fund, **kwargs):
    """A request filed, not confirmed: (project, key)."""
    from quartiers.participation import fund as fph

    filed = fph.request_micro_project(fund=fund, **request_values(**kwargs))
    return filed.project, filed.key


def submitted(fund, **kwargs):
    from quartiers.participation import fund as fph

    project, _key = requested(fund, **kwargs)
    fph.confirm_micro_project(project=project)
    project.refresh_from_db()
    return project


def vote(accepted=True, **kwargs):
    from django.utils import timezone

    return {
        "accepted": accepted,
        "votes_for": 5,
        "votes_against": 1,
        "votes_abstention": 0,
        "decided_on": timezone.localdate(),
        **kwargs,
    }


def accepted(fund, amount=None, **kwargs):
    from quartiers.participation import fund as fph

    project = submitted(fund, **kwargs)
    return fph.decide_micro_project(project=project, by=None, **vote(amount_granted=amount))


def paid(fund, **kwargs):
    from django.utils import timezone

    from quartiers.participation import fund as fph

    project = accepted(fund, **kwargs)
    return fph.record_payment(
        project=project, by=None, paid_on=timezone.localdate(), amount=project.amount_granted
    )


def upload(name="ticket.pdf", content=PDF, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)
