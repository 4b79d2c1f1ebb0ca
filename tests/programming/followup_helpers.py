"""Helpers of the follow-up tests: take a submitted application up to the decision, and on."""

from decimal import Decimal

from django.utils import timezone

from quartiers.programming import services
from quartiers.programming.enums import CommitteeKind, DecisionOutcome, Opinion, PaymentKind
from tests.programming.factories import (
    CallForProjectsFactory,
    after_deadline,
    submitted_application,
)

TODAY = timezone.localdate()


def decide(application, *, outcomes=None, amounts=None, by=None):
    """Instruction, comité technique, comité de pilotage: each asked funder decides.

    `outcomes` {funder: outcome} (default: granted), `amounts` {funder: amount} (default: the
    amount requested)."""
    outcomes, amounts = outcomes or {}, amounts or {}
    call = application.call
    after_deadline(call)
    services.start_instruction(call=call, by=by)
    application.refresh_from_db()
    technical = services.create_committee_session(
        call=call, kind=CommitteeKind.TECHNICAL, held_on=TODAY
    )
    services.record_technical_opinion(
        session=technical, application=application, opinion=Opinion.FAVOURABLE, by=by
    )
    steering = services.create_committee_session(
        call=call, kind=CommitteeKind.STEERING, held_on=TODAY
    )
    for row in services.ledger(application):
        outcome = outcomes.get(row.funder, DecisionOutcome.GRANTED)
        services.record_decision(
            session=steering,
            application=application,
            funder=row.funder,
            outcome=outcome,
            amount=amounts.get(row.funder, row.requested),
            motivation="Action utile au quartier."
            if outcome == DecisionOutcome.GRANTED
            else "Action hors des priorités de l'année.",
            by=by,
        )
    application.refresh_from_db()
    return application


def decided_application(*, contract=None, carrier=None, funders, amounts, **kwargs):
    """A submitted application of `carrier` to a new call of `contract`, decided (granted)."""
    if contract is None:
        call = CallForProjectsFactory()
    else:  # one call a year: earlier years for the contract's next calls
        call = CallForProjectsFactory(contract=contract, year=TODAY.year - contract.calls.count())
    application = submitted_application(call, carrier=carrier, funders=funders, amounts=amounts)
    return decide(application, **kwargs)


def funded_application(*, paid=True, **kwargs):
    """Decided, a convention signed by every funder and (if `paid`) everything paid."""
    application = decided_application(**kwargs)
    requests = list(application.funding_requests.select_related("funder"))
    convention = services.sign_convention(
        application=application, funders=[r.funder for r in requests], signed_on=TODAY
    )
    if paid:
        for request in requests:
            services.record_payment(
                convention=convention,
                funder=request.funder,
                kind=PaymentKind.SINGLE,
                amount=request.granted,
                paid_on=TODAY,
            )
    application.refresh_from_db()
    return application


def report_values(**overrides):
    values = {
        "summary": "Douze ateliers, une fête de quartier.",
        "participants_total": 40,
        "participants_women": 22,
        "participants_men": 18,
        "participants_age_bands": {"6-11": 10, "26-64": 30},
        "participants_by_qpv": {"Cœur de ville": 30},
        "objectives_reached": "Oui pour l'essentiel.",
        "realised_charges": Decimal("9500"),
        "realised_products": Decimal("9500"),
        "notes": "Une sortie annulée.",
    }
    return values | overrides
