"""`send_report_reminders`: dry run by default, one reminder per application per 30 days."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from quartiers.access.models import Event
from quartiers.programming import services
from quartiers.programming.models import ReportReminder
from tests.accounts.factories import OrganisationFactory
from tests.contracts.factories import ContractFactory
from tests.programming.followup_helpers import TODAY, funded_application, report_values

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("send_report_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def overdue():
    """A paid action that ended a year ago: its bilan was due six months ago."""
    application = funded_application(funders=[OrganisationFactory(funder=True)], amounts=[3000])
    application.ends_on = TODAY - datetime.timedelta(days=365)
    application.save(update_fields=["ends_on"])
    return application


@pytest.fixture
def not_due_yet():
    """Its action ends in ten months: no reminder yet."""
    return funded_application(funders=[OrganisationFactory(funder=True)], amounts=[3000])


def test_dry_run_lists_and_writes_nothing(overdue, not_due_yet):
    output = _run()
    assert f"à relancer : « {overdue.title} »" in output
    assert not_due_yet.title not in output
    assert "1 relance(s) à envoyer" in output
    assert not ReportReminder.objects.exists()
    assert not mail.outbox


def test_apply_sends_once_then_waits_thirty_days(overdue, not_due_yet):
    output = _run("--apply")
    assert "1 relance(s) envoyée(s)" in output
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille.martin@example.org"]
    assert "bilan en retard" in message.subject
    assert f"/dossiers/{overdue.uuid}/bilan/" in message.body
    assert ReportReminder.objects.filter(application=overdue).count() == 1
    assert Event.objects.filter(verb="report_reminder_sent").count() == 1

    assert "0 relance(s) envoyée(s)" in _run("--apply")
    assert len(mail.outbox) == 1

    ReportReminder.objects.update(sent_at=timezone.now() - datetime.timedelta(days=31))
    assert "1 relance(s) envoyée(s)" in _run("--apply")
    assert len(mail.outbox) == 2
    assert ReportReminder.objects.filter(application=overdue).count() == 2


def test_reminds_a_month_before_the_due_date(not_due_yet):
    not_due_yet.ends_on = TODAY - datetime.timedelta(days=160)  # due in about 3 weeks
    not_due_yet.save(update_fields=["ends_on"])
    assert services.reports_to_remind() == [not_due_yet]
    _run("--apply")
    assert "bilan à déposer" in mail.outbox[0].subject


def test_no_reminder_once_the_bilan_is_in(overdue):
    services.submit_report(application=overdue, **report_values())
    assert "0 relance(s) à envoyer" in _run()


def test_one_contract_only(overdue):
    other = ContractFactory()
    assert "0 relance(s) à envoyer" in _run("--contract", other.slug)
    assert "1 relance(s) à envoyer" in _run("--contract", overdue.call.contract.slug)


def test_unknown_contract_is_an_error():
    with pytest.raises(CommandError, match="Aucun contrat"):
        _run("--contract", "nulle-part")
