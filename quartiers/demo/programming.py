"""The demonstration's FICTITIOUS programming of the Loriol contract, dated from the day the
demo is loaded (`calendar.py`): three past calls, a call in instruction, an open call.

Calls, applications of fictitious associations, instruction, committees, decisions,
conventions, payments and bilans, all through the programming services (which validates the
data). Each step happens at a moment of the demo's calendar, before the load day
(`clock.frozen_at`); randomness comes from one seeded generator, so two loads on the same day
give the same programming. The data is in `catalogue.py`, one application's steps in
`applications.py`; here, the calls, the committees and the follow-up.
"""

import datetime
import heapq
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from quartiers.access.enums import ContractRole
from quartiers.demo.applications import ApplicationSteps, Plan, on
from quartiers.demo.calendar import LATE_DEADLINE, DemoCalendar
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
    INSTRUCTION_FATES,
    LATE_WAVES,
    OPEN_FATES,
    PROGRAMMING_SEED,
    REQUIRED_ATTACHMENTS,
)
from quartiers.demo.clock import frozen_at
from quartiers.demo.people import association
from quartiers.programming import services as programming
from quartiers.programming.enums import CommitteeKind

days = datetime.timedelta

CALL_DESCRIPTION = (
    "Données de démonstration, fictives : cet appel à projets n'a pas eu lieu. Les appels de la "
    "démonstration sont datés à partir du jour où elle a été chargée ; le protocole réel, lui, "
    "prolonge le contrat jusqu'au 31 décembre 2022. L'appel soutient les actions menées pour "
    "et avec les habitants du quartier prioritaire, selon les piliers du contrat."
)


