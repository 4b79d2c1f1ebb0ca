"""The migration that makes the committee sessions meetings (programming 0006), run on the
demo's data: every session becomes a meeting of its contract's committee on its date, and no
opinion, agenda item or decision is lost; each dossier's decisions at a session get one
numbered entry of the register."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from quartiers.demo import services as demo
from quartiers.governance.models import Decision as RegisterEntry
from quartiers.programming.models import AgendaItem, CommitteeSession, Decision, TechnicalOpinion

BEFORE = [("programming", "0005_committee_agenda")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_demo_sessions_become_meetings_with_every_decision():
    demo.load(apply=True)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate([n for n in leaves if n[0] != "programming"] + BEFORE)
    try:
        sessions = {
            s.pk: (s.call.contract_id, s.kind, s.held_on, s.uuid)
            for s in old.get_model("programming", "CommitteeSession").objects.select_related("call")
        }
        decisions = {
            d.pk: (d.session_id, d.request_id, d.outcome, d.motivation)
            for d in old.get_model("programming", "Decision").objects.all()
        }
        pairs = {
            (d.session_id, d.request.application_id)
            for d in old.get_model("programming", "Decision").objects.select_related("request")
        }
        opinions = set(
            old.get_model("programming", "TechnicalOpinion").objects.values_list(
                "pk", "session_id", "application_id", "opinion"
            )
        )
        agenda = set(
            old.get_model("programming", "AgendaItem").objects.values_list(
                "pk", "session_id", "application_id"
            )
        )
        assert len(sessions) >= 4 and len(decisions) >= 10, "the demo has sessions to migrate"
        # As before the governance existed: no meeting, no register (going back keeps them).
        old.get_model("participation", "MicroProject").objects.update(register_entry=None)
        old.get_model("governance", "Decision").objects.all().delete()
        old.get_model("governance", "Minutes").objects.all().delete()
        old.get_model("governance", "Meeting").objects.all().delete()
    finally:
        _migrate(leaves)

    for session in CommitteeSession.objects.select_related("call", "meeting__body"):
        contract, kind, held_on, uuid = sessions.pop(session.pk)
        assert (session.call.contract_id, session.kind, session.uuid) == (contract, kind, uuid)
        assert session.meeting.date == held_on
        assert (session.meeting.body.kind, session.meeting.contract_id) == (kind, contract)
        assert session.meeting.entries.filter(title__contains=session.call.title).exists()
    assert sessions == {}, "no session is left without its meeting"
    after = {
        d.pk: (d.session_id, d.request_id, d.outcome, d.motivation) for d in Decision.objects.all()
    }
    assert after == decisions
    assert (
        set(TechnicalOpinion.objects.values_list("pk", "session_id", "application_id", "opinion"))
        == opinions
    )
    assert set(AgendaItem.objects.values_list("pk", "session_id", "application_id")) == agenda

    entries = RegisterEntry.objects.filter(kind="funding")
    assert entries.count() == len(pairs), "one entry per dossier and session"
    for decision in Decision.objects.select_related("register_entry", "session__meeting"):
        entry = decision.register_entry
        assert entry.meeting_id == decision.session.meeting_id
        assert re.fullmatch(rf"{entry.body.code}-{entry.year}-\d{{3,}}", entry.number)
        assert decision.request.funder.name in entry.text
    numbers = list(RegisterEntry.objects.values_list("body", "year", "sequence"))
    assert len(numbers) == len(set(numbers))
