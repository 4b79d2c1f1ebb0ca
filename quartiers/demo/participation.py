"""The demonstration's FICTITIOUS conseil citoyen of the Loriol contract: its members, a list of
volunteers and a draw by lot with parity, dated from the day the demo is loaded.

The protocol names a conseil citoyen (« cœur de Lorient » in its text, created in October
2016); nothing else of it is known, so every person here is invented and says so (« fictif »,
« fictive »), as does the carrying structure. Everything goes through the participation
services, at moments of the demo's calendar before the load day.
"""

import datetime
from decimal import Decimal

from quartiers.access.enums import ContractRole
from quartiers.demo.applications import on
from quartiers.demo.calendar import DemoCalendar
from quartiers.demo.catalogue import DEMO_DOMAIN
from quartiers.demo.clock import frozen_at
from quartiers.governance import services as governance
from quartiers.governance.enums import BodyKind
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


# --------------------------------------------------------------------------- FPH

FUND_CARRIER = "Association porteuse fictive du fonds des habitants (démonstration)"
FUND_ENVELOPE = Decimal("5000")
PDF = b"%PDF-1.4\n% justificatif fictif de la demonstration\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
# (title, what, for whom, when, group, contact's first name, cost, asked, outcome, granted)
MICRO_PROJECTS = [
    (
        "Repas partagé de la rue des Tilleuls (projet fictif)",
        "Un repas de rue où chaque famille apporte un plat, avec des jeux pour les enfants.",
        "Les habitants de la rue et des immeubles voisins",
        "un samedi de juin",
        "Les voisins des Tilleuls (groupe fictif)",
        "Rosalie (fictive)",
        "600",
        "450",
        "reported",
        "450",
    ),
    (
        "Atelier de réparation de vélos (projet fictif)",
        "Quatre samedis pour apprendre à réparer son vélo, outils prêtés.",
        "Les jeunes du quartier",
        "en septembre",
        "Clé à molette (groupe fictif)",
        "Anatole (fictif)",
        "900",
        "700",
        "paid",
        "650",
    ),
    (
        "Fresque du préau avec les enfants (projet fictif)",
        "Peindre le mur du préau de l'école avec les enfants et un artiste du quartier.",
        "Les enfants de l'école et leurs parents",
        "pendant les vacances d'automne",
        "Les parents du préau (groupe fictif)",
        "Philomène (fictive)",
        "950",
        "760",
        "accepted",
        "760",
    ),
    (
        "Sortie au lac pour les familles (projet fictif)",
        "Un car pour une journée au lac avec les familles qui ne partent pas en vacances.",
        "Les familles du quartier",
        "au printemps",
        "Les familles en balade (groupe fictif)",
        "Eugénie (fictive)",
        "1000",
        "700",
        "submitted",
        None,
    ),
    (
        "Tournoi de pétanque inter-immeubles (projet fictif)",
        "Un tournoi entre les immeubles, avec buvette.",
        "Les habitants des immeubles A à D",
        "en juillet",
        "Boules du cœur (groupe fictif)",
        "Barnabé (fictif)",
        "400",
        "300",
        "refused",
        None,
    ),
]


def load_residents_fund(contract, people, today: datetime.date):
    """This year's FICTITIOUS fonds de participation des habitants: an envelope of 5 000 €,
    760 € per project, 80 % of its cost, and five micro-projects in every state (awaiting the
    committee, accepted, paid, bilan filed, refused), built through the services. Loaded
    once: a second load finds the fund and adds nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quartiers.participation import fund as fph
    from quartiers.participation.models import ResidentsFund

    if ResidentsFund.objects.filter(contract=contract, year=today.year).exists():
        return None
    from django.utils import timezone

    lead = next(p for p in people if _holds(p, contract, ContractRole.PROJECT_LEAD))
    # Every step between the year's start (at most 120 days ago) and now, in the year of the
    # fund: the demo stays coherent on any load day, 2 January included.
    now = timezone.now()
    new_year = timezone.make_aware(datetime.datetime(today.year, 1, 1, 0, 1))
    start = max(new_year, now - days(120))

    def moment(fraction):
        return start + (now - start) * fraction

    def day(fraction):
        return timezone.localdate(moment(fraction))

    with frozen_at(moment(0.01)):
        fund = fph.save_fund(
            contract=contract,
            by=lead,
            year=today.year,
            envelope=FUND_ENVELOPE,
            carrying_structure_name=FUND_CARRIER,
        )
    with frozen_at(moment(0.3)):
        committee = governance.committee_body(contract=contract, kind=BodyKind.FPH_COMMITTEE)
        meeting = governance.plan_meeting(
            body=committee,
            date=day(0.4),
            start_time=datetime.time(18, 30),
            place="Centre social, Loriol-sur-Drôme (lieu fictif)",
            by=lead,
        )
    for i, row in enumerate(MICRO_PROJECTS):
        title, what, audience, when, group, first_name, cost, asked, outcome, granted = row
        local = first_name.split(" ")[0].lower().replace("è", "e").replace("é", "e")
        with frozen_at(moment(0.05 + 0.04 * i)):
            filed = fph.request_micro_project(
                fund=fund,
                title=title,
                description=what,
                audience=audience,
                when=when,
                group_name=group,
                contact_first_name=first_name,
                contact_email=f"{local}.fph@{DEMO_DOMAIN}",
                total_cost=Decimal(cost),
                amount_requested=Decimal(asked),
            )
            fph.confirm_micro_project(project=filed.project)
        if outcome == "submitted":
            continue
        decided_on = day(0.4)
        with frozen_at(moment(0.4)):
            project = fph.decide_micro_project(
                project=filed.project,
                by=lead,
                accepted=outcome != "refused",
                votes_for=6 if outcome != "refused" else 2,
                votes_against=1 if outcome != "refused" else 5,
                votes_abstention=1,
                decided_on=decided_on,
                meeting=meeting,
                amount_granted=Decimal(granted) if granted else None,
                comment=(
                    "Le comité préfère soutenir des projets ouverts à tout le quartier "
                    "(motif fictif)."
                    if outcome == "refused"
                    else ""
                ),
            )
        if outcome in ("refused", "accepted"):
            continue
        paid_on = day(0.55)
        with frozen_at(moment(0.55)):
            project = fph.record_payment(
                project=project, by=lead, paid_on=paid_on, amount=project.amount_granted
            )
        if outcome != "reported":
            continue
        with frozen_at(moment(0.8)):
            fph.file_report(
                project=project,
                text="Soixante voisins sont venus ; les enfants ont fait les affiches. "
                "(Bilan fictif de la démonstration.)",
                participants=60,
                expenses=Decimal("430"),
                receipts=[SimpleUploadedFile("ticket-fictif.pdf", PDF, "application/pdf")],
                photos=[SimpleUploadedFile("photo-fictive.png", PNG, "image/png")],
            )
    return fund
