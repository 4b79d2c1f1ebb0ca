"""Notifications of the carriers: a bilan due (the daily `notify_reports_due`, once per bilan
and due date) and a decision (in-app beside the e-mail)."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from quartiers.accounts.models import Membership, Notice, Notification
from quartiers.programming import services
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.programming.followup_helpers import TODAY, decided_application, funded_application

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("notify_reports_due", stdout=out, stderr=StringIO())
    return out.getvalue()


def _member_of(organisation):
    user = UserFactory()
    Membership.objects.create(user=user, organisation=organisation)
    return user


def test_a_bilan_due_is_told_once_per_due_date():
    application = funded_application(funders=[OrganisationFactory(funder=True)], amounts=[3000])
    member = _member_of(application.carrier)
    application.ends_on = TODAY - datetime.timedelta(days=365)
    application.save(update_fields=["ends_on"])
    assert "1 porteur(s) prévenu(s)" in _run()
    assert "0 porteur(s) prévenu(s)" in _run()  # idempotent
    notification = Notification.objects.get(user=member)
    assert "était attendu" in notification.notice.text
    assert len(mail.outbox) == 1 and "bilan en retard" in mail.outbox[0].subject
    application.ends_on = TODAY - datetime.timedelta(days=300)  # a new due date: told again
    application.save(update_fields=["ends_on"])
    assert "1 porteur(s) prévenu(s)" in _run()
    assert Notice.objects.count() == 2


def test_a_bilan_not_due_yet_is_not_told():
    funded_application(funders=[OrganisationFactory(funder=True)], amounts=[3000])
    assert "0 porteur(s) prévenu(s)" in _run()
    assert not mail.outbox


def test_a_decision_is_notified_in_app_and_by_mail():
    application = decided_application(funders=[OrganisationFactory(funder=True)], amounts=[2000])
    member = _member_of(application.carrier)
    services.notify_decision(application=application)
    notification = Notification.objects.get(user=member)
    assert "a décidé de votre dossier" in notification.notice.text
    assert notification.notice.link == application.get_absolute_url()
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments
