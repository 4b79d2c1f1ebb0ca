"""Exports of the matrix: read back each format and compare with the database."""

import csv
import io

import pytest
from django.urls import reverse
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook

from quartiers.contracts.models import EngagementRole

pytestmark = pytest.mark.django_db


def _export(client, contract, fmt, **params):
    url = reverse("contracts:matrix-export", kwargs={"slug": contract.slug, "fmt": fmt})
    return client.get(url, params)


def _read_xlsx(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def _read_ods(content: bytes) -> list[list]:
    document = load_ods(io.BytesIO(content))
    table = document.spreadsheet.getElementsByType(Table)[0]
    rows = []
    for tr in table.getElementsByType(TableRow):
        row = []
        for cell in tr.getElementsByType(TableCell):
            if cell.getAttribute("valuetype") == "float":
                row.append(int(float(cell.getAttribute("value"))))
            else:
                row.append(str(cell))
        rows.append(row)
    return rows


def _read_csv(content: bytes) -> list[list]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM, for French Excel
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    return [[int(v) if v.isdigit() else v for v in row] for row in reader]


READERS = {"xlsx": _read_xlsx, "ods": _read_ods, "csv": _read_csv}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_export(client, loriol, fmt):
    response = _export(client, loriol, fmt)
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="engagements-{loriol.slug}.{fmt}"'
    )
    header, *rows = READERS[fmt](response.content)
    grid = [p.code for p in loriol.partners.filter(is_grid_column=True)]
    assert header == [
        "Numéro",
        "Pilier",
        "Thème",
        "Engagement",
        *grid,
        "Autres partenaires",
        "Ligne source",
    ]
    assert len(rows) == loriol.engagements.count()
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}

    ars = EngagementRole.objects.select_related("engagement", "partner").get(
        engagement__contract=loriol, engagement__number=11, service__code="ARS"
    )
    assert by_number[11][ars.partner.code] == "Chef de file (ARS)"
    engagement = ars.engagement
    assert by_number[11]["Engagement"] == engagement.text
    assert by_number[11]["Ligne source"] == engagement.source_line
    assert by_number[11]["Thème"] == engagement.theme.name

    associate = EngagementRole.objects.filter(
        engagement__contract=loriol, role="associate", partner__is_grid_column=True
    ).select_related("engagement", "partner")[0]
    number = associate.engagement.number
    assert by_number[number][associate.partner.code] == "Associé"

    other = EngagementRole.objects.filter(
        engagement__contract=loriol, partner__is_grid_column=False, partner__parent=None
    ).select_related("engagement", "partner")[0]
    assert f"{other.partner.code} : " in by_number[other.engagement.number]["Autres partenaires"]


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_export_honours_the_filters(client, loriol, fmt):
    response = _export(client, loriol, fmt, partner="CAF", role="lead")
    _, *rows = READERS[fmt](response.content)
    expected = set(
        loriol.engagements.filter(roles__partner__code="CAF", roles__role="lead").values_list(
            "number", flat=True
        )
    )
    assert {row[0] for row in rows} == expected
