"""One application's life in the demo programming, from the draft to the closing: budget,
public, submission, instruction, committees, decisions, conventions, payments and bilan.

`ApplicationSteps` is mixed into `ProgrammingDemo` (`programming.py`), which holds the contract's
data and the seeded generator (`self.rng`): every step draws from it in the same order.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from quartiers.demo.catalogue import CARRIERS, DEMO_DOMAIN, DEMO_FILE, DEMO_PDF, ActionSpec
from quartiers.demo.clock import frozen_at
from quartiers.programming import services as programming
from quartiers.programming.enums import ApplicationStatus as S
from quartiers.programming.enums import BudgetSide, DecisionOutcome, Opinion, PaymentKind
from quartiers.programming.models import AGE_BANDS


def at(year, month, day, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def on(day: datetime.date, hour=10) -> datetime.datetime:
    return at(day.year, day.month, day.day, hour)


def _round(value, step=50) -> Decimal:
    return Decimal(round(float(value) / step) * step)


@dataclass
class Plan:
    spec: ActionSpec
    fate: str
    previous: object = None  # the application renewed
    wave: int = 1
    period: tuple | None = None  # (starts_on, ends_on) when not the call's year
    application: object = None
    commitments: list = field(default_factory=list)  # (convention, funder, amount granted)
    paid: dict = field(default_factory=dict)  # {funder pk: amount paid}


class ApplicationSteps:
    """The steps of one application (`plan`), each at a moment of the demo's calendar
    (`calendar.py`), before the day the demo is loaded."""

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
        with frozen_at(now):
            spec, year = plan.spec, call.year
            carrier = self.carriers[spec.carrier]
            starts_on, ends_on = plan.period or self.dates(spec, year)
            if plan.previous is not None:
                application = programming.start_application(
                    call=call, carrier=carrier, title=spec.title, renewal_of=plan.previous
                )
                application.starts_on, application.ends_on = starts_on, ends_on
                application.attested = True  # the carrier attests again every year
                application.save(update_fields=["starts_on", "ends_on", "attested", "updated_at"])
                growth = Decimal(self.rng.choice(["1.00", "1.02", "1.04", "1.06"]))
                charges = plan.previous.budget_totals()[BudgetSide.CHARGE] * growth
            else:
                application = programming.start_application(
                    call=call, carrier=carrier, title=spec.title
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
                programming.save_draft(
                    application=application,
                    qpvs=self.qpvs,
                    engagements=[
                        self.engagements[n] for n in spec.engagements if n in self.engagements
                    ],
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
        self.catch_up(now.date())  # the bilans sent before this day are in
        with frozen_at(now):
            application = plan.application
            if plan.spec.carrier == "jardins" and programming.missing_reports(application.carrier):
                programming.override_report_block(
                    application=application,
                    reason="Bilan du premier appel promis pour le trimestre : l'association a "
                    "changé de trésorière.",
                    by=self.lead,
                )
            programming.submit_application(application=application)
            application.refresh_from_db()

    def instruct(self, plan, now, refused=False):
        with frozen_at(now):
            application = plan.application
            if application.status == S.SUBMITTED:
                programming.change_status(
                    application=application,
                    to=S.UNDER_INSTRUCTION,
                    by=self.lead,
                    comment="Instruction au fil de l'eau",
                )
            criteria = list(application.call.criteria.all())
            for request in application.funding_requests.select_related("opinion", "funder"):
                opinion = request.opinion
                factor = Decimal(self.rng.choice(["1", "1", "1", "0.9", "0.8"]))
                programming.save_funder_opinion(
                    opinion=opinion,
                    expected_version=opinion.version,
                    by=self.instructors.get(request.funder_id),
                    verdict=Opinion.UNFAVOURABLE if refused else Opinion.FAVOURABLE,
                    proposed=None if refused else _round(request.requested * factor, 100),
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
        with frozen_at(on(session.held_on, 17)):
            programming.record_technical_opinion(
                session=session,
                application=plan.application,
                opinion=Opinion.UNFAVOURABLE if refused else Opinion.FAVOURABLE,
                comment="Ne répond pas aux priorités de l'appel." if refused else "",
                by=self.lead,
            )

    def decide(self, plan, session, refused=False):
        with frozen_at(on(session.held_on, 18)):
            application = plan.application
            for request in application.funding_requests.select_related("funder"):
                granted = not refused and request.proposed
                programming.record_decision(
                    session=session,
                    application=application,
                    funder=request.funder,
                    outcome=DecisionOutcome.GRANTED if granted else DecisionOutcome.REFUSED,
                    amount=request.proposed if granted else Decimal("0"),
                    motivation="Conforme à l'avis du comité technique."
                    if granted
                    else "Action hors des priorités de l'année.",
                    by=self.lead,
                )
            application.refresh_from_db()
            if refused:
                programming.change_status(
                    application=application,
                    to=S.CLOSED,
                    by=self.lead,
                    comment="Aucun financement accordé.",
                )

    def sign(self, plan, signed_on):
        with frozen_at(on(signed_on)):
            application = plan.application
            granted = list(
                application.funding_requests.filter(granted__gt=0).select_related("funder")
            )
            groups = [granted] if self.rng.random() < 0.5 else [[r] for r in granted]
            first = plan.application.call.year == self.calendar.first_year
            years = 3 if plan.spec.title == "Orchestre à l'école" and first else 1
            for group in groups:
                convention = programming.sign_convention(
                    application=application,
                    funders=[r.funder for r in group],
                    signed_on=signed_on,
                    years=years,
                    by=self.lead,
                )
                plan.commitments += [(convention, r.funder, r.granted) for r in group]

    def pay(self, plan, paid_on, balance=False):
        with frozen_at(on(paid_on, 11)):
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
                )
                plan.paid[funder.pk] = paid + amount

    def report(self, plan, received_on):
        with frozen_at(on(received_on)):
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
            )

    def close(self, plan, closed_on):
        with frozen_at(on(closed_on)):
            programming.change_status(
                application=plan.application,
                to=S.CLOSED,
                by=self.lead,
                comment="Bilan reçu et solde versé.",
            )
