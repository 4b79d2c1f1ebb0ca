# The programming's committee sessions become meetings of the contract's comité technique or
# de pilotage (docs/architecture.md, Governance), and each dossier's decisions at a session
# become one numbered entry of the register of decisions. Nothing is lost: every session keeps
# its pk, uuid, agenda, opinions and decisions; its date moves to its meeting (tested on the
# demo's data: tests/programming/test_migration_sessions.py).

import datetime

from django.db import migrations

from quartiers.governance.naming import COMMITTEE_NAMES, body_code
from quartiers.governance.numbering import decision_number
from quartiers.programming.registering import entry_text, entry_title


def _body(Body, contract, kind):
    body = Body.objects.filter(contract=contract, kind=kind).order_by("position", "pk").first()
    if body is None:
        bodies = Body.objects.filter(contract=contract)
        name = COMMITTEE_NAMES[kind]
        body = Body.objects.create(
            contract=contract,
            kind=kind,
            name=name,
            code=body_code(kind, name, set(bodies.values_list("code", flat=True))),
            position=max(bodies.values_list("position", flat=True), default=-1) + 1,
        )
    return body


def sessions_to_meetings(apps, schema_editor):
    Session = apps.get_model("programming", "CommitteeSession")
    ProgrammingDecision = apps.get_model("programming", "Decision")
    TechnicalOpinion = apps.get_model("programming", "TechnicalOpinion")
    Body = apps.get_model("governance", "Body")
    Meeting = apps.get_model("governance", "Meeting")
    Register = apps.get_model("governance", "Decision")
    AgendaEntry = apps.get_model("governance", "AgendaEntry")
    for session in Session.objects.select_related("call__contract").order_by("held_on", "pk"):
        contract = session.call.contract
        body = _body(Body, contract, session.kind)
        meeting = (
            Meeting.objects.filter(body=body, date=session.held_on, committee_session__isnull=True)
            .exclude(status="cancelled")
            .order_by("pk")
            .first()
        )
        ruled = (
            ProgrammingDecision.objects.filter(session=session).exists()
            or TechnicalOpinion.objects.filter(session=session).exists()
        )
        if meeting is None:
            meeting = Meeting.objects.create(
                contract=contract,
                body=body,
                date=session.held_on,
                status="held" if ruled else "planned",
            )
        elif ruled and meeting.status != "held":
            meeting.status = "held"
            meeting.save(update_fields=["status"])
        session.meeting = meeting
        session.save(update_fields=["meeting"])
        AgendaEntry.objects.create(
            meeting=meeting,
            title=f"Examen des dossiers de l'appel à projets « {session.call.title} »"[:300],
            position=max(
                AgendaEntry.objects.filter(meeting=meeting).values_list("position", flat=True),
                default=-1,
            )
            + 1,
        )
        decisions = (
            ProgrammingDecision.objects.filter(session=session)
            .select_related("request__application", "request__funder")
            .order_by("request__application__title", "request__application__pk", "request__pk")
        )
        by_application = {}
        for decision in decisions:
            by_application.setdefault(decision.request.application, []).append(decision)
        year = session.held_on.year
        for application, rows in by_application.items():
            last = (
                Register.objects.filter(body=body, year=year)
                .order_by("-sequence")
                .values_list("sequence", flat=True)
                .first()
            )
            sequence = (last or 0) + 1
            entry = Register.objects.create(
                contract=contract,
                body=body,
                meeting=meeting,
                year=year,
                sequence=sequence,
                number=decision_number(body.code, year, sequence),
                decided_on=session.held_on,
                kind="funding",
                title=entry_title(application.title, session.call.year),
                text=entry_text(
                    (d.request.funder.name, d.outcome, d.request.granted, d.motivation)
                    for d in rows
                ),
            )
            ProgrammingDecision.objects.filter(pk__in=[d.pk for d in rows]).update(
                register_entry=entry
            )


def meetings_to_sessions(apps, schema_editor):
    """Back: each session takes its date again; the funding entries are the programming's
    (written again going forward); the meetings stay (a later forward run finds them)."""
    Session = apps.get_model("programming", "CommitteeSession")
    for session in Session.objects.select_related("meeting"):
        session.held_on = session.meeting.date if session.meeting else datetime.date.today()
        session.meeting = None
        session.save(update_fields=["held_on", "meeting"])
    apps.get_model("programming", "Decision").objects.update(register_entry=None)
    apps.get_model("governance", "Decision").objects.filter(kind="funding").delete()


class Migration(migrations.Migration):
    dependencies = [("programming", "0006_session_meeting_columns")]

    operations = [migrations.RunPython(sessions_to_meetings, meetings_to_sessions)]
