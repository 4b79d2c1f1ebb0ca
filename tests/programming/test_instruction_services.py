"""Business rules of the instruction and of the committees (services.py), one test per rule.

`make_world()` is shared with the view and export tests of the instruction and committees.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from quartiers.access.enums import ContractRole
from quartiers.access.models import Event
from quartiers.core.enums import OrganisationKind
from quartiers.core.formats import euros
from quartiers.programming import services
from quartiers.programming.enums import (
    ApplicationStatus,
    CommitteeKind,
    DecisionOutcome,
    Opinion,
)
from quartiers.programming.models import (
    Application,
    CouncilOpinion,
    Decision,
    FunderOpinion,
    TechnicalOpinion,
)
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import (
    CallForProjectsFactory,
    CallFunderFactory,
    GridCriterionFactory,
    after_deadline,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def make_world(*, instruct=True, extra_applications=0):
    """A call with two funders (CAF, Ville), a two-criteria grid, two submitted applications.

    - `youth` asks the CAF 3 000 € and the Ville 2 000 €;
    - `sport` asks the CAF only, 1 000 €;
    and one person per role (two CAF instructors, one Ville instructor).
    """
    contract = ContractFactory(private=True)
    call = CallForProjectsFactory(contract=contract, title="Appel à projets des Tilleuls")
    caf = OrganisationFactory(name="Caisse d'allocations familiales", acronym="CAF")
    ville = OrganisationFactory(name="Ville des Tilleuls", kind=OrganisationKind.COMMUNE)
    CallFunderFactory(call=call, organisation=caf, envelope=Decimal("40000"))
    CallFunderFactory(call=call, organisation=ville, envelope=Decimal("20000"))
    project = GridCriterionFactory(call=call, label="Qualité du projet", weight=2, max_score=4)
    public = GridCriterionFactory(call=call, label="Public des QPV", weight=1, max_score=4)
    youth = submitted_application(
        call, funders=[caf, ville], amounts=["3000", "2000"], title="Jeunes en action"
    )
    sport = submitted_application(call, funders=[caf], amounts=["1000"], title="Sport pour tous")
    extra = [
        submitted_application(call, funders=[caf, ville], amounts=["500", "500"])
        for _ in range(extra_applications)
    ]
    if instruct:
        after_deadline(call)
        services.start_instruction(call=call)
        for application in (youth, sport, *extra):
            application.refresh_from_db()

    def person(role, organisation=None):
        return RoleAssignmentFactory(contract=contract, role=role, organisation=organisation).user

    return SimpleNamespace(
        contract=contract,
        call=call,
        caf=caf,
        ville=ville,
        criteria=(project, public),
        youth=youth,
        sport=sport,
        extra=extra,
        lead=person(ContractRole.PROJECT_LEAD),
        prefect=person(ContractRole.PREFECT_DELEGATE),
        caf_instructor=person(ContractRole.FUNDER_INSTRUCTOR, caf),
        caf_colleague=person(ContractRole.FUNDER_INSTRUCTOR, caf),
        ville_instructor=person(ContractRole.FUNDER_INSTRUCTOR, ville),
        carrier=person(ContractRole.CARRIER, youth.carrier),
        council=person(ContractRole.CITIZEN_COUNCIL),
        observer=person(ContractRole.OBSERVER),
    )


def opinion_of(application, funder) -> FunderOpinion:
    return FunderOpinion.objects.get(request__application=application, request__funder=funder)


def examine(world, *applications):
    """A comité technique examines `applications`; returns the session."""
    session = services.create_committee_session(
        call=world.call, kind=CommitteeKind.TECHNICAL, held_on=datetime.date(2025, 3, 1)
    )
    for application in applications:
        services.record_technical_opinion(
            session=session, application=application, opinion=Opinion.FAVOURABLE
        )
    return session


def steering(world):
    return services.create_committee_session(
        call=world.call, kind=CommitteeKind.STEERING, held_on=datetime.date(2025, 4, 1)
    )


@pytest.fixture
def world():
    return make_world()


# --------------------------------------------------------------------------- funders' opinions


def test_submission_creates_one_opinion_per_funder_asked(world):
    assert {o.funder for o in FunderOpinion.objects.filter(request__application=world.youth)} == {
        world.caf,
        world.ville,
    }
    assert {o.funder for o in FunderOpinion.objects.filter(request__application=world.sport)} == {
        world.caf
    }


def test_optimistic_locking_keeps_the_first_save_and_writes_nothing_of_the_second(world):
    first = opinion_of(world.youth, world.caf)  # both instructors read version N
    second = opinion_of(world.youth, world.caf)
    version = first.version
    history = first.history.count()

    services.save_funder_opinion(
        opinion=first,
        expected_version=version,
        by=world.caf_instructor,
        verdict=Opinion.FAVOURABLE,
        proposed=Decimal("2500"),
        shared_comment="Projet solide.",
        private_note="Budget à vérifier.",
    )
    with pytest.raises(services.StaleOpinion, match="Un autre instructeur"):
        services.save_funder_opinion(
            opinion=second,
            expected_version=version,
            by=world.caf_colleague,
            verdict=Opinion.UNFAVOURABLE,
            proposed=Decimal("1"),
            shared_comment="Non.",
            private_note="Écrasé ?",
        )

    saved = opinion_of(world.youth, world.caf)
    assert saved.version == version + 1
    assert (saved.opinion, saved.request.proposed) == (Opinion.FAVOURABLE, Decimal("2500"))
    assert (saved.shared_comment, saved.private_note) == ("Projet solide.", "Budget à vérifier.")
    assert saved.updated_by == world.caf_instructor
    # The successful save is in the history (update() sends no signal), the stale one is not.
    assert saved.history.count() == history + 1
    assert saved.history.first().history_user == world.caf_instructor


def test_a_save_with_the_current_version_passes(world):
    opinion = opinion_of(world.youth, world.caf)
    services.save_funder_opinion(
        opinion=opinion, expected_version=opinion.version, by=None, shared_comment="un"
    )
    services.save_funder_opinion(
        opinion=opinion, expected_version=opinion.version, by=None, shared_comment="deux"
    )
    assert opinion_of(world.youth, world.caf).shared_comment == "deux"


def test_grid_score_is_weighted_out_of_100(world):
    project, public = world.criteria  # weights 2 and 1, both out of 4
    opinion = opinion_of(world.youth, world.caf)
    assert services.grid_score(opinion) is None  # not scored yet
    opinion.scores = {str(project.pk): 4, str(public.pk): 0}
    assert services.grid_score(opinion) == Decimal("66.7")
    opinion.scores = {str(project.pk): 0, str(public.pk): 4}
    assert services.grid_score(opinion) == Decimal("33.3")
    opinion.scores = {str(project.pk): 3, str(public.pk): 2}  # (2×3 + 1×2) / (2×4 + 1×4)
    assert services.grid_score(opinion) == Decimal("66.7")
    assert services.grid_score(opinion, criteria=[project, public]) == Decimal("66.7")


def test_a_score_outside_the_grid_is_refused(world):
    project, _ = world.criteria
    opinion = opinion_of(world.youth, world.caf)
    with pytest.raises(ValidationError, match="hors barème"):
        services.save_funder_opinion(
            opinion=opinion, expected_version=opinion.version, by=None, scores={str(project.pk): 5}
        )
    assert opinion_of(world.youth, world.caf).version == opinion.version


# --------------------------------------------------------------------------- conseil citoyen


def test_council_opinion_is_given_then_replaced(world):
    services.give_council_opinion(
        application=world.youth, opinion=Opinion.RESERVED, comment="À suivre.", by=world.council
    )
    services.give_council_opinion(
        application=world.youth, opinion=Opinion.FAVOURABLE, by=world.council
    )
    council = CouncilOpinion.objects.get(application=world.youth)
    assert (council.opinion, council.comment, council.by) == (
        Opinion.FAVOURABLE,
        "",
        world.council,
    )
    assert Event.objects.filter(verb="council_opinion_given").count() == 2


def test_council_opinion_comes_before_the_decision(world):
    Application.objects.filter(pk=world.youth.pk).update(status=ApplicationStatus.DECIDED)
    with pytest.raises(ValidationError, match="avant la décision"):
        services.give_council_opinion(
            application=world.youth, opinion=Opinion.FAVOURABLE, by=world.council
        )


# --------------------------------------------------------------------------- committees


def test_technical_opinion_examines_the_application(world):
    examine(world, world.youth)
    world.youth.refresh_from_db()
    assert world.youth.status == ApplicationStatus.EXAMINED
    assert TechnicalOpinion.objects.get(application=world.youth).opinion == Opinion.FAVOURABLE


def test_technical_opinion_needs_a_technical_session_of_the_same_call(world):
    with pytest.raises(ValidationError, match="comité technique"):
        services.record_technical_opinion(
            session=steering(world), application=world.youth, opinion=Opinion.FAVOURABLE
        )
    other = services.create_committee_session(
        call=CallForProjectsFactory(contract=world.contract, year=world.call.year + 1),
        kind=CommitteeKind.TECHNICAL,
        held_on=datetime.date(2025, 3, 1),
    )
    with pytest.raises(ValidationError, match="ne relève pas"):
        services.record_technical_opinion(
            session=other, application=world.youth, opinion=Opinion.FAVOURABLE
        )


def test_technical_opinion_needs_an_application_in_instruction(db):
    world = make_world(instruct=False)  # still « déposé »: instruction not started
    session = services.create_committee_session(
        call=world.call, kind=CommitteeKind.TECHNICAL, held_on=datetime.date(2025, 3, 1)
    )
    with pytest.raises(ValidationError, match="en instruction"):
        services.record_technical_opinion(
            session=session, application=world.youth, opinion=Opinion.FAVOURABLE
        )
    assert not TechnicalOpinion.objects.exists()


def test_decision_requires_the_examined_status(world):
    with pytest.raises(ValidationError, match="examiné en comité technique"):
        services.record_decision(
            session=steering(world),
            application=world.youth,
            funder=world.caf,
            outcome=DecisionOutcome.GRANTED,
            amount=Decimal("3000"),
        )
    assert not Decision.objects.exists()


def test_decision_is_taken_in_a_steering_session(world):
    session = examine(world, world.youth)
    with pytest.raises(ValidationError, match="comité de pilotage"):
        services.record_decision(
            session=session,
            application=world.youth,
            funder=world.caf,
            outcome=DecisionOutcome.REFUSED,
        )


@pytest.mark.parametrize("amount", [None, Decimal("0"), Decimal("-5")])
def test_granted_requires_an_amount(world, amount):
    examine(world, world.youth)
    with pytest.raises(ValidationError, match="a un montant"):
        services.record_decision(
            session=steering(world),
            application=world.youth,
            funder=world.caf,
            outcome=DecisionOutcome.GRANTED,
            amount=amount,
        )
    assert not Decision.objects.exists()


def test_refused_or_adjourned_grants_nothing(world):
    examine(world, world.youth)
    decision = services.record_decision(
        session=steering(world),
        application=world.youth,
        funder=world.caf,
        outcome=DecisionOutcome.REFUSED,
        amount=Decimal("3000"),
        motivation="Hors priorités.",
    )
    assert decision.request.granted == 0
    assert world.youth.funding_requests.totals()["granted"] == 0


def test_decision_for_a_funder_not_asked_is_refused(world):
    examine(world, world.sport)  # asks the CAF only
    with pytest.raises(ValidationError, match="n'est pas sollicité"):
        services.record_decision(
            session=steering(world),
            application=world.sport,
            funder=world.ville,
            outcome=DecisionOutcome.GRANTED,
            amount=Decimal("100"),
        )
    assert not Decision.objects.exists()


def test_decision_needs_a_session_of_the_same_call(world):
    examine(world, world.youth)
    other = services.create_committee_session(
        call=CallForProjectsFactory(contract=world.contract, year=world.call.year + 1),
        kind=CommitteeKind.STEERING,
        held_on=datetime.date(2025, 4, 1),
    )
    with pytest.raises(ValidationError, match="ne relève pas"):
        services.record_decision(
            session=other,
            application=world.youth,
            funder=world.caf,
            outcome=DecisionOutcome.REFUSED,
        )


def test_application_is_decided_once_every_asked_funder_has_a_decision(world):
    examine(world, world.youth)
    session = steering(world)
    services.record_decision(
        session=session,
        application=world.youth,
        funder=world.caf,
        outcome=DecisionOutcome.GRANTED,
        amount=Decimal("2500"),
    )
    world.youth.refresh_from_db()
    assert world.youth.status == ApplicationStatus.EXAMINED  # the Ville has not decided
    services.record_decision(
        session=session,
        application=world.youth,
        funder=world.ville,
        outcome=DecisionOutcome.ADJOURNED,
        motivation="Budget à préciser.",
    )
    world.youth.refresh_from_db()
    assert world.youth.status == ApplicationStatus.DECIDED
    assert world.youth.funding_requests.totals()["granted"] == Decimal("2500")
    assert world.youth.status_changes.last().to_status == ApplicationStatus.DECIDED


def test_a_decision_can_be_revised_by_the_steering_committee(world):
    examine(world, world.sport)
    session = steering(world)
    for outcome, amount in [(DecisionOutcome.ADJOURNED, None), (DecisionOutcome.GRANTED, "800")]:
        services.record_decision(
            session=session,
            application=world.sport,
            funder=world.caf,
            outcome=outcome,
            amount=Decimal(amount) if amount else Decimal("0"),
            motivation="" if amount else "Budget à préciser.",
        )
    assert Decision.objects.get(request__application=world.sport).request.granted == Decimal("800")
    assert world.sport.funding_requests.get(funder=world.caf).granted == Decimal("800")


def test_create_committee_session_is_logged(world):
    session = services.create_committee_session(
        call=world.call, kind=CommitteeKind.TECHNICAL, held_on=datetime.date(2025, 3, 1), by=None
    )
    assert str(session) == "comité technique du 01/03/2025"
    assert Event.objects.filter(verb="committee_session_created", contract=world.contract)
    with pytest.raises(ValidationError):
        services.create_committee_session(
            call=world.call, kind="assemblée", held_on=datetime.date(2025, 3, 1)
        )


# --------------------------------------------------------------------------- amounts and reasons


def test_a_proposal_above_the_requested_amount_is_refused_and_nothing_is_written(world):
    opinion = opinion_of(world.youth, world.caf)  # the CAF is asked 3 000 €
    with pytest.raises(ValidationError) as raised:
        services.save_funder_opinion(
            opinion=opinion,
            expected_version=opinion.version,
            by=world.caf_instructor,
            verdict=Opinion.FAVOURABLE,
            proposed=Decimal("3000.01"),
        )
    asked = euros(Decimal("3000"))
    assert raised.value.message_dict == {
        "proposed": [
            f"Le montant proposé ({euros(Decimal('3000.01'))}) dépasse le montant demandé par "
            f"le porteur ({asked}) : proposez au plus {asked}."
        ]
    }
    saved = opinion_of(world.youth, world.caf)
    assert (saved.version, saved.opinion, saved.request.proposed) == (0, "", None)


def test_a_proposal_equal_to_the_requested_amount_is_saved(world):
    opinion = opinion_of(world.youth, world.caf)
    services.save_funder_opinion(
        opinion=opinion, expected_version=0, by=world.caf_instructor, proposed=Decimal("3000")
    )
    assert opinion_of(world.youth, world.caf).request.proposed == Decimal("3000")


def test_a_grant_above_the_requested_amount_is_refused(world):
    examine(world, world.youth)
    with pytest.raises(ValidationError) as raised:
        services.record_decision(
            session=steering(world),
            application=world.youth,
            funder=world.ville,  # asked 2 000 €
            outcome=DecisionOutcome.GRANTED,
            amount=Decimal("2500"),
        )
    assert list(raised.value.message_dict) == ["amount"]
    assert "dépasse le montant demandé à Ville des Tilleuls" in raised.value.messages[0]
    assert not Decision.objects.exists()
    assert world.youth.funding_requests.get(funder=world.ville).granted == 0


def test_a_grant_may_exceed_the_proposal_within_the_request(world):
    opinion = opinion_of(world.youth, world.caf)
    services.save_funder_opinion(
        opinion=opinion, expected_version=0, by=world.caf_instructor, proposed=Decimal("2000")
    )
    examine(world, world.youth)
    services.record_decision(
        session=steering(world),
        application=world.youth,
        funder=world.caf,
        outcome=DecisionOutcome.GRANTED,
        amount=Decimal("3000"),  # the committee decides: more than proposed, not than asked
    )
    assert world.youth.funding_requests.get(funder=world.caf).granted == Decimal("3000")


@pytest.mark.parametrize("outcome", [DecisionOutcome.REFUSED, DecisionOutcome.ADJOURNED])
@pytest.mark.parametrize("motivation", ["", "   \n"])
def test_a_refusal_or_an_adjournment_without_motivation_is_refused(world, outcome, motivation):
    examine(world, world.youth)
    with pytest.raises(ValidationError) as raised:
        services.record_decision(
            session=steering(world),
            application=world.youth,
            funder=world.caf,
            outcome=outcome,
            motivation=motivation,
        )
    assert raised.value.message_dict == {
        "motivation": [
            f"Une décision « {outcome.label} » est motivée : écrivez les raisons que le porteur "
            "lira dans la lettre de décision."
        ]
    }
    assert not Decision.objects.exists()


def test_a_grant_needs_no_motivation(world):
    examine(world, world.sport)
    decision = services.record_decision(
        session=steering(world),
        application=world.sport,
        funder=world.caf,
        outcome=DecisionOutcome.GRANTED,
        amount=Decimal("1000"),
    )
    assert (decision.outcome, decision.motivation) == (DecisionOutcome.GRANTED, "")


def test_an_unknown_outcome_is_refused(world):
    examine(world, world.sport)
    with pytest.raises(ValidationError, match="Choisissez une décision"):
        services.record_decision(
            session=steering(world), application=world.sport, funder=world.caf, outcome="maybe"
        )
    assert not Decision.objects.exists()
