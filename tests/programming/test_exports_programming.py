"""The programming table: page, xlsx/ods read back, PDF for signature; totals = decisions."""

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertInHTML

from quartiers.programming import exports, services
from quartiers.programming.enums import DecisionOutcome
from quartiers.programming.models import Application, Decision
from tests.contracts.factories import PillarFactory, ThemeFactory
from tests.programming.test_instruction_services import examine, make_world, steering

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "pdf": "application/pdf",
}


@pytest.fixture
def world():
    """« youth »: CAF grants 2 500 €, Ville refuses; « sport »: CAF grants 800 €."""
    world = make_world()
    pillar = PillarFactory(contract=world.contract, name="Cohésion sociale")
    theme = ThemeFactory(pillar=pillar, name="Jeunesse")
    Application.objects.filter(pk=world.youth.pk).update(pillar=pillar, theme=theme)
    examine(world, world.youth, world.sport)
    session = steering(world)
    for application, funder, outcome, amount in [
        (world.youth, world.caf, DecisionOutcome.GRANTED, "2500"),
        (world.youth, world.ville, DecisionOutcome.REFUSED, "0"),
        (world.sport, world.caf, DecisionOutcome.GRANTED, "800"),
    ]:
        application.refresh_from_db()
        services.record_decision(
            session=session,
            application=application,
            funder=funder,
            outcome=outcome,
            amount=Decimal(amount),
            motivation="Hors priorités." if outcome == DecisionOutcome.REFUSED else "",
        )
    return world


def granted(funder) -> Decimal:
    total = Decimal("0")
    for decision in Decision.objects.filter(
        request__funder=funder, outcome=DecisionOutcome.GRANTED
    ):
        total += decision.request.granted
    return total


def _export(client, world, fmt):
    url = reverse("programming:programming-export", kwargs={"uuid": world.call.uuid, "fmt": fmt})
    return client.get(url)


def _read_xlsx(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def _read_ods(content: bytes) -> list[list]:
    table = load_ods(io.BytesIO(content)).spreadsheet.getElementsByType(Table)[0]
    rows = []
    for tr in table.getElementsByType(TableRow):
        row = []
        for cell in tr.getElementsByType(TableCell):
            if cell.getAttribute("valuetype") == "float":
                row.append(Decimal(cell.getAttribute("value")))
            else:
                row.append(str(cell))
        rows.append(row)
    return rows


def _total_per_funder(rows, funder) -> tuple:
    """(asked, granted) of `funder` on the « Total » row."""
    header, total = rows[0], next(row for row in rows if row[0] == "Total")
    asked = total[header.index(f"{funder} — demandé")]
    return Decimal(str(asked)), Decimal(str(total[header.index(f"{funder} — accordé")]))


# --------------------------------------------------------------------------- the table


def test_table_has_one_row_per_application_and_a_total_per_funder(world):
    header, rows = exports.programming_table(exports.consolidate(world.call))
    assert header[:5] == ["Porteur", "Action", "Pilier", "Thème", "Budget total"]
    assert header[-3:] == ["Total demandé", "Total accordé", "Décision"]
    assert f"{world.caf} — accordé" in header and f"{world.ville} — demandé" in header
    by_title = {row[1]: row for row in rows[:-1]}
    assert set(by_title) == {"Jeunes en action", "Sport pour tous"}
    youth = by_title["Jeunes en action"]
    assert youth[:5] == [
        world.youth.carrier.name,
        "Jeunes en action",
        "Cohésion sociale",
        "Jeunesse",
        Decimal("5000"),
    ]
    assert youth[-3:] == [Decimal("5000"), Decimal("2500"), "accordé"]
    assert rows[-1][0] == "Total"
    for funder in (world.caf, world.ville):
        assert _total_per_funder([header, *rows], funder)[1] == granted(funder)
    assert rows[-1][-2] == Decision.objects.aggregate(total=Sum("request__granted"))["total"]


def test_partial_and_pending_decisions_are_labelled(db):
    world = make_world()
    examine(world, world.youth)
    services.record_decision(
        session=steering(world),
        application=world.youth,
        funder=world.caf,
        outcome=DecisionOutcome.ADJOURNED,
        motivation="Budget à préciser.",
    )
    rows = {row.application.title: row for row in exports.consolidate(world.call).rows}
    assert rows["Jeunes en action"].decision_label == "ajourné (décision partielle)"
    assert rows["Sport pour tous"].decision_label == "en attente"


# --------------------------------------------------------------------------- spreadsheets


@pytest.mark.parametrize(("fmt", "read"), [("xlsx", _read_xlsx), ("ods", _read_ods)])
def test_spreadsheet_totals_equal_the_granted_decisions(client, world, fmt, read):
    client.force_login(world.lead)
    response = _export(client, world, fmt)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="programmation-{world.call.year}-{world.contract.slug}.{fmt}"'
    )
    rows = read(response.content)
    assert rows[0][0] == "Porteur"
    assert len(rows) == 1 + 2 + 1 + 1  # header, two applications, total, the session held
    assert rows[-1][:2] == ["Comité de pilotage", "Comité de pilotage du 1 avril 2025"]
    assert _total_per_funder(rows, world.caf) == (Decimal("4000"), Decimal("3300"))
    assert _total_per_funder(rows, world.ville) == (Decimal("2000"), Decimal("0"))
    for funder in (world.caf, world.ville):
        assert _total_per_funder(rows, funder)[1] == granted(funder)


