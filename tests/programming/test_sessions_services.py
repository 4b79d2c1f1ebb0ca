"""Services of a committee session as a meeting: the agenda and the table saved at once."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from quartiers.programming import services
from quartiers.programming.enums import CommitteeKind, DecisionOutcome, Opinion
from quartiers.programming.models import AgendaItem, Decision, FundingRequest, TechnicalOpinion
from tests.programming.test_instruction_services import examine, make_world, steering

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _decision(world, application, funder, outcome, amount="0", motivation=""):
    return {
        "application": application,
        "funder": funder,
        "outcome": outcome,
        "amount": Decimal(amount),
        "motivation": motivation,
    }


def test_default_agenda_of_a_technical_session_is_what_is_in_instruction(world):
    session = examine(world)
    assert set(services.agenda_applications(session)) == {world.youth, world.sport}


def test_default_agenda_of_a_steering_session_is_what_was_examined(world):
    examine(world, world.youth)
    assert list(services.agenda_applications(steering(world))) == [world.youth]


def test_a_chosen_agenda_replaces_the_default_and_keeps_its_history(world):
    examine(world, world.youth, world.sport)
    session = steering(world)
    services.set_agenda(session=session, applications=[world.youth, world.sport], by=world.lead)
    services.set_agenda(session=session, applications=[world.sport], by=world.lead)
    assert list(services.agenda_applications(session)) == [world.sport]
    assert AgendaItem.history.filter(history_type="-").count() == 1
    assert AgendaItem.history.filter(history_user=world.lead).count() == 3


def test_the_agenda_holds_only_dossiers_this_committee_may_examine(world):
    examine(world, world.youth)
    with pytest.raises(ValidationError, match="ne peut pas être examiné"):
        services.set_agenda(session=steering(world), applications=[world.sport])
    other = make_world()
    with pytest.raises(ValidationError, match="ne relève pas de l'appel"):
        services.set_agenda(
            session=services.create_committee_session(
                call=world.call, kind=CommitteeKind.TECHNICAL, held_on=datetime.date(2025, 3, 9)
            ),
            applications=[other.youth],
        )


def test_the_agenda_is_refused_empty_and_once_records_exist(world):
    session = examine(world)
    with pytest.raises(ValidationError, match="au moins un dossier"):
        services.set_agenda(session=session, applications=[])
    services.record_technical_opinion(
        session=session, application=world.youth, opinion=Opinion.FAVOURABLE
    )
    with pytest.raises(ValidationError, match="ne change plus"):
        services.set_agenda(session=session, applications=[world.sport])


def test_a_stale_version_is_refused(world):
    session = examine(world)
    services.set_agenda(session=session, applications=[world.youth], expected_version=0)
    with pytest.raises(services.StaleSession):
        services.set_agenda(session=session, applications=[world.sport], expected_version=0)


def test_an_archived_contract_refuses_the_agenda_and_the_table(world):
    examine(world, world.youth)
    session = steering(world)
    world.contract.archived_at = timezone.now()
    world.contract.save(update_fields=["archived_at"])
    with pytest.raises(ValidationError, match="archivé"):
        services.set_agenda(session=session, applications=[world.youth])
    with pytest.raises(ValidationError, match="archivé"):
        services.record_session_decisions(
            session=session,
            rows={"r": _decision(world, world.youth, world.caf, "granted", "10")},
        )
    assert not Decision.objects.exists()


def test_one_refused_row_writes_nothing_of_the_table(world):
    examine(world, world.youth, world.sport)
    session = steering(world)
    with pytest.raises(services.RowErrors) as raised:
        services.record_session_decisions(
            session=session,
            rows={
                "ok": _decision(world, world.youth, world.caf, "granted", "3000"),
                "refusal": _decision(world, world.youth, world.ville, DecisionOutcome.REFUSED),
                "adjourned": _decision(world, world.sport, world.caf, DecisionOutcome.ADJOURNED),
            },
        )
    assert set(raised.value.rows) == {"refusal", "adjourned"}
    assert "motivation" in raised.value.rows["refusal"].message_dict
    assert not Decision.objects.exists()
    assert not FundingRequest.objects.filter(granted__gt=0).exists()
    session.refresh_from_db()
    assert session.version == 0


def test_granted_above_requested_is_refused_in_its_row(world):
    examine(world, world.sport)
    with pytest.raises(services.RowErrors) as raised:
        services.record_session_decisions(
            session=steering(world),
            rows={"r": _decision(world, world.sport, world.caf, "granted", "1000.01")},
        )
    assert "dépasse le montant demandé" in raised.value.rows["r"].message_dict["amount"][0]


def test_a_table_of_decisions_fixes_the_default_agenda(world):
    examine(world, world.youth)
    session = steering(world)
    count = services.record_session_decisions(
        session=session,
        rows={"r": _decision(world, world.youth, world.caf, "granted", "3000")},
        expected_version=0,
    )
    assert count == 1
    assert list(session.agenda.values_list("application", flat=True)) == [world.youth.pk]
    assert session.version == 1


def test_opinions_are_for_technical_sessions_and_decisions_for_steering_ones(world):
    examine(world, world.youth)
    with pytest.raises(ValidationError, match="comité technique"):
        services.record_session_opinions(session=steering(world), rows={})
    technical = services.create_committee_session(
        call=world.call, kind=CommitteeKind.TECHNICAL, held_on=datetime.date(2025, 3, 9)
    )
    with pytest.raises(ValidationError, match="comité de pilotage"):
        services.record_session_decisions(session=technical, rows={})
    services.record_session_opinions(
        session=technical,
        rows={"r": {"application": world.sport, "opinion": Opinion.RESERVED}},
    )
    assert TechnicalOpinion.objects.get(session=technical).opinion == Opinion.RESERVED