class ProgrammingDemo(ApplicationSteps):
    def __init__(self, contract, people, today: datetime.date):
        self.contract = contract
        self.calendar = DemoCalendar(today)
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
        with frozen_at(on(self.calendar.start, 9)):  # the associations, on the first day
            self.carriers = {key: association(name) for key, (name, _) in CARRIERS.items()}
        self.pillars = list(contract.pillars.order_by("position", "pk"))
        self.themes = {t.name: t for p in self.pillars for t in p.themes.all()}
        self.engagements = {e.number: e for e in contract.engagements.all()}
        self.qpvs = list(contract.qpvs.order_by("name"))
        self.sessions = {}
        self.followup = []  # heap of (day, order, step, args): bilans, balances, closings
        if not default_storage.exists(DEMO_FILE):
            default_storage.save(DEMO_FILE, ContentFile(DEMO_PDF))

    @property
    def today(self) -> datetime.date:
        return self.calendar.today

    def day(self, offset: int) -> datetime.date:
        """`offset` days from the load day (negative: before)."""
        return self.today + days(offset)

    # ------------------------------------------------------------------ calls

    def first_call(self):
        dates = self.calendar.call(self.calendar.first_year)
        with frozen_at(on(dates.opens_on, 9)):
            call = programming.create_call(
                contract=self.contract,
                year=dates.year,
                title=f"Appel à projets {dates.year} du contrat de ville « Cœur de Loriol » "
                "(fictif)",
                description=CALL_DESCRIPTION,
                opens_on=dates.opens_on,
                deadline=on(dates.deadline, 18),
                technical_committee_on=dates.technical_committee_on,
                steering_committee_on=dates.steering_committee_on,
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

    def next_call(self, call, deadline=None):
        """« Ouvrir l'appel de l'an prochain », on the day the next call opens, with the dates of
        the demo's calendar (`deadline`: a later end of filing)."""
        dates = self.calendar.call(call.year + 1)
        with frozen_at(on(dates.opens_on, 9)):
            new = programming.copy_call_to_next_year(call=call, by=self.lead)
            new.opens_on = dates.opens_on
            new.deadline = on(deadline or dates.deadline, 18)
            new.technical_committee_on = dates.technical_committee_on
            new.steering_committee_on = dates.steering_committee_on
            new.save(
                update_fields=[
                    "opens_on",
                    "deadline",
                    "technical_committee_on",
                    "steering_committee_on",
                ]
            )
            programming.open_call(call=new, by=self.lead)
        return new

    def session(self, call, kind, held_on, created_on=None):
        """The session (its comité's meeting), planned three weeks ahead unless said."""
        key = (call.pk, kind, held_on)
        if key not in self.sessions:
            with frozen_at(on(created_on or held_on - days(21), 9)):
                self.sessions[key] = programming.create_committee_session(
                    call=call, kind=kind, held_on=held_on, by=self.lead
                )
        return self.sessions[key]

    def committees(self, call):
        return (
            self.session(call, CommitteeKind.TECHNICAL, call.technical_committee_on),
            self.session(call, CommitteeKind.STEERING, call.steering_committee_on),
        )

    # ------------------------------------------------------------------ plans

    def plans(self, index, previous_plans, count, must_have=()):
        """Renewals of last year's funded actions, then new actions, `count` in all, for the
        demo's call `index` (0: the first)."""
        plans = []
        if previous_plans:
            renewable = [p for p in previous_plans if p.fate in FUNDED]
            kept = self.rng.sample(renewable, min(len(renewable), count * 2 // 3))
            kept.sort(key=lambda p: ACTIONS.index(p.spec))
            plans = [Plan(p.spec, "", previous=p.application) for p in kept]
        used = {p.spec for p in plans} | {p.spec for p in previous_plans or []}
        brand_new = [a for a in ACTIONS if a.first_call == index and a not in used]
        pool = [a for a in ACTIONS if a.first_call < index and a not in used]
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

    # ------------------------------------------------------------------ follow-up

    def schedule(self, day, step, *args):
        heapq.heappush(self.followup, (day, len(self.followup), step, args))

    def catch_up(self, until: datetime.date):
        """Run the bilans, balances and closings dated before `until`, in date order."""
        while self.followup and self.followup[0][0] < until:
            day, _, step, args = heapq.heappop(self.followup)
            step(*args, day)

    def schedule_bilan(self, plan, paid_on):
        """A bilan some weeks after the action's end (and after its payment), then for a
        `closed` fate the balance and the closing. A `paid` fate never sends its bilan."""
        if plan.fate not in {"report_received", "closed"}:
            return
        received = max(
            plan.application.ends_on + days(self.rng.randint(20, 90)),
            paid_on + days(self.rng.randint(10, 30)),
        )
        self.schedule(received, self.report, plan)
        if plan.fate == "closed":
            balance = received + days(self.rng.randint(14, 40))
            self.schedule(balance, self.pay_balance, plan)
            self.schedule(balance + days(self.rng.randint(5, 20)), self.close, plan)

    def pay_balance(self, plan, paid_on):
        self.pay(plan, paid_on, balance=True)

    # ------------------------------------------------------------------ calls' lives

    def instruct_first_wave(self, call, plans, started_on, submitted_by, instruction_on):
        """Start, file and instruct `plans` (withdrawals included); returns the live ones."""
        opens_on = call.opens_on
        for plan in plans:
            self.start(plan, call, on(opens_on + days(self.rng.randint(3, started_on))))
        for plan in plans:
            if plan.fate != "draft":
                self.submit(plan, on(submitted_by - days(self.rng.randint(1, 20))))
        live = [p for p in plans if p.fate != "draft"]
        for plan in live:
            plan.application.refresh_from_db()
            self.instruct(plan, on(instruction_on, 9), refused=plan.fate == "refused")
        for plan in live:
            if plan.fate == "withdrawn":
                with frozen_at(on(instruction_on + days(8))):
                    programming.withdraw_application(
                        application=plan.application,
                        comment="L'association renonce : intervenante indisponible.",
                    )
        return [p for p in live if p.fate != "withdrawn"]

    def decide_and_pay(self, call, live):
        """The committees of `call` examine and decide; conventions, payments, bilans follow."""
        technical, steering = self.committees(call)
        for plan in live:
            self.examine(plan, technical, refused=plan.fate == "refused")
        for plan in live:
            self.decide(plan, steering, refused=plan.fate == "refused")
        funded = [p for p in live if p.fate in FUNDED]
        for plan in funded:
            self.sign(plan, steering.held_on + days(self.rng.randint(20, 45)))
        for plan in funded:
            paid_on = steering.held_on + days(self.rng.randint(50, 80))
            self.pay(plan, paid_on)
            self.schedule_bilan(plan, paid_on)

    def past_call(self, call, plans):
        """A call with one deadline, every step done."""
        self.catch_up(call.opens_on)
        deadline = timezone.localtime(call.deadline).date()
        live = self.instruct_first_wave(call, plans, 30, deadline, deadline + days(10))
        with frozen_at(on(deadline + days(3), 9)):
            programming.start_instruction(call=call, by=self.lead)
        self.decide_and_pay(call, live)

    def last_past_call(self, call, plans):
        """Dossiers « au fil de l'eau »: a first wave at the usual dates, decided a year ago,
        then a second wave decided weeks ago, whose conventions are under way."""
        self.catch_up(call.opens_on)
        first = [p for p in plans if p.wave == 1]
        second = [p for p in plans if p.wave == 2]
        usual = self.calendar.call(call.year).deadline
        live = self.instruct_first_wave(call, first, 30, usual, usual + days(10))
        self.decide_and_pay(call, live)
        for plan in second:  # late actions: they start once decided, and run nine months
            plan.period = (self.day(-20), self.day(250))
            self.start(plan, call, on(self.day(-170) + days(self.rng.randint(0, 20))))
        for plan in second:
            self.submit(plan, on(self.day(-LATE_DEADLINE - self.rng.randint(3, 50))))
        with frozen_at(on(self.day(-LATE_DEADLINE + 2), 9)):
            programming.start_instruction(call=call, by=self.lead)
        for plan in second:
            plan.application.refresh_from_db()
            self.instruct(plan, on(self.day(-LATE_DEADLINE + 5), 9))
        technical = self.session(call, CommitteeKind.TECHNICAL, self.day(-50), self.day(-60))
        steering = self.session(call, CommitteeKind.STEERING, self.day(-35), self.day(-60))
        for plan in second:
            self.examine(plan, technical)
        for plan in second:
            if plan.fate != "examined":  # the steering committee deferred the last one
                self.decide(plan, steering)
        for plan in second:
            if plan.fate == "convention_signed":
                self.sign(plan, self.day(-self.rng.randint(5, 20)))

    def instruction_call(self, call, plans):
        """Filed weeks ago, in instruction: some opinions given, the committees ahead."""
        self.catch_up(call.opens_on)
        deadline = timezone.localtime(call.deadline).date()
        for plan in plans:
            self.start(plan, call, on(call.opens_on + days(self.rng.randint(3, 30))))
        for plan in plans:
            if plan.fate != "draft":
                self.submit(plan, on(deadline - days(self.rng.randint(1, 30))))
        with frozen_at(on(deadline + days(2), 9)):
            programming.start_instruction(call=call, by=self.lead)
        for plan in plans:
            if plan.fate == "withdrawn":
                with frozen_at(on(deadline + days(7))):
                    programming.withdraw_application(
                        application=plan.application,
                        comment="Action reportée : la salle n'est plus disponible.",
                    )
        for plan in plans:
            if plan.fate == "instructed":
                plan.application.refresh_from_db()
                self.instruct(plan, on(self.day(-self.rng.randint(2, 15)), 9))
        for kind, held_on in (
            (CommitteeKind.TECHNICAL, call.technical_committee_on),
            (CommitteeKind.STEERING, call.steering_committee_on),
        ):
            self.session(call, kind, held_on, created_on=self.day(-5))
        self.ask_complement(plans)

    def ask_complement(self, plans):
        """One dossier in instruction waits for its carrier's complement (the demo carrier's
        when he has one there), asked by an instructor of a funder it asks."""
        waiting = [p for p in plans if p.fate == "under_instruction"]
        plan = next((p for p in waiting if p.spec.carrier == "vivre"), waiting[0])
        application = plan.application
        application.refresh_from_db()
        funders = application.funding_requests.values_list("funder", flat=True)
        # an instructor of a funder asked, or else the chef de projet (who may ask too)
        instructor = next(
            (self.instructors[f] for f in funders if f in self.instructors), self.lead
        )
        with frozen_at(on(self.day(-3), 11)):
            programming.request_complement(
                application=application,
                sections=["budget"],
                message=(
                    "Merci de détailler les frais de personnel (compte 64) : nombre d'heures "
                    "et taux horaire des animateurs (message fictif)."
                ),
                by=instructor,
            )

    def open_call_filing(self, call, plans):
        """Open: a few dossiers filed already, drafts (the demo carrier's is ready to file)."""
        self.catch_up(call.opens_on)
        for plan in plans:
            self.start(plan, call, on(self.day(-self.rng.randint(8, 19))))
        for plan in plans:
            if plan.fate == "submitted":
                self.submit(plan, on(self.day(-self.rng.randint(2, 7))))

    def run(self):
        first, instruction = self.calendar.first_year, self.calendar.instruction_year
        call = self.first_call()
        plans_0 = self.plans(
            0, None, 18, must_have={ACTIONS[0].title, "Jardin partagé de la Colline"}
        )
        self.assign(plans_0, FATES[0], {"jardins": "paid", "vivre": "closed"})
        self.past_call(call, plans_0)

        call = self.next_call(call)
        plans_1 = self.plans(1, plans_0, 20)
        self.assign(plans_1, FATES[1], {"vivre": "report_received"})
        self.past_call(call, plans_1)

        call = self.next_call(call, deadline=self.day(-LATE_DEADLINE))
        plans_2 = self.plans(2, plans_1, 20)
        self.waves(plans_2)
        self.last_past_call(call, plans_2)

        call = self.next_call(call)
        plans_3 = self.plans(3, plans_2, 16)
        self.assign(plans_3, INSTRUCTION_FATES, {})
        self.instruction_call(call, plans_3)

        call = self.next_call(call)
        plans_4 = self.plans(4, plans_3, len(OPEN_FATES))
        self.assign(plans_4, OPEN_FATES, {"vivre": "draft"})
        self.open_call_filing(call, plans_4)

        self.catch_up(self.today)  # what falls on the load day or later has not happened yet
        assert call.year == instruction + 1 and plans_0[0].application.call.year == first
        return plans_0 + plans_1 + plans_2 + plans_3 + plans_4

    def waves(self, plans):
        """The last past call's waves (`LATE_WAVES`), shuffled."""
        fates = [(wave, fate) for wave, names in LATE_WAVES.items() for fate in names]
        self.rng.shuffle(fates)
        for plan, (wave, fate) in zip(plans, fates, strict=True):
            plan.wave, plan.fate = wave, fate


def load_programming(contract, people) -> list:
    """The fictitious programming, dated from today; nothing if the contract has calls."""
    if contract.calls.exists():
        return []
    today = timezone.localdate()
    return [p.application for p in ProgrammingDemo(contract, people, today).run()]
