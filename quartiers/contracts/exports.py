"""Exports of the commitments matrix: one table, three spreadsheet formats.

The writers (`WRITERS`) take a header and rows of str, int or Decimal (amounts, written as
numbers with two decimals) and are shared by the other apps' exports.
"""

import csv
import io
from decimal import Decimal

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from quartiers.contracts.matrix import Matrix

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}


def matrix_table(matrix: Matrix) -> tuple[list[str], list[list]]:
    """Header and rows of the export, in the order of the page."""
    header = [
        "Numéro",
        "Pilier",
        "Thème",
        "Engagement",
        *(partner.code for partner in matrix.columns),
        "Autres partenaires",
        "Ligne source",
    ]
    rows = []
    for row in matrix.rows:
        e = row.engagement
        rows.append(
            [
                e.number,
                e.pillar.name,
                e.theme.name if e.theme else "",
                e.text,
                *(", ".join(mark.export_text for mark in cell) for cell in row.cells),
                ", ".join(f"{mark.partner} : {mark.export_text}" for mark in row.others),
                e.source_line if e.source_line is not None else "",
            ]
        )
    return header, rows


def to_xlsx(header: list[str], rows: list[list], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_ods(header: list[str], rows: list[list], *, title: str) -> bytes:
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
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


WRITERS = {"xlsx": to_xlsx, "ods": to_ods, "csv": to_csv}
