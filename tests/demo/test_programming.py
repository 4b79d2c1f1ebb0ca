"""The demo's fictitious 2020-2022 programming: complete, valid, deterministic, idempotent."""

import datetime
from collections import Counter

import pytest
from django.apps import apps
from django.db import transaction

from quartiers.demo import services as demo
from quartiers.demo.catalogue import DEMO_ASSOCIATION
from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus
from quartiers.programming.models import (
    Application,
    ApplicationVersion,
    CallForProjects,
    FinalReport,
    Payment,
    StatusChange,
)

pytestmark = pytest.mark.django_db


def _programming_rows() -> dict:
    """Row counts of every programming and accounts table (a second load must add nothing)."""
    return {
        model._meta.label: model.objects.count()
        for app in ("programming", "accounts")
        for model in apps.get_app_config(app).get_models()
    }


def _fingerprint() -> list:
    """What two loads must share: titles, carriers, statuses, dates and every amount."""
    rows = []
    for application in Application.objects.select_related("call", "carrier").order_by(
        "call__year", "title", "carrier__name", "status"
    ):
        rows.append(
            (
                application.call.year,
                application.title,
                application.carrier.name,
                application.status,
                application.ends_on,
                sorted(application.budget_lines.values_list("account", "amount")),
                sorted(application.decisions.values_list("funder__acronym", "outcome", "amount")),
                sorted(
                    Payment.objects.filter(convention__application=application).values_list(
                        "funder__acronym", "kind", "amount", "paid_on"
                    )
                ),
            )
        )
    return rows


def _years(model, field) -> set:
    return set(model.objects.exclude(**{field: None}).values_list(f"{field}__year", flat=True))


class Rollback(Exception):
    pass


def test_the_demo_programming():
    demo.load(apply=True)
    calls = list(CallForProjects.objects.order_by("year"))
    assert [c.year for c in calls] == [2020, 2021, 2022]
    assert all("fictif" in c.title for c in calls)

    for call in calls:
        assert 15 <= call.applications.count() <= 25, call.year
    assert set(Application.objects.values_list("status", flat=True)) == set(
        ApplicationStatus.values
    )

    # renewals keep the action's identity across years
    renewals = Application.objects.filter(renewal_of__isnull=False).select_related("renewal_of")
    assert renewals.count() >= 20
    assert all(r.action_id == r.renewal_of.action_id for r in renewals)
    assert all(r.call.year == r.renewal_of.call.year + 1 for r in renewals)

    # fictitious associations, balanced budgets, granted money paid at most once
    assert all(
        "fictive" in name for name in Application.objects.values_list("carrier__name", flat=True)
    )
    for application in Application.objects.submitted():
        assert services.budget_errors(application) == [], application
        for row in services.ledger(application):
            assert row.paid <= row.committed <= row.granted <= row.requested

    # dates belong to the demo's years, not to the day it was loaded (drafts start in December)
    years = {2020, 2021, 2022}
    assert _years(Application, "created_at") <= years | {2019}
    assert _years(Application, "submitted_at") <= years
    assert _years(ApplicationVersion, "submitted_at") <= years
    assert _years(StatusChange, "at") <= years
    assert _years(FinalReport, "received_at") <= years

    # one bilan is overdue at the end of the demo (November 2022), and it was overridden once
    overdue = [
        a
        for a in Application.objects.filter(status__in=services.FUNDED_STATUSES, report=None)
        if services.report_due_on(a) < datetime.date(2022, 11, 30)
    ]
    assert len(overdue) == 1
    assert Application.objects.exclude(report_override="").exists()

    # the demo carrier has an action to file a bilan for
    porteur = Application.objects.filter(carrier__name=DEMO_ASSOCIATION)
    assert porteur.filter(status=ApplicationStatus.PAID).exists()

    before = _programming_rows()
    demo.load(apply=True)  # idempotent: a second load changes nothing
    assert _programming_rows() == before


def test_the_demo_is_deterministic():
    fingerprints = []
    for _ in range(2):
        try:
            with transaction.atomic():  # a fresh database each time
                demo.load(apply=True)
                fingerprints.append(_fingerprint())
                raise Rollback
        except Rollback:
            pass
    assert not CallForProjects.objects.exists()
    assert len(fingerprints[0]) == 60
    assert fingerprints[0] == fingerprints[1]
    assert Counter(year for year, *_ in fingerprints[0]) == {2020: 18, 2021: 20, 2022: 22}
