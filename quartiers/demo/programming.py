"""The demonstration's FICTITIOUS 2020-2022 programming of the Loriol contract.

Calls, applications of fictitious associations, instruction, committees, decisions,
conventions, payments and bilans, all through the programming services (which validates the
data). Each step happens at a fixed moment of those years (`clock.frozen_at`); randomness comes
from one seeded generator, so two loads give the same programming. The data is in
`catalogue.py`, one application's steps in `applications.py`; here, the calls, the committees
and the years.
"""

import datetime
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from quartiers.access.enums import ContractRole
from quartiers.demo.applications import ApplicationSteps, Plan, at, on
from quartiers.demo.catalogue import (
    ACTIONS,
    CARRIERS,
    CRITERIA,
    DEMO_FILE,
    DEMO_PDF,
    ENVELOPES,
    FATES,
    FUNDED,
    FUNDER_CODES,
    PROGRAMMING_SEED,
    PROGRAMMING_YEARS,
    REQUIRED_ATTACHMENTS,
    WAVES_2022,
)
from quartiers.demo.clock import frozen_at
from quartiers.demo.people import association
from quartiers.programming import services as programming
from quartiers.programming.enums import CommitteeKind


class ProgrammingDemo(ApplicationSteps):
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
        self.carriers = {key: association(name) for key, (name, _) in CARRIERS.items()}
        self.pillars = list(contract.pillars.order_by("position", "pk"))
        self.themes = {t.name: t for p in self.pillars for t in p.themes.all()}
        self.engagements = {e.number: e for e in contract.engagements.all()}
        self.qpvs = list(contract.qpvs.order_by("name"))
        self.sessions = {}
        if not default_storage.exists(DEMO_FILE):
            default_storage.save(DEMO_FILE, ContentFile(DEMO_PDF))

    # ------------------------------------------------------------------ calls

    def first_call(self):
        with frozen_at(at(2019, 11, 4, 9)):
            return self._first_call()

    def _first_call(self):
        call = programming.create_call(
            contract=self.contract,
            year=2020,
            title="Appel à projets 2020 du contrat de ville « Cœur de Loriol » (fictif)",
            description=(
                "Données de démonstration, fictives. L'appel soutient les actions menées pour "
                "et avec les habitants du quartier prioritaire, selon les piliers du contrat."
            ),
            opens_on=datetime.date(2019, 11, 4),
            deadline=at(2020, 1, 31, 18),
            technical_committee_on=datetime.date(2020, 2, 27),
            steering_committee_on=datetime.date(2020, 3, 19),
            priorities=self.contract.priorities.all(),
            engagements=self.engagements.values(),
            by=self.lead,
        )
        for code, envelope in ENVELOPES.items():
            call.funders.create(organisation=self.funders[code], envelope=Decimal(envelope))
        for label, mandatory in REQUIRED_ATTACHMENTS:
            call.required_attachments.create(label=label, mandatory=mandatory)
        for position, (label, weight) in enumerate(CRITERIA):
            call.criteria.create(label=label, weight=weight, max_score=4, position=position)
        programming.open_call(call=call, by=self.lead)
        return call

    def next_call(self, call):
        with frozen_at(on(programming.shift_year(call.opens_on, 1), 9)):
            new = programming.copy_call_to_next_year(call=call, by=self.lead)
            programming.open_call(call=new, by=self.lead)
        return new

    def session(self, call, kind, held_on):
        key = (call.pk, kind, held_on)
        if key not in self.sessions:
            with frozen_at(on(held_on, 9)):
                self.sessions[key] = programming.create_committee_session(
                    call=call, kind=kind, held_on=held_on, by=self.lead
                )
        return self.sessions[key]

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
            self.start(plan, call, at(year - 1, 12, self.rng.randint(1, 20)))
        for plan in plans:
            if plan.fate != "draft":
                self.submit(plan, at(year, 1, self.rng.randint(6, 30)))
        with frozen_at(at(year, 2, 3, 9)):
            programming.start_instruction(call=call, by=self.lead)
        live = [p for p in plans if p.fate != "draft"]
        for plan in live:
            plan.application.refresh_from_db()
            self.instruct(plan, at(year, 2, 10, 9), refused=plan.fate == "refused")
        for plan in live:
            if plan.fate == "withdrawn":
                with frozen_at(at(year, 2, 20)):
                    programming.withdraw_application(
                        application=plan.application,
                        comment="L'association renonce : intervenante indisponible.",
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
        call.deadline = at(2022, 11, 30, 18)
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
            self.start(plan, call, at(2021, 12, self.rng.randint(1, 20)))
            self.submit(plan, at(2022, 1, self.rng.randint(6, 30)))
        for plan in first:
            self.instruct(plan, at(2022, 2, 1, 9), refused=plan.fate == "refused")
        for plan in first:
            if plan.fate == "withdrawn":
                with frozen_at(at(2022, 2, 18)):
                    programming.withdraw_application(
                        application=plan.application, comment="Action reportée à l'an prochain."
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
            self.start(plan, call, at(2022, 4, self.rng.randint(1, 28)))
            self.submit(plan, at(2022, 5, self.rng.randint(2, 20)))
            self.instruct(plan, at(2022, 5, 23, 9))
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
                self.start(plan, call, at(2022, 9, self.rng.randint(1, 15)))
                self.submit(plan, at(2022, 9, self.rng.randint(16, 30)))
                self.instruct(plan, at(2022, 10, 3, 9))
                self.examine(plan, technical)
                if plan.fate == "decided":
                    self.decide(plan, steering)
            elif plan.fate == "under_instruction":
                self.start(plan, call, at(2022, 10, self.rng.randint(1, 10)))
                self.submit(plan, at(2022, 10, self.rng.randint(17, 28)))
                self.instruct(plan, at(2022, 11, 7, 9))
            elif plan.fate == "submitted":
                self.start(plan, call, at(2022, 11, 2))
                self.submit(plan, at(2022, 11, 25))
            else:
                self.start(plan, call, at(2022, 11, self.rng.randint(14, 28)))

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
