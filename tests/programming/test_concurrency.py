"""The audit's attacks, replayed with real threads released together against the test database
(PostgreSQL or a SQLite file): a double-submitted form, two payments at once, a save racing the
submission. Each thread has its own connection, so the database's locks decide, as in
production; `transaction=True` commits the set-up so that the threads see it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quartiers.core.models import FormSubmission
from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus as S
from quartiers.programming.enums import BudgetSide, CommitteeKind, PaymentKind
from quartiers.programming.models import (
    SUBSIDY_ACCOUNT,
    Application,
    CallForProjects,
    CommitteeSession,
    Convention,
    DecisionLetter,
    FundingRequest,
    Payment,
)
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import (
    ApplicationFactory,
    CallForProjectsFactory,
    after_deadline,
    submitted_application,
)
from tests.programming.followup_helpers import (
    TODAY,
    decide,
    decided_application,
    funded_application,
)
from tests.programming.idempotency_helpers import FORMS
from tests.utils import race, refusals

pytestmark = pytest.mark.django_db(transaction=True)


# --------------------------------------------------------------------------- conventions


def test_a_convention_form_submitted_twice_signs_one_convention():
    """The audit: the État paid 4 200 € on a 2 100 € grant after a double submit."""
    contract = ContractFactory()
    etat = OrganisationFactory(state=True)
    lead = RoleAssignmentFactory(contract=contract).user
    application = decided_application(contract=contract, funders=[etat], amounts=[2100])
    url = reverse("programming:convention-create", kwargs={"uuid": application.uuid})
    form = {"funders": [etat.pk], "years": "1", "signed_on": TODAY.isoformat()}

    def submit():
        browser = Client()
        browser.force_login(lead)
        return browser.post(url, form).status_code

    statuses = race(submit, submit)
    assert sorted(statuses) == [200, 302]  # one redirected, the other shows the refusal
    assert Convention.objects.filter(application=application).count() == 1
    request = FundingRequest.objects.get(application=application, funder=etat)
    assert (request.committed, request.convention.amount) == (Decimal("2100"), Decimal("2100"))


def test_two_conventions_at_once_for_one_funder_one_is_refused():
    caf, etat = OrganisationFactory(funder=True), OrganisationFactory(state=True)
    application = decided_application(funders=[caf, etat], amounts=[3000, 2100])

    def sign(funders):
        def task():
            return services.sign_convention(
                application=Application.objects.get(pk=application.pk),
                funders=funders,
                signed_on=TODAY,
                years=3,
            )

        return task

    outcomes = race(sign([etat]), sign([caf, etat]))
    messages = refusals(outcomes)
    assert len(messages) == 1
    assert "a déjà signé une convention pour ce dossier" in messages[0]
    convention = Convention.objects.get(application=application)
    requests = FundingRequest.objects.filter(application=application, convention=convention)
    assert sum(r.committed for r in requests) == convention.amount
    etat_request = FundingRequest.objects.get(application=application, funder=etat)
    assert (etat_request.convention, etat_request.committed) == (convention, Decimal("2100"))


# --------------------------------------------------------------------------- payments


def test_two_payments_at_once_never_exceed_what_is_committed():
    etat = OrganisationFactory(state=True)
    application = funded_application(paid=False, funders=[etat], amounts=[2100])
    convention = Convention.objects.get(application=application)

    def pay():
        return services.record_payment(
            convention=Convention.objects.get(pk=convention.pk),
            funder=etat,
            kind=PaymentKind.SINGLE,
            amount=Decimal("2100"),
            paid_on=TODAY,
        )

    messages = refusals(race(pay, pay))
    assert messages == [
        "Paiement refusé : il reste 0,00\u00a0€ à verser par "
        f"{etat} (2\u00a0100,00\u00a0€ engagés, 2\u00a0100,00\u00a0€ déjà versés)."
    ]
    request = FundingRequest.objects.get(application=application, funder=etat)
    assert request.paid == request.committed == Decimal("2100")
    assert Payment.objects.filter(request=request).count() == 1


# --------------------------------------------------------------------------- the freeze


def _other_budget(funder) -> list:
    """A balanced budget other than the factory's (6 000 € asked instead of 5 000 €)."""
    return [
        services.BudgetLineData(
            side=BudgetSide.CHARGE, account="64", label="Salaires", amount=Decimal("6000")
        ),
        services.BudgetLineData(
            side=BudgetSide.PRODUCT,
            account=SUBSIDY_ACCOUNT,
            label="Subvention",
            amount=Decimal("6000"),
            funder=funder,
        ),
    ]


def _budget(application) -> list[tuple]:
    return sorted(
        (line.account, str(line.amount)) for line in application.budget_lines.order_by("pk")
    )


def _frozen_budget(version) -> list[tuple]:
    return sorted((line["account"], line["amount"]) for line in version.data["budget"])


