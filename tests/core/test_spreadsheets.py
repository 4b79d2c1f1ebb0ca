"""The one spreadsheet writer: types, French csv, and text that must never run as a formula."""

import csv
import io
from decimal import Decimal

import pytest
from odf.namespaces import OFFICENS, TABLENS
from odf.opendocument import load
from odf.table import TableCell
from openpyxl import load_workbook

from quartiers.core import spreadsheets

HOSTILE = [
    '=HYPERLINK("http://evil.example","clic")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
HEADER = ["Nom", "Montant"]
ROWS = [[text, Decimal("12.50")] for text in HOSTILE] + [["Association ordinaire", 3]]


def test_xlsx_keeps_hostile_text_as_strings():
    workbook = load_workbook(io.BytesIO(spreadsheets.write("xlsx", HEADER, ROWS, title="T")))
    sheet = workbook.active
    cells = [row[0] for row in sheet.iter_rows(min_row=2, max_row=len(HOSTILE) + 1)]
    assert [cell.value for cell in cells] == HOSTILE
    assert {cell.data_type for cell in cells} == {"s"}
    assert sheet["B2"].value == Decimal("12.50") or sheet["B2"].value == 12.5
    assert sheet["B2"].number_format == "#,##0.00"


def test_ods_has_no_formula_and_typed_numbers():
    document = load(io.BytesIO(spreadsheets.write("ods", HEADER, ROWS, title="T")))
    cells = document.spreadsheet.getElementsByType(TableCell)
    assert not [c for c in cells if c.attributes.get((TABLENS, "formula"))]
    kinds = [c.attributes.get((OFFICENS, "value-type")) for c in cells]
    assert kinds.count("float") == len(ROWS)


def test_csv_prefixes_formula_like_text_and_keeps_the_rest():
    data = spreadsheets.write("csv", HEADER, ROWS, title="T")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:-1]] == [f"'{text}" for text in HOSTILE]
    assert rows[-1] == ["Association ordinaire", "3"]


@pytest.mark.parametrize("value", ["Loriol", "", "3 = 3", "a-b", 12, Decimal("1")])
def test_ordinary_values_are_not_touched(value):
    assert not spreadsheets.is_formula_like(value)
