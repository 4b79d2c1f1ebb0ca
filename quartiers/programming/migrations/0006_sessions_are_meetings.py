# The programming's committee sessions become meetings of the contract's comité technique or
# de pilotage (docs/architecture.md, Governance), and each dossier's decisions at a session
# become one numbered entry of the register of decisions. Nothing is lost: every session keeps
# its pk, uuid, agenda, opinions and decisions; its date moves to its meeting.

import datetime

import django.db.models.deletion
from django.db import migrations, models

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
    """Back: the funding entries are the programming's (written again going forward); the
    meetings stay (a later forward run finds them again)."""
    apps.get_model("programming", "Decision").objects.update(register_entry=None)
    apps.get_model("governance", "Decision").objects.filter(kind="funding").delete()
    apps.get_model("programming", "CommitteeSession").objects.update(meeting=None)


def restore_dates(apps, schema_editor):
    Session = apps.get_model("programming", "CommitteeSession")
    for session in Session.objects.select_related("meeting"):
        session.held_on = session.meeting.date if session.meeting else datetime.date.today()
        session.save(update_fields=["held_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_register_of_decisions"),
        ("programming", "0005_committee_agenda"),
    ]

    operations = [
        migrations.AddField(
            model_name="committeesession",
            name="meeting",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="committee_session",
                to="governance.meeting",
                verbose_name="réunion",
            ),
        ),
        migrations.AddField(
            model_name="decision",
            name="register_entry",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funding_decisions",
                to="governance.decision",
                verbose_name="décision du registre",
            ),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="register_entry",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="governance.decision",
                verbose_name="décision du registre",
            ),
        ),
        migrations.RunPython(sessions_to_meetings, meetings_to_sessions),
        migrations.AlterField(
            model_name="committeesession",
            name="held_on",
            field=models.DateField(null=True, verbose_name="date"),
        ),
        migrations.RunPython(migrations.RunPython.noop, restore_dates),
        migrations.RemoveConstraint(
            model_name="committeesession",
            name="one_session_a_day",
        ),
        migrations.RemoveField(
            model_name="committeesession",
            name="held_on",
        ),
        migrations.AlterModelOptions(
            name="committeesession",
            options={
                "base_manager_name": "objects",
                "ordering": ["meeting__date", "pk"],
                "verbose_name": "séance de comité",
                "verbose_name_plural": "séances de comité",
            },
        ),
        migrations.AlterField(
            model_name="committeesession",
            name="meeting",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="committee_session",
                to="governance.meeting",
                verbose_name="réunion",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="register_entry",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="funding_decisions",
                to="governance.decision",
                verbose_name="décision du registre",
            ),
        ),
    ]
