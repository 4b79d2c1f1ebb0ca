"""The one spreadsheet writer: a header and rows written as xlsx, ods or csv.

Cells are str, int or Decimal (amounts, written as numbers with two decimals). Text that a
spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
return) is written as text: imported documents and carriers' names reach these files.
"""

import csv
import io
from decimal import Decimal

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _csv_safe(value):
    """csv has no cell types: a leading apostrophe is what spreadsheets read as "text"."""
    return f"'{value}" if is_formula_like(value) else value


def to_xlsx(header: list[str], rows: list[list], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for values in [header, *rows]:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif is_formula_like(cell.value):
                # openpyxl turns any string starting with "=" into a formula: keep it a string.
                cell.value = str(cell.value)
                cell.data_type = "s"
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_ods(header: list[str], rows: list[list], *, title: str) -> bytes:
    """Every text cell is a string cell: ods stores formulas in a separate attribute."""
    document = OpenDocumentSpreadsheet()
    table = Table(name=title)
    for values in [header, *rows]:
        tr = TableRow()
        for value in values:
            if isinstance(value, int | Decimal):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def to_csv(header: list[str], rows: list[list], *, title: str) -> bytes:
    """UTF-8 with a BOM and `;` separators: what French Excel opens without asking."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for values in [header, *rows]:
        writer.writerow([_csv_safe(value) for value in values])
    return buffer.getvalue().encode("utf-8-sig")


WRITERS = {"xlsx": to_xlsx, "ods": to_ods, "csv": to_csv}


def write(fmt: str, header: list[str], rows: list[list], *, title: str) -> bytes:
    return WRITERS[fmt](header, rows, title=title)
