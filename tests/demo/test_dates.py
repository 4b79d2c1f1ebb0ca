"""The demo is alive at any date: loaded on any day, it holds past calls (closed), one call in
instruction whose committees are ahead, and one open call in which the demo carrier files at
once; every journal and history row is dated before that day, and two loads on one day agree.

The day is set by stopping the clock (`clock.frozen_at`) around the load, as the demo does
for each of its steps.
"""

import datetime

import pytest
from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from quartiers.accounts.models import Organisation, User
from quartiers.demo import services as demo
from quartiers.demo.catalogue import DEMO_ASSOCIATION, DEMO_DOMAIN
from quartiers.demo.clock import frozen_at
from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus, CallStatus, CommitteeKind
from quartiers.programming.models import Application, CallForProjects, StatusChange
from tests.demo.test_programming import Rollback, _fingerprint

pytestmark = pytest.mark.django_db

# Moments of the future: the check cannot pass by leaning on the real date.
LOAD_MOMENTS = {
    "early-january": (2031, 1, 3, 8, 45),
    "mid-year": (2030, 6, 14, 15, 30),
    "late-december": (2029, 12, 29, 20, 10),
}

# Apps whose rows tell what happened and when (the socle's form tokens and the import
# pipeline's jobs are bookkeeping of the load itself).
JOURNALED_APPS = ("accounts", "access", "contracts", "programming")
# Moments that are not events: a call's deadline is announced ahead.
NOT_EVENTS = {"deadline"}


def _moment(parts) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*parts))


def _journal_moments():
    """(model, field, latest value) of every date-time column of the journaled apps."""
    for app in JOURNALED_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateTimeField) and field.name not in NOT_EVENTS:
                    latest = model.objects.aggregate(latest=models.Max(field.name))["latest"]
                    if latest is not None:
                        yield model._meta.label, field.name, latest


def _check_journal(today):
    checked = list(_journal_moments())
    labels = {label for label, _, _ in checked}
    assert {
        "access.Event",
        "programming.StatusChange",
        "programming.HistoricalApplication",
        "programming.Application",
        "accounts.User",
    } <= labels
    late = [(label, name, m) for label, name, m in checked if timezone.localdate(m) >= today]
    assert late == [], late


@pytest.mark.parametrize("parts", LOAD_MOMENTS.values(), ids=LOAD_MOMENTS.keys())
def test_the_demo_is_alive_at_any_date(parts):
    moment = _moment(parts)
    with frozen_at(moment):
        demo.load(apply=True)
        today = timezone.localdate()
        *past, instruction, open_call = CallForProjects.objects.order_by("year")
        assert len(past) == 3

        # the past calls are closed, their committees held
        for call in past:
            assert call.status == CallStatus.CLOSED
            assert call.deadline < moment
            assert all(s.held_on < today for s in call.sessions.all())
            assert not call.applications.filter(
                status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_INSTRUCTION)
            ).exists()

        # the call in instruction: filing over, dossiers instructed, both committees ahead
        assert instruction.status == CallStatus.CLOSED and instruction.deadline < moment
        assert instruction.applications.filter(status=ApplicationStatus.UNDER_INSTRUCTION).exists()
        sessions = list(instruction.sessions.all())
        assert {s.kind for s in sessions} == set(CommitteeKind.values)
        assert all(s.held_on > today for s in sessions)

        # the open call takes dossiers for weeks still
        assert services.is_open_for_submission(open_call)
        assert open_call.deadline - moment > datetime.timedelta(weeks=4)

        # a late bilan is shown on another carrier, not on the demo's
        carrier = Organisation.objects.get(name=DEMO_ASSOCIATION)
        assert services.missing_reports(carrier) == []
        late = [
            a.carrier.name
            for a in Application.objects.filter(status__in=services.FUNDED_STATUSES)
            if a in services.missing_reports(a.carrier)
        ]
        assert late and DEMO_ASSOCIATION not in late

        # every journal and history row is dated before the load day
        _check_journal(today)

        # the demo carrier files its draft now, and may start another dossier
        porteur = User.objects.get(email=f"porteur@{DEMO_DOMAIN}")
        draft = (
            open_call.applications.filter(carrier=carrier, status=ApplicationStatus.DRAFT)
            .order_by("pk")
            .first()
        )
        services.submit_application(application=draft, by=porteur)
        draft.refresh_from_db()
        assert draft.status == ApplicationStatus.SUBMITTED
        assert timezone.localdate(draft.submitted_at) == today
        started = services.start_application(
            call=open_call, carrier=carrier, title="Nouvelle action du porteur", by=porteur
        )
        assert started.status == ApplicationStatus.DRAFT


def _dated_fingerprint() -> list:
    """The fingerprint, with the moment and the change of every status."""
    return _fingerprint() + list(
        StatusChange.objects.order_by("at", "application__title", "to_status").values_list(
            "application__title", "to_status", "at"
        )
    )


def test_two_loads_on_one_day_agree():
    moment = _moment(LOAD_MOMENTS["mid-year"])
    fingerprints = []
    for _ in range(2):
        try:
            with transaction.atomic(), frozen_at(moment):  # a fresh database each time
                demo.load(apply=True)
                fingerprints.append(_dated_fingerprint())
                raise Rollback
        except Rollback:
            pass
    assert not CallForProjects.objects.exists()
    assert fingerprints[0] == fingerprints[1]
    assert {row[0] for row in fingerprints[0][:81]} == {2027, 2028, 2029, 2030, 2031}