@pytest.mark.parametrize("attempt", range(3))
def test_a_budget_saved_during_the_submission_is_frozen_or_refused(attempt):
    funder = OrganisationFactory(funder=True)
    application = ApplicationFactory(complete=True, funders=[funder])

    def submit():
        return services.submit_application(application=Application.objects.get(pk=application.pk))

    def save_budget():
        return services.set_budget(
            application=Application.objects.get(pk=application.pk), lines=_other_budget(funder)
        )

    outcomes = race(submit, save_budget) if attempt % 2 else race(save_budget, submit)
    messages = refusals(outcomes)
    assert set(messages) <= {"Ce dossier est déposé : il n'est plus modifiable."}
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    version = application.versions.get()
    assert _budget(application) == _frozen_budget(version)
    expected = "5000.00" if messages else "6000.00"  # refused: the factory's budget stays
    assert ("74", expected) in _budget(application)
    request = application.funding_requests.get()
    assert str(request.requested) == expected


def test_a_form_saved_during_the_submission_is_frozen_or_refused():
    application = ApplicationFactory(complete=True)

    def submit():
        return services.submit_application(application=Application.objects.get(pk=application.pk))

    def autosave():
        draft = Application.objects.get(pk=application.pk)
        draft.objectives = "Objectifs réécrits au dernier moment."
        return services.save_draft(application=draft)

    messages = refusals(race(autosave, submit))
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    frozen = application.versions.get().data["objectives"]
    assert frozen == application.objectives
    if messages:
        assert messages == ["Ce dossier est déposé : il n'est plus modifiable."]
        assert application.objectives != "Objectifs réécrits au dernier moment."


def test_two_submits_at_once_give_one_version_and_one_clear_refusal():
    """The audit: on SQLite the loser of two concurrent submits got « database is locked »
    (a 500). IMMEDIATE transactions make it wait for the winner, then see the dossier
    submitted."""
    application = ApplicationFactory(complete=True)

    def submit():
        return services.submit_application(application=Application.objects.get(pk=application.pk))

    outcomes = race(submit, submit)
    assert refusals(outcomes) == ["Ce dossier est déposé : il n'est plus modifiable."]
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.versions.count() == 1


def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


# --------------------------------------------------------------------------- idempotent creations


def test_a_start_form_submitted_twice_creates_one_draft():
    call = CallForProjectsFactory()
    carrier = OrganisationFactory(association=True)

    def start():
        return services.start_application(call=call, carrier=carrier, title="Jardin partagé")

    first, second = race(start, start)
    assert first == second
    assert Application.objects.filter(call=call).count() == 1


def test_a_session_form_submitted_twice_creates_one_session():
    call = CallForProjectsFactory()

    def create():
        return services.create_committee_session(
            call=call, kind=CommitteeKind.TECHNICAL, held_on=TODAY
        )

    first, second = race(create, create)
    assert first == second
    assert CommitteeSession.objects.filter(call=call).count() == 1


# --------------------------------------------------------------------------- form tokens


@pytest.mark.parametrize(
    "name", ["payment", "convention", "call", "start", "session", "attachment", "invitation"]
)
def test_a_creating_form_sent_twice_at_once_creates_one_object(name):
    """Both requests carry the token of one rendering (a double click): the second waits for
    the first's claim, then lands on what it created."""
    form = FORMS[name]()
    token = form.token()

    def submit():
        response = form.post(token)
        return response.status_code, response.get("Location")

    first, second = race(submit, submit)
    assert first[0] == second[0] == 302
    assert first[1] == second[1]
    assert form.count() == 1
    assert FormSubmission.objects.get().url == first[1]


def test_two_calls_of_one_year_at_once_one_is_refused_with_a_message():
    """Two tabs (two tokens) racing for the same year: a clear refusal, not a 500."""
    contract = ContractFactory()

    def create():
        return services.create_call(
            contract=contract,
            year=2031,
            title="Appel à projets 2031",
            opens_on=TODAY,
            deadline=timezone.now() + timedelta(days=30),
        )

    messages = refusals(race(create, create))
    assert messages == ["Un appel à projets 2031 existe déjà pour ce contrat."]
    assert CallForProjects.objects.filter(contract=contract).count() == 1


# --------------------------------------------------------------------------- decision letters


def test_letters_sent_at_once_get_one_number_each():
    call = CallForProjectsFactory()
    caf = OrganisationFactory(funder=True)
    carrier = OrganisationFactory(association=True)
    submitted = [
        submitted_application(call, carrier=carrier, funders=[caf], amounts=[amount])
        for amount in (3000, 1000)
    ]
    first, second = (decide(application) for application in submitted)
    outcomes = race(
        lambda: services.notify_decision(application=first),
        lambda: services.notify_decision(application=second),
        lambda: services.notify_decision(application=first),  # the same letter, sent twice
    )
    assert refusals(outcomes) == []
    numbers = dict(DecisionLetter.objects.values_list("application", "sequence"))
    assert sorted(numbers.values()) == [1, 2]
    assert set(numbers) == {first.pk, second.pk}


# --------------------------------------------------------------------------- restoring


def test_two_restorations_at_once_restore_once():
    call = CallForProjectsFactory()
    application = submitted_application(call)
    services.withdraw_application(application=application)

    def restore():
        return services.restore_application(application=Application.objects.get(pk=application.pk))

    outcomes = race(restore, restore)
    assert refusals(outcomes) == ["Ce dossier n'est pas retiré : il n'y a rien à rétablir."]
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.status_changes.filter(to_status=S.SUBMITTED).count() == 2  # filed, restored


# --------------------------------------------------------------------------- complements


def test_a_complement_asked_twice_at_once_is_asked_once():
    from quartiers.accounts.models import Notification
    from quartiers.programming.models import ComplementRequest

    contract = ContractFactory()
    caf = OrganisationFactory(funder=True)
    lead = RoleAssignmentFactory(contract=contract).user
    instructor = RoleAssignmentFactory(
        contract=contract, funder_instructor=True, organisation=caf
    ).user
    carrier = RoleAssignmentFactory(contract=contract, carrier=True)
    call = CallForProjectsFactory(contract=contract)
    application = submitted_application(call, carrier.organisation, funders=[caf], amounts=[900])

    def ask(by):
        def task():
            return services.request_complement(
                application=Application.objects.get(pk=application.pk),
                sections=["action"],
                message=f"Demandé par {by}",
                by=by,
            )

        return task

    outcomes = race(ask(lead), ask(instructor))
    assert refusals(outcomes) == [
        "Un complément est déjà demandé pour ce dossier : attendez la réponse du porteur."
    ]
    assert ComplementRequest.objects.filter(application=application).count() == 1
    assert Notification.objects.filter(user=carrier.user).count() == 1
    application.refresh_from_db()
    assert application.status == S.COMPLEMENT_REQUESTED


def test_a_resubmission_sent_twice_at_once_freezes_one_version():
    from quartiers.programming.models import ApplicationVersion

    contract = ContractFactory()
    caf = OrganisationFactory(funder=True)
    lead = RoleAssignmentFactory(contract=contract).user
    carrier = RoleAssignmentFactory(contract=contract, carrier=True)
    call = CallForProjectsFactory(contract=contract)
    application = submitted_application(call, carrier.organisation, funders=[caf], amounts=[900])
    services.request_complement(
        application=application, sections=["action"], message="Précisez.", by=lead
    )

    def resubmit():
        return services.resubmit_application(
            application=Application.objects.get(pk=application.pk), by=carrier.user
        )

    outcomes = race(resubmit, resubmit)
    assert refusals(outcomes) == ["Aucun complément n'est demandé pour ce dossier."]
    assert ApplicationVersion.objects.filter(application=application).count() == 2


def test_a_complement_asked_while_the_instruction_starts_is_kept():
    """`start_instruction` moves a call's submitted dossiers one by one: a complement asked of
    the last one meanwhile must not be overwritten by « en instruction »."""
    from quartiers.programming.models import ComplementRequest

    contract = ContractFactory()
    caf = OrganisationFactory(funder=True)
    lead = RoleAssignmentFactory(contract=contract).user
    carrier = RoleAssignmentFactory(contract=contract, carrier=True)
    call = CallForProjectsFactory(contract=contract)
    dossiers = [
        submitted_application(call, carrier.organisation, funders=[caf], amounts=[900])
        for _ in range(12)
    ]
    last = max(dossiers, key=lambda application: application.pk)  # moved last
    after_deadline(call)

    def start():
        return services.start_instruction(call=CallForProjects.objects.get(pk=call.pk), by=lead)

    def ask():
        return services.request_complement(
            application=Application.objects.get(pk=last.pk),
            sections=["action"],
            message="Précisez le public.",
            by=lead,
        )

    started, asked = race(start, ask)
    assert refusals([started, asked]) == []
    last.refresh_from_db()
    assert last.status == S.COMPLEMENT_REQUESTED
    request = ComplementRequest.objects.get(application=last)
    # Asked first, the complement kept the dossier out of the instruction's move; asked
    # second, it was asked of a dossier in instruction, where the carrier's answer returns it.
    assert (request.from_status, started) in {(S.SUBMITTED, 11), (S.UNDER_INSTRUCTION, 12)}
    others = Application.objects.filter(call=call).exclude(pk=last.pk)
    assert set(others.values_list("status", flat=True)) == {S.UNDER_INSTRUCTION}


# --------------------------------------------------------------------------- committee sessions


def test_two_people_saving_one_session_at_once_the_second_is_told_to_reload():
    from quartiers.programming.models import Decision
    from tests.programming.test_instruction_services import examine, make_world, steering

    world = make_world()
    examine(world, world.youth)
    session = steering(world)

    def save(funder, outcome, amount):
        def task():
            return services.record_session_decisions(
                session=CommitteeSession.objects.get(pk=session.pk),
                rows={
                    "row": {
                        "application": Application.objects.get(pk=world.youth.pk),
                        "funder": funder,
                        "outcome": outcome,
                        "amount": Decimal(amount),
                        "motivation": "Motivé.",
                    }
                },
                expected_version=0,  # both prepared on the same page
            )

        return task

    outcomes = race(save(world.caf, "granted", "3000"), save(world.ville, "refused", "0"))
    messages = refusals(outcomes)
    assert len(messages) == 1 and "rechargez la page" in messages[0]
    assert Decision.objects.filter(session=session).count() == 1
    session.refresh_from_db()
    assert session.version == 1
