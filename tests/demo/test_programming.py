"""The demo's fictitious programming, dated from the load day: complete, valid, deterministic,
idempotent (its dates at other load days: `test_dates.py`)."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from quartiers.accounts.models import User
from quartiers.core.formats import euros
from quartiers.demo import services as demo
from quartiers.demo.calendar import DemoCalendar
from quartiers.demo.catalogue import DEMO_ASSOCIATION
from quartiers.programming import letters, services
from quartiers.programming.enums import ApplicationStatus
from quartiers.programming.models import (
    AMOUNTS,
    Application,
    ApplicationVersion,
    CallForProjects,
    Decision,
    FinalReport,
    FundingRequest,
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
                list(
                    application.funding_requests.values_list(
                        "funder__acronym", "requested", "proposed", "granted", "committed", "paid"
                    )
                ),
                sorted(
                    Decision.objects.filter(request__application=application).values_list(
                        "request__funder__acronym", "outcome"
                    )
                ),
                sorted(
                    Payment.objects.filter(convention__application=application).values_list(
                        "request__funder__acronym", "kind", "amount", "paid_on"
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
    today = timezone.localdate()
    calendar = DemoCalendar(today)
    calls = list(CallForProjects.objects.order_by("year"))
    assert [c.year for c in calls] == calendar.years
    assert all("fictif" in c.title and "fictives" in c.description for c in calls)

    for call in calls[:-1]:
        assert 15 <= call.applications.count() <= 25, call.year
    assert calls[-1].applications.count() == 7
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

    # dates belong to the demo's calendar, before the day it was loaded
    for model, field in (
        (Application, "created_at"),
        (Application, "submitted_at"),
        (ApplicationVersion, "submitted_at"),
        (StatusChange, "at"),
        (FinalReport, "received_at"),
    ):
        moments = model.objects.exclude(**{field: None}).values_list(field, flat=True)
        assert max(timezone.localdate(m) for m in moments) < today, (model, field)
    assert _years(Application, "created_at") <= set(range(calendar.first_year - 1, today.year + 1))

    # one bilan is overdue today, on another carrier than the demo's, overridden once
    overdue = [
        a
        for a in Application.objects.filter(status__in=services.FUNDED_STATUSES, report=None)
        if services.report_due_on(a) < today
    ]
    assert len(overdue) == 1
    assert overdue[0].carrier.name != DEMO_ASSOCIATION
    assert Application.objects.exclude(report_override="").exists()

    # the demo carrier has a draft ready to file on the open call
    porteur = Application.objects.filter(carrier__name=DEMO_ASSOCIATION)
    assert porteur.filter(call=calls[-1], status=ApplicationStatus.DRAFT).exists()

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
    assert len(fingerprints[0]) == 81
    assert fingerprints[0] == fingerprints[1]
    years = DemoCalendar(timezone.localdate()).years
    assert Counter(year for year, *_ in fingerprints[0]) == dict(
        zip(years, [18, 20, 20, 16, 7], strict=True)
    )


def _xlsx_rows(client, call) -> dict:
    """The programming table of `call` read back from its xlsx: {title: {header: value}}."""
    url = reverse("programming:programming-export", kwargs={"uuid": call.uuid, "fmt": "xlsx"})
    sheet = load_workbook(io.BytesIO(client.get(url).content), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows}


def _amounts(source) -> tuple:
    return tuple(Decimal(str(getattr(source, key) or 0)) for key in AMOUNTS)


def test_every_page_agrees_on_the_money_of_the_demo(client):
    """For a sample of the demo's applications: the application page, the instruction list, the
    programming table (xlsx), the ledgers, the decision letter and the API give each funder the
    same demandé, proposé, accordé, engagé and versé."""
    demo.load(apply=True)
    client.force_login(User.objects.create_superuser("admin@example.org", "mot-de-passe-admin"))
    sample = [
        Application.objects.filter(status=status).order_by("pk").first()
        for status in (
            ApplicationStatus.UNDER_INSTRUCTION,
            ApplicationStatus.DECIDED,
            ApplicationStatus.CONVENTION_SIGNED,
            ApplicationStatus.PAID,
            ApplicationStatus.REPORT_RECEIVED,
            ApplicationStatus.CLOSED,
        )
    ]
    assert all(sample)
    for application in sample:
        call = application.call
        requests = {r.funder_id: r for r in application.funding_requests.select_related("funder")}
        expected = {pk: _amounts(r) for pk, r in requests.items()}
        assert expected and all(amounts[0] > 0 for amounts in expected.values())

        # the ledger of the application and the API
        page = client.get(reverse("programming:ledger", kwargs={"uuid": application.uuid}))
        assert {row.funder.pk: _amounts(row) for row in page.context["rows"]} == expected
        api = client.get(
            reverse("api:application-funding-requests", kwargs={"uuid": application.uuid})
        )
        assert {
            row["funder_id"]: tuple(Decimal(row[key] or 0) for key in AMOUNTS) for row in api.json()
        } == expected

        # the application page shows each request's amounts
        detail = client.get(application.get_absolute_url()).content.decode()
        for request in requests.values():
            assert euros(request.requested) in detail and euros(request.granted) in detail

        # the instruction list and the programming table (xlsx, read back)
        listing = client.get(reverse("programming:instruction-list", kwargs={"uuid": call.uuid}))
        row = next(r for r in listing.context["consolidation"].rows if r.application == application)
        assert {
            cell.funder.pk: (cell.requested, cell.proposed or 0, cell.granted)
            for cell in row.requested_cells
        } == {pk: amounts[:3] for pk, amounts in expected.items()}
        table = _xlsx_rows(client, call)[application.title]
        for request in requests.values():
            assert Decimal(str(table[f"{request.funder} — demandé"])) == request.requested
            assert Decimal(str(table[f"{request.funder} — accordé"])) == request.granted
        assert Decimal(str(table["Total accordé"])) == sum(r.granted for r in requests.values())

        # the ledger of the call adds up the same rows
        call_rows = client.get(
            reverse("programming:call-ledger", kwargs={"uuid": call.uuid})
        ).context["rows"]
        submitted = list(FundingRequest.objects.for_call(call).submitted())
        for ledger_row in call_rows:
            rows = [r for r in submitted if r.funder_id == ledger_row.funder.pk]
            assert _amounts(ledger_row) == tuple(
                sum((Decimal(getattr(r, key) or 0) for r in rows), Decimal("0")) for key in AMOUNTS
            )

        # the decision letter
        decisions = services.decisions_of(application)
        if decisions:
            context = letters.decision_letter_context(application, decisions)
            assert context["granted_total"] == sum(r.granted for r in requests.values())
            assert {d.funder.pk: d.request.granted for d in decisions} == {
                pk: r.granted for pk, r in requests.items()
            }