# --------------------------------------------------------------------------- PDF


def test_pdf_for_signature(client, world, tmp_path):
    world.call.steering_committee_on = datetime.date(2022, 3, 17)  # planned, not held
    world.call.save(update_fields=["steering_committee_on"])
    client.force_login(world.prefect)
    response = _export(client, world, "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "programmation.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert f"Programmation {world.call.year} — Appel à projets des Tilleuls" in text
    assert "3 300,00 €" in text  # the CAF's total granted
    # The session held (its decisions), not the call's planned date.
    assert "Vu et approuvé par le comité de pilotage du 1 avril 2025" in text
    assert "17 mars 2022" not in text
    assert f"Édité le {timezone.localdate():%-d}" in text


# --------------------------------------------------------------------------- page and access


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("lead", 200),
        ("prefect", 200),
        ("caf_instructor", 200),
        ("ville_instructor", 200),
        ("observer", 200),
        ("carrier", 403),
        ("council", 403),
    ],
)
def test_programming_table_readers(client, world, role, status):
    client.force_login(getattr(world, role))
    url = reverse("programming:programming-table", kwargs={"uuid": world.call.uuid})
    assert client.get(url).status_code == status
    assert _export(client, world, "xlsx").status_code == status


def test_programming_table_needs_login(client, world):
    response = _export(client, world, "pdf")
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_unknown_format_is_not_found(client, world):
    client.force_login(world.lead)
    response = client.get(f"/appels/{world.call.uuid}/programmation.csv")
    assert response.status_code == 404


def test_programming_table_page(client, world, django_assert_max_num_queries):
    # paginated with totals over the whole call (SQL), the sessions named, the header (menu and
    # unread notifications): constant, pinned exactly in test_queues.py
    client.force_login(world.observer)
    url = reverse("programming:programming-table", kwargs={"uuid": world.call.uuid})
    with django_assert_max_num_queries(17):
        response = client.get(url)
    assertContains(response, f"<h1>Tableau de programmation {world.call.year}</h1>", html=True)
    assertContains(
        response, f"<caption>Programmation {world.call.year} — {world.call.title}</caption>"
    )
    assertInHTML('<th scope="row" colspan="3">Total</th>', response.content.decode(), count=1)
    assertContains(response, "3\u00a0300,00\u00a0€")
    for fmt in ("pdf", "xlsx", "ods"):
        assertContains(response, f"/appels/{world.call.uuid}/programmation.{fmt}")
