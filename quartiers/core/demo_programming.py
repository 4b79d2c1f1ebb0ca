"""The demonstration's FICTITIOUS 2020-2022 programming of the Loriol contract.

Calls, applications of fictitious associations, instruction, committees, decisions,
conventions, payments and bilans, all through the programming services (which validates the
data). Dates are fixed in those years (`now=`); randomness comes from one seeded generator, so
two loads give the same programming.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify

from quartiers.accounts import services as accounts
from quartiers.accounts.enums import ContractRole
from quartiers.programming import services as programming
from quartiers.programming.enums import ApplicationStatus as S
from quartiers.programming.enums import (
    BudgetSide,
    CommitteeKind,
    DecisionOutcome,
    Opinion,
    PaymentKind,
)
from quartiers.programming.forms import AGE_BANDS

DEMO_DOMAIN = "demo.quartiers.invalid"
DEMO_ASSOCIATION = "Association fictive « Vivre ensemble au cœur » (démo)"

PROGRAMMING_SEED = 2020
PROGRAMMING_YEARS = (2020, 2021, 2022)
FUNDER_CODES = ("ETAT", "VILLE", "CCVD", "CAF", "CD")
ENVELOPES = {"ETAT": 90000, "VILLE": 45000, "CCVD": 32000, "CAF": 35000, "CD": 40000}
REQUIRED_ATTACHMENTS = [
    ("Statuts de l'association", True),
    ("Budget prévisionnel de la structure", True),
    ("Relevé d'identité bancaire", True),
    ("Rapport d'activité de l'année précédente", False),
]
CRITERIA = [
    ("Réponse aux besoins des habitants du quartier", 2),
    ("Part du public résidant dans le QPV", 2),
    ("Partenariats mobilisés", 1),
    ("Égalité femmes-hommes", 1),
    ("Évaluation prévue", 1),
]
DEMO_FILE = "demo/piece-fictive.pdf"
DEMO_PDF = b"%PDF-1.4\n% Piece fictive de la demonstration quartiers\n%%EOF\n"

# key: (name of the fictitious association, contact's first name)
CARRIERS = {
    "vivre": (DEMO_ASSOCIATION, "Pascal"),
    "arts": ("Compagnie des Arts en partage (fictive)", "Aïcha"),
    "sport": ("Club sportif des Quatre-Vents (fictive)", "Bruno"),
    "numerique": ("Atelier numérique Clic et Lien (fictive)", "Nadia"),
    "parents": ("Maison des parents et des enfants (fictive)", "Sophie"),
    "sante": ("Réseau Santé de proximité (fictive)", "Yann"),
    "jardins": ("Les Jardins de la Colline (fictive)", "Mireille"),
    "emploi": ("Passerelle Emploi Val de Drôme (fictive)", "Karim"),
}


@dataclass(frozen=True)
class ActionSpec:
    title: str
    carrier: str
    pillar: int  # index in the contract's pillars
    funders: tuple[str, ...]
    budget: int  # charges of the first year
    public: int
    engagements: tuple[int, ...] = ()
    theme: str = ""
    period: str = "year"  # "year", "school" (September to June) or "summer"
    first_year: int = 2020
    equality: str = "G1"


# title; carrier; pillar (index); funders; charges (€); public; engagements; theme; period;
# first year; gender-equality marker (the last four optional)
ACTIONS_TABLE = """
Accueil et accès aux droits au cœur du quartier; vivre; 1; ETAT CAF VILLE; 24000; 180; 5
Fête de quartier et repas partagés; vivre; 1; VILLE CCVD; 8000; 400; 5; ; summer
Café des habitants; vivre; 1; ETAT VILLE; 9000; 90; 5 14
Orchestre à l'école; arts; 1; ETAT CD CCVD; 30000; 45; 8; Culture; school
Théâtre forum : paroles d'habitants; arts; 1; ETAT VILLE; 12000; 60; 7; Culture
Fresque participative du centre ancien; arts; 2; ETAT VILLE CCVD; 15000; 70; 10
Sport pour toutes : créneaux féminins; sport; 1; ETAT CD VILLE; 11000; 50; 5; ; year; 2020; G2
Éducateur sportif de rue; sport; 1; ETAT VILLE; 26000; 120; 14; Tranquillité publique
Stages multisports des vacances; sport; 1; CAF VILLE; 7000; 80; 5; ; summer
Permanences d'inclusion numérique; numerique; 1; ETAT CD CCVD; 14000; 150; 1 9
Atelier radio et éducation aux médias; numerique; 1; ETAT CAF; 10000; 35; 9; Culture; school
Coup de pouce aux démarches en ligne; numerique; 0; ETAT CCVD; 6000; 110; 1
Accompagnement à la scolarité (CLAS); parents; 1; CAF ETAT VILLE; 20000; 60; 6; ; school
Lieu d'accueil enfants-parents; parents; 1; CAF CD; 16000; 70; 5
Sorties familles de l'été; parents; 1; CAF VILLE; 6000; 120; 5; ; summer
Médiation santé : aller vers les habitants; sante; 1; ETAT CD; 28000; 200; 11; Santé
Ateliers prévention et dépistage; sante; 1; ETAT CCVD; 9000; 90; 12 13; Santé
Bien manger, petit budget; sante; 1; CAF CD; 7000; 45; 12; Santé
Jardin partagé de la Colline; jardins; 2; ETAT VILLE CCVD; 13000; 55; 14 16
Chantiers jeunes d'embellissement; jardins; 2; ETAT CD; 12000; 24; 16; ; summer
Compost collectif en pied d'immeuble; jardins; 2; VILLE CCVD; 5000; 60; 16
Permanence emploi de proximité; emploi; 0; ETAT CCVD CD; 25000; 130; 1 2
Parcours vers l'emploi des femmes; emploi; 0; ETAT CD; 18000; 30; 2; ; year; 2020; G2
Découverte des métiers pour les 16-25 ans; emploi; 0; ETAT CCVD; 10000; 40; 2 3
Permis de conduire solidaire; emploi; 0; ETAT CD CCVD; 17000; 25; 3
Ateliers d'écriture au collège; arts; 1; ETAT CD; 8000; 50; 6 8; Culture; school; 2021
Vélo-école pour adultes; sport; 0; ETAT CCVD; 6000; 30; 3; ; year; 2021
Marche exploratoire des femmes; vivre; 2; ETAT VILLE; 5000; 25; 14; ; year; 2021; G2
Point écoute jeunes; sante; 1; ETAT CAF; 15000; 60; 12; Santé; year; 2022
Repair café du quartier; jardins; 2; VILLE CCVD; 4000; 80; 16; ; year; 2022
Aide aux devoirs numérique; numerique; 1; CAF VILLE; 9000; 40; 6; ; school; 2022
Cinéma en plein air; arts; 1; VILLE CCVD; 7000; 500; 7; Culture; summer; 2022
"""


def _actions(table: str) -> list[ActionSpec]:
    specs = []
    for row in table.strip().splitlines():
        cells = [cell.strip() for cell in row.split(";")]
        cells += [""] * (11 - len(cells))
        title, carrier, pillar, funders, budget, public, engagements, theme, period = cells[:9]
        specs.append(
            ActionSpec(
                title=title,
                carrier=carrier,
                pillar=int(pillar),
                funders=tuple(funders.split()),
                budget=int(budget),
                public=int(public),
                engagements=tuple(int(n) for n in engagements.split()),
                theme=theme,
                period=period or "year",
                first_year=int(cells[9] or 2020),
                equality=cells[10] or "G1",
            )
        )
    return specs


ACTIONS = _actions(ACTIONS_TABLE)

# The final status of each application of a year (`refused`: every funder said no, closed).
FATES = {
    2020: ["draft", "withdrawn", "refused", "paid"] + ["report_received"] * 3 + ["closed"] * 11,
    2021: ["draft", "withdrawn", "refused"] + ["report_received"] * 5 + ["closed"] * 12,
}
# 2022 is a call « au fil de l'eau », open until November: three waves, the last still running.
WAVES_2022 = {
    1: ["paid"] * 6 + ["report_received"] * 2 + ["refused", "withdrawn"],
    2: ["convention_signed"] * 3,
    3: ["decided"] * 2
    + ["examined"] * 2
    + ["under_instruction"] * 2
    + ["submitted"]
    + ["draft"] * 2,
}
FUNDED = {"paid", "report_received", "closed", "convention_signed"}


def _at(year, month, day, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def _round(value, step=50) -> Decimal:
    return Decimal(round(float(value) / step) * step)


@dataclass
class Plan:
    spec: ActionSpec
    fate: str
    previous: object = None  # the application renewed
    wave: int = 1
    application: object = None
    commitments: list = field(default_factory=list)  # (convention, funder, amount granted)
    paid: dict = field(default_factory=dict)  # {funder pk: amount paid}


class ProgrammingDemo:
    def __init__(self, contract, people):
        self.contract = contract
        self.rng = random.Random(PROGRAMMING_SEED)
        roles = {a.role: a.user for u in people for a in u.role_assignments.all()}
        self.lead = roles[ContractRole.PROJECT_LEAD]
        self.council = roles[ContractRole.CITIZEN_COUNCIL]
        self.funders = {
            code: contract.partners.get(code=code).organisation for code in FUNDER_CODES
        }
        self.instructors = {
            a.organisation_id: a.user
            for a in contract.role_assignments.filter(role=ContractRole.FUNDER_INSTRUCTOR)
        }
        self.carriers = {
            key: accounts.demo_organisation(name=name) for key, (name, _) in CARRIERS.items()
        }
        self.pillars = list(contract.pillars.order_by("position", "pk"))
        self.themes = {t.name: t for p in self.pillars for t in p.themes.all()}
        self.engagements = {e.number: e for e in contract.engagements.all()}
        self.qpvs = list(contract.qpvs.order_by("name"))
        self.sessions = {}
        if not default_storage.exists(DEMO_FILE):
            default_storage.save(DEMO_FILE, ContentFile(DEMO_PDF))

    # ------------------------------------------------------------------ calls

    def first_call(self):
        call = programming.create_call(
            contract=self.contract,
            year=2020,
            title="Appel à projets 2020 du contrat de ville « Cœur de Loriol » (fictif)",
            description=(
                "Données de démonstration, fictives. L'appel soutient les actions menées pour "
                "et avec les habitants du quartier prioritaire, selon les piliers du contrat."
            ),
            opens_on=datetime.date(2019, 11, 4),
            deadline=_at(2020, 1, 31, 18),
            technical_committee_on=datetime.date(2020, 2, 27),
            steering_committee_on=datetime.date(2020, 3, 19),
            by=self.lead,
        )
        call.priorities.set(self.contract.priorities.all())
        call.engagements.set(self.engagements.values())
        for code, envelope in ENVELOPES.items():
            call.funders.create(organisation=self.funders[code], envelope=Decimal(envelope))
        for label, mandatory in REQUIRED_ATTACHMENTS:
            call.required_attachments.create(label=label, mandatory=mandatory)
        for position, (label, weight) in enumerate(CRITERIA):
            call.criteria.create(label=label, weight=weight, max_score=4, position=position)
        programming.open_call(call=call, by=self.lead)
        return call

    def next_call(self, call):
        new = programming.copy_call_to_next_year(call=call, by=self.lead)
        programming.open_call(call=new, by=self.lead)
        return new

    def session(self, call, kind, held_on):
        key = (call.pk, kind, held_on)
        if key not in self.sessions:
            self.sessions[key] = programming.create_committee_session(
                call=call, kind=kind, held_on=held_on, by=self.lead
            )
        return self.sessions[key]

    # ------------------------------------------------------------------ applications

    def dates(self, spec, year):
        if spec.period == "school":
            return datetime.date(year - 1, 9, 1), datetime.date(year, 6, 30)
        if spec.period == "summer":
            return datetime.date(year, 6, 1), datetime.date(year, 9, 30)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def budget(self, spec, charges):
        charges = _round(charges, 100)
        purchases = _round(charges * Decimal("0.12"))
        services = _round(charges * Decimal("0.08"))
        other = _round(charges * Decimal("0.10"))
        staff = charges - purchases - services - other
        share = Decimal(self.rng.choice(["0.70", "0.75", "0.80"]))
        weights = [self.rng.randint(2, 5) for _ in spec.funders]
        asked = [_round(charges * share * w / sum(weights), 100) for w in weights]
        sales = _round(charges * Decimal("0.05"))
        own = charges - sum(asked) - sales
        line = programming.BudgetLineData
        lines = [
            line(BudgetSide.CHARGE, "60", purchases, "Petit matériel et fournitures"),
            line(BudgetSide.CHARGE, "61", services, "Locations et assurances"),
            line(BudgetSide.CHARGE, "62", other, "Intervenants et déplacements"),
            line(BudgetSide.CHARGE, "64", staff, "Salaires et charges"),
            line(BudgetSide.PRODUCT, "70", sales, "Participation des familles"),
        ]
        lines += [
            line(BudgetSide.PRODUCT, "74", amount, f"Subvention {code}", self.funders[code])
            for code, amount in zip(spec.funders, asked, strict=True)
        ]
        lines.append(line(BudgetSide.PRODUCT, "75", own, "Fonds propres et cotisations"))
        volunteering = _round(self.rng.randint(5, 30) * 150, 10)
        lines += [
            line(BudgetSide.CONTRIBUTION_USE, "864", volunteering, "Bénévoles"),
            line(BudgetSide.CONTRIBUTION_SOURCE, "870", volunteering, "Bénévolat"),
        ]
        return lines

    def public(self, total):
        women = round(total * self.rng.uniform(0.45, 0.62))
        bands, rest = {}, total
        for band, weight in zip(AGE_BANDS, (1, 3, 3, 2, 4, 1), strict=True):
            bands[band] = min(rest, round(total * weight / 14))
            rest -= bands[band]
        bands["26-64"] += rest
        qpv = round(total * self.rng.uniform(0.65, 0.9))
        return women, total - women, bands, qpv

    def start(self, plan, call, now):
        spec, year = plan.spec, call.year
        carrier = self.carriers[spec.carrier]
        starts_on, ends_on = self.dates(spec, year)
        if year == 2022 and plan.fate == "report_received":  # ended early: bilan in autumn
            ends_on = min(ends_on, datetime.date(2022, 7, 31))
        if plan.previous is not None:
            application = programming.start_application(
                call=call, carrier=carrier, title=spec.title, renewal_of=plan.previous, now=now
            )
            application.starts_on, application.ends_on = starts_on, ends_on
            application.attested = True  # the carrier attests again every year
            application.save(update_fields=["starts_on", "ends_on", "attested", "updated_at"])
            growth = Decimal(self.rng.choice(["1.00", "1.02", "1.04", "1.06"]))
            charges = plan.previous.budget_totals()[BudgetSide.CHARGE] * growth
        else:
            application = programming.start_application(
                call=call, carrier=carrier, title=spec.title, now=now
            )
            charges = Decimal(spec.budget)
            name = CARRIERS[spec.carrier][1]
            women, men, bands, qpv = self.public(spec.public)
            values = {
                "contact_name": f"{name} Démo (fictif)",
                "contact_email": f"{spec.carrier}@{DEMO_DOMAIN}"
                if spec.carrier != "vivre"
                else f"porteur@{DEMO_DOMAIN}",
                "contact_phone": "04 00 00 00 00",
                "volunteers": self.rng.randint(3, 25),
                "employees": self.rng.randint(0, 6),
                "full_time_equivalents": Decimal(self.rng.randint(0, 8)) / 2,
                "objectives": f"{spec.title} : permettre aux habitants du quartier prioritaire "
                "d'y participer et d'en être acteurs (objectifs fictifs).",
                "description": "Action fictive de la démonstration : séances régulières, "
                "animées par l'association avec ses partenaires du quartier.",
                "public_total": spec.public,
                "public_women": women,
                "public_men": men,
                "public_age_bands": bands,
                "public_qpv_residents": qpv,
                "places": "Quartier prioritaire de la commune (lieux fictifs)",
                "means": "Une ou un salarié animateur, des bénévoles, du petit matériel.",
                "indicators": "Nombre de participants, part des habitants du QPV, assiduité.",
                "pillar": self.pillars[spec.pillar],
                "theme": self.themes.get(spec.theme),
                "equality_marker": spec.equality,
                "targets_youth": spec.period in {"school", "summer"},
                "signatory_name": f"{name} Démo (fictif)",
                "signatory_quality": "président·e",
                "attested": True,
                "starts_on": starts_on,
                "ends_on": ends_on,
            }
            for field, value in values.items():
                setattr(application, field, value)
            application.save()
            application.qpvs.set(self.qpvs)
            application.engagements.set(
                [self.engagements[n] for n in spec.engagements if n in self.engagements]
            )
            for required in call.required_attachments.all():
                application.attachments.create(
                    required=required,
                    file=DEMO_FILE,
                    name=f"{slugify(required.label)}.pdf",
                    content_type="application/pdf",
                    size=len(DEMO_PDF),
                )
        programming.set_budget(application=application, lines=self.budget(spec, charges))
        plan.application = application
        return application

    def submit(self, plan, now):
        application = plan.application
        if plan.spec.carrier == "jardins" and programming.missing_reports(
            application.carrier, now.date()
        ):
            programming.override_report_block(
                application=application,
                reason="Bilan 2020 promis pour mars : l'association a changé de trésorière.",
                by=self.lead,
            )
        programming.submit_application(application=application, now=now)
        application.refresh_from_db()

    def instruct(self, plan, now, refused=False):
        application = plan.application
        if application.status == S.SUBMITTED:
            programming.change_status(
                application=application,
                to=S.UNDER_INSTRUCTION,
                by=self.lead,
                comment="Instruction au fil de l'eau",
                now=now,
            )
        criteria = list(application.call.criteria.all())
        asked = {
            line.funder_id: line.amount
            for line in application.budget_lines.filter(funder__isnull=False)
        }
        for opinion in application.opinions.select_related("funder").order_by("funder__name"):
            requested = asked[opinion.funder_id]
            factor = Decimal(self.rng.choice(["1", "1", "1", "0.9", "0.8"]))
            programming.save_funder_opinion(
                opinion=opinion,
                expected_version=opinion.version,
                by=self.instructors.get(opinion.funder_id),
                verdict=Opinion.UNFAVOURABLE if refused else Opinion.FAVOURABLE,
                proposed_amount=None if refused else _round(requested * factor, 100),
                shared_comment="Hors des priorités de l'année."
                if refused
                else self.rng.choice(
                    [
                        "Action utile, bien ancrée dans le quartier.",
                        "Public du QPV bien identifié.",
                        "À poursuivre ; bilan précédent satisfaisant.",
                        "Budget cohérent.",
                    ]
                ),
                scores={str(c.pk): self.rng.randint(1 if refused else 2, 4) for c in criteria},
            )
        if self.rng.random() < 0.25 and not refused:
            programming.give_council_opinion(
                application=application,
                opinion=Opinion.FAVOURABLE,
                comment="Le conseil citoyen soutient cette action (avis fictif).",
                by=self.council,
            )

    def examine(self, plan, session, refused=False):
        programming.record_technical_opinion(
            session=session,
            application=plan.application,
            opinion=Opinion.UNFAVOURABLE if refused else Opinion.FAVOURABLE,
            comment="Ne répond pas aux priorités de l'appel." if refused else "",
            by=self.lead,
            now=_at(session.held_on.year, session.held_on.month, session.held_on.day, 17),
        )

    def decide(self, plan, session, refused=False):
        application = plan.application
        now = _at(session.held_on.year, session.held_on.month, session.held_on.day, 18)
        opinions = list(application.opinions.select_related("funder").order_by("funder__name"))
        for opinion in opinions:
            granted = not refused and opinion.proposed_amount
            programming.record_decision(
                session=session,
                application=application,
                funder=opinion.funder,
                outcome=DecisionOutcome.GRANTED if granted else DecisionOutcome.REFUSED,
                amount=opinion.proposed_amount if granted else Decimal("0"),
                motivation="Conforme à l'avis du comité technique."
                if granted
                else "Action hors des priorités de l'année.",
                by=self.lead,
                now=now,
            )
        application.refresh_from_db()
        if refused:
            programming.change_status(
                application=application,
                to=S.CLOSED,
                by=self.lead,
                comment="Aucun financement accordé.",
                now=now,
            )

    def sign(self, plan, signed_on):
        application = plan.application
        decisions = [
            d
            for d in application.decisions.select_related("funder").order_by("funder__name")
            if d.outcome == DecisionOutcome.GRANTED
        ]
        groups = [decisions] if self.rng.random() < 0.5 else [[d] for d in decisions]
        years = 3 if plan.spec.title == "Orchestre à l'école" and signed_on.year == 2020 else 1
        for group in groups:
            convention = programming.sign_convention(
                application=application,
                funders=[d.funder for d in group],
                signed_on=signed_on,
                years=years,
                by=self.lead,
                now=_at(signed_on.year, signed_on.month, signed_on.day),
            )
            plan.commitments += [(convention, d.funder, d.amount) for d in group]

    def pay(self, plan, paid_on, balance=False):
        now = _at(paid_on.year, paid_on.month, paid_on.day, 11)
        for convention, funder, granted in plan.commitments:
            paid = plan.paid.get(funder.pk, Decimal("0"))
            if paid >= granted:
                continue
            if balance:
                kind, amount = PaymentKind.BALANCE, granted - paid
            elif granted <= 3000:
                kind, amount = PaymentKind.SINGLE, granted
            else:
                kind, amount = PaymentKind.ADVANCE, _round(granted * Decimal("0.6"), 10)
            programming.record_payment(
                convention=convention,
                funder=funder,
                kind=kind,
                amount=amount,
                paid_on=paid_on,
                by=self.lead,
                now=now,
            )
            plan.paid[funder.pk] = paid + amount

    def report(self, plan, received_on):
        application = plan.application
        total = max(1, round(application.public_total * self.rng.uniform(0.8, 1.15)))
        women, men, bands, qpv = self.public(total)
        planned = application.budget_totals()[BudgetSide.CHARGE]
        realised = _round(planned * Decimal(self.rng.choice(["0.92", "0.97", "1", "1.02"])), 10)
        gap = abs(realised - planned) > planned / 20
        programming.submit_report(
            application=application,
            summary=f"Bilan fictif : {application.title.lower()} s'est déroulé comme prévu, "
            f"avec {total} participants.",
            participants_total=total,
            participants_women=women,
            participants_men=men,
            participants_age_bands=bands,
            participants_by_qpv={self.qpvs[0].name: qpv} if self.qpvs else {},
            objectives_reached="Objectifs atteints pour l'essentiel (données fictives).",
            realised_charges=realised,
            realised_products=realised,
            notes="Moins de séances que prévu." if gap else "",
            now=_at(received_on.year, received_on.month, received_on.day),
        )

    def close(self, plan, on):
        programming.change_status(
            application=plan.application,
            to=S.CLOSED,
            by=self.lead,
            comment="Bilan reçu et solde versé.",
            now=_at(on.year, on.month, on.day),
        )

    # ------------------------------------------------------------------ years

    def plans(self, year, previous_plans, count, must_have=()):
        """Renewals of last year's funded actions, then new actions, `count` in all."""
        plans = []
        if previous_plans:
            renewable = [p for p in previous_plans if p.fate in FUNDED]
            kept = self.rng.sample(renewable, min(len(renewable), count * 2 // 3))
            kept.sort(key=lambda p: ACTIONS.index(p.spec))
            plans = [Plan(p.spec, "", previous=p.application) for p in kept]
        used = {p.spec for p in plans} | {p.spec for p in previous_plans or []}
        brand_new = [a for a in ACTIONS if a.first_year == year and a not in used]
        pool = [a for a in ACTIONS if a.first_year < year and a not in used]
        must = [a for a in brand_new if a.title in must_have]
        brand_new = [a for a in brand_new if a not in must]
        needed = count - len(plans) - len(must) - len(brand_new)
        if needed >= 0:
            chosen = must + brand_new + self.rng.sample(pool, needed)
        else:
            chosen = must + self.rng.sample(brand_new, count - len(plans) - len(must))
        chosen.sort(key=ACTIONS.index)
        return plans + [Plan(spec, "") for spec in chosen]

    def assign(self, plans, fates, forced):
        """Give each plan a fate: `forced` {carrier: fate} first, the rest shuffled."""
        fates = list(fates)
        free = []
        for plan in plans:
            fate = forced.pop(plan.spec.carrier, None)
            if fate is not None:
                plan.fate = fate
                fates.remove(fate)
            else:
                free.append(plan)
        self.rng.shuffle(fates)
        for plan, fate in zip(free, fates, strict=True):
            plan.fate = fate

    def regular_year(self, call, plans, last_plans):
        """A call with one deadline: 2020 and 2021. `last_plans`' bilans come in the spring."""
        year = call.year
        for plan in plans:
            self.start(plan, call, _at(year - 1, 12, self.rng.randint(1, 20)))
        for plan in plans:
            if plan.fate != "draft":
                self.submit(plan, _at(year, 1, self.rng.randint(6, 30)))
        programming.start_instruction(call=call, by=self.lead, now=_at(year, 2, 3, 9))
        live = [p for p in plans if p.fate != "draft"]
        for plan in live:
            plan.application.refresh_from_db()
            self.instruct(plan, None, refused=plan.fate == "refused")
        for plan in live:
            if plan.fate == "withdrawn":
                programming.withdraw_application(
                    application=plan.application,
                    comment="L'association renonce : intervenante indisponible.",
                    now=_at(year, 2, 20),
                )
        technical = self.session(call, CommitteeKind.TECHNICAL, call.technical_committee_on)
        steering = self.session(call, CommitteeKind.STEERING, call.steering_committee_on)
        live = [p for p in live if p.fate != "withdrawn"]
        for plan in live:
            self.examine(plan, technical, refused=plan.fate == "refused")
        for plan in live:
            self.decide(plan, steering, refused=plan.fate == "refused")
        funded = [p for p in live if p.fate in FUNDED]
        for plan in funded:
            self.sign(plan, datetime.date(year, 4, self.rng.randint(6, 28)))
        for plan in funded:
            self.pay(plan, datetime.date(year, 5, self.rng.randint(4, 29)))
        self.bilans(last_plans, year)
        self.bilans(plans, year, autumn=True)

    def bilans(self, plans, year, autumn=False):
        """Bilans, balances and closings: in the autumn of `year` for its actions ended by
        September; in the spring of `year` for last year's other actions."""
        done = [
            p
            for p in plans
            if p.fate in {"report_received", "closed"}
            and (p.application.ends_on <= datetime.date(p.application.call.year, 9, 30)) == autumn
        ]
        month, balance, closing = (11, 12, 12) if autumn else (self.rng.randint(2, 3), 4, 5)
        for plan in done:
            self.report(plan, datetime.date(year, month, self.rng.randint(2, 15)))
        for plan in done:
            if plan.fate == "closed":
                self.pay(plan, datetime.date(year, balance, self.rng.randint(16, 25)), True)
                self.close(plan, datetime.date(year, closing, 28))

    def year_2022(self, call, plans, last_plans):
        """A call « au fil de l'eau »: three waves; the demo stops at the end of November."""
        call.title = "Appel à projets 2022 du contrat de ville « Cœur de Loriol » (fictif)"
        call.description += " En 2022, dépôt au fil de l'eau jusqu'au 30 novembre."
        call.deadline = _at(2022, 11, 30, 18)
        call.technical_committee_on = datetime.date(2022, 2, 24)
        call.steering_committee_on = datetime.date(2022, 3, 17)
        call.save(
            update_fields=[
                "title",
                "description",
                "deadline",
                "technical_committee_on",
                "steering_committee_on",
            ]
        )
        waves = {n: [p for p in plans if p.wave == n] for n in WAVES_2022}
        first, second, third = waves[1], waves[2], waves[3]
        # Wave 1: submitted in January, decided in March, paid in May.
        for plan in first:
            self.start(plan, call, _at(2021, 12, self.rng.randint(1, 20)))
            self.submit(plan, _at(2022, 1, self.rng.randint(6, 30)))
        for plan in first:
            self.instruct(plan, _at(2022, 2, 1, 9), refused=plan.fate == "refused")
        for plan in first:
            if plan.fate == "withdrawn":
                programming.withdraw_application(
                    application=plan.application,
                    comment="Action reportée à l'an prochain.",
                    now=_at(2022, 2, 18),
                )
        live = [p for p in first if p.fate != "withdrawn"]
        technical = self.session(call, CommitteeKind.TECHNICAL, call.technical_committee_on)
        steering = self.session(call, CommitteeKind.STEERING, call.steering_committee_on)
        for plan in live:
            self.examine(plan, technical, refused=plan.fate == "refused")
            self.decide(plan, steering, refused=plan.fate == "refused")
        funded = [p for p in live if p.fate in FUNDED]
        for plan in funded:
            self.sign(plan, datetime.date(2022, 4, self.rng.randint(6, 28)))
            self.pay(plan, datetime.date(2022, 5, self.rng.randint(4, 29)))
        self.bilans(last_plans, 2022)
        # Wave 2: submitted in May, decided in June, conventions signed in November.
        for plan in second:
            self.start(plan, call, _at(2022, 4, self.rng.randint(1, 28)))
            self.submit(plan, _at(2022, 5, self.rng.randint(2, 20)))
            self.instruct(plan, _at(2022, 5, 23, 9))
        technical = self.session(call, CommitteeKind.TECHNICAL, datetime.date(2022, 6, 9))
        steering = self.session(call, CommitteeKind.STEERING, datetime.date(2022, 6, 30))
        for plan in second:
            self.examine(plan, technical)
            self.decide(plan, steering)
            self.sign(plan, datetime.date(2022, 11, self.rng.randint(2, 25)))
        # Early-ending actions of wave 1 send their bilan in the autumn.
        for plan in first:
            if plan.fate == "report_received":
                self.report(plan, datetime.date(2022, 10, self.rng.randint(3, 28)))
        # Wave 3: the autumn, still in progress.
        technical = self.session(call, CommitteeKind.TECHNICAL, datetime.date(2022, 10, 13))
        steering = self.session(call, CommitteeKind.STEERING, datetime.date(2022, 11, 17))
        for plan in third:
            if plan.fate in {"decided", "examined"}:
                self.start(plan, call, _at(2022, 9, self.rng.randint(1, 15)))
                self.submit(plan, _at(2022, 9, self.rng.randint(16, 30)))
                self.instruct(plan, _at(2022, 10, 3, 9))
                self.examine(plan, technical)
                if plan.fate == "decided":
                    self.decide(plan, steering)
            elif plan.fate == "under_instruction":
                self.start(plan, call, _at(2022, 10, self.rng.randint(1, 10)))
                self.submit(plan, _at(2022, 10, self.rng.randint(17, 28)))
                self.instruct(plan, _at(2022, 11, 7, 9))
            elif plan.fate == "submitted":
                self.start(plan, call, _at(2022, 11, 2))
                self.submit(plan, _at(2022, 11, 25))
            else:
                self.start(plan, call, _at(2022, 11, self.rng.randint(14, 28)))

    def run(self):
        call = self.first_call()
        plans_2020 = self.plans(
            2020, None, 18, must_have={ACTIONS[0].title, "Jardin partagé de la Colline"}
        )
        self.assign(plans_2020, FATES[2020], {"jardins": "paid", "vivre": "closed"})
        self.regular_year(call, plans_2020, [])
        call = self.next_call(call)
        plans_2021 = self.plans(2021, plans_2020, 20)
        self.assign(plans_2021, FATES[2021], {"vivre": "report_received"})
        self.regular_year(call, plans_2021, plans_2020)
        call = self.next_call(call)
        plans_2022 = self.plans_2022(plans_2021)
        self.year_2022(call, plans_2022, plans_2021)
        return plans_2020 + plans_2021 + plans_2022

    def plans_2022(self, plans_2021):
        plans = self.plans(2022, plans_2021, 22)
        # The association whose 2020 bilan is missing: one submission (with a dérogation),
        # and its other actions wait as drafts (the dérogation is there to be demonstrated).
        fates = [(wave, fate) for wave, names in WAVES_2022.items() for fate in names]
        jardins = [p for p in plans if p.spec.carrier == "jardins"]
        forced = {}
        if jardins:
            forced[id(jardins[0])] = (1, "paid")
        for plan in jardins[1:2]:
            forced[id(plan)] = (3, "draft")
        vivre = next((p for p in plans if p.spec.carrier == "vivre" and id(p) not in forced), None)
        if vivre is not None:
            forced[id(vivre)] = (1, "paid")
        for plan in plans:
            if id(plan) in forced:
                plan.wave, plan.fate = forced[id(plan)]
                fates.remove(forced[id(plan)])
        free = [p for p in plans if id(p) not in forced]
        self.rng.shuffle(fates)
        for plan, (wave, fate) in zip(free, fates, strict=True):
            plan.wave, plan.fate = wave, fate
        return plans


def load_programming(contract, people) -> list:
    """The fictitious 2020-2022 programming; nothing if the contract already has its 2020 call."""
    if contract.calls.filter(year__in=PROGRAMMING_YEARS).exists():
        return []
    return [p.application for p in ProgrammingDemo(contract, people).run()]
