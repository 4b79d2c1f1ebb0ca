"""Build, inside the tests, the same protocol in the other formats the readers accept.

The source is a protocol in the plain-text layout (`.txt`): one paragraph per line, and
tab-separated lines for the engagement tables. From it these helpers write HTML, Markdown,
Word (.docx, python-docx) and OpenDocument (.odt, odfpy) files, so that no binary fixture is
committed and every format is checked against the same content.

Rules, generic for any file in that layout (nothing here knows a particular protocol):

* a line without tab is a paragraph; a line that looks like a heading (short, capitalised, no
  final punctuation) becomes a real heading when `headings=True`; a line starting with "- "
  becomes a list item where the format has lists;
* consecutive tab-separated lines form ONE table (blank lines inside do not end it), one row
  per line, one cell per tab-separated field; stray HTML in a cell is turned into
  paragraphs (`<p>`, `<br>`, `<li>`...) and plain text;
* `merged=True`: a short label in the first column followed by rows whose first cell is empty
  (a vertical theme label such as "C U L T U R E") becomes a real vertically merged cell:
  HTML rowspan, DOCX vMerge, ODT number-rows-spanned + covered-table-cell;
* `colspans=True`: a non-empty cell followed by empty cells in its row (a header such as
  "CHEFS DE FILE" over the partner columns) becomes a horizontally merged cell: HTML colspan,
  DOCX gridSpan, ODT number-columns-spanned + covered-table-cell. It is a pure layout change,
  so every reader must give back the very same grid of cells.
"""

import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|ul|ol|li|br|div|tr|h[1-6])\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")
_LABEL_MAX = 60  # characters: a first-column cell up to this long may be a merged label


@dataclass
class Para:
    text: str
    heading: bool = False
    bullet: bool = False


@dataclass
class Grid:
    rows: list[list[list[str]]] = field(default_factory=list)  # row -> cell -> paragraphs

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=1)

    def padded(self) -> list[list[list[str]]]:
        return [row + [[] for _ in range(self.width - len(row))] for row in self.rows]

    def merges(self, merged: bool, colspans: bool = False) -> dict[tuple[int, int], tuple]:
        """(row, column) -> (rows, columns) a merged cell covers, for cells covering more.

        `merged`: a short first-column label spans down over the rows whose first cell is
        empty. `colspans`: any other non-empty cell spans right over the empty cells that
        follow it (up to the next non-empty cell or the end of the row).
        """
        out: dict[tuple[int, int], tuple[int, int]] = {}
        rows = self.padded()
        for index, row in enumerate(rows):
            label = row[0]
            if not merged or len(label) != 1 or len(label[0]) > _LABEL_MAX:
                continue
            span = 1
            while index + span < len(rows) and not rows[index + span][0]:
                span += 1
            if span > 1:
                out[(index, 0)] = (span, 1)
        if not colspans:
            return out
        for index, row in enumerate(rows):
            for column, paragraphs in enumerate(row):
                if not paragraphs or (index, column) in out:
                    continue
                span = 1
                while column + span < len(row) and not row[column + span]:
                    span += 1
                if span > 1:
                    out[(index, column)] = (1, span)
        return out

    @staticmethod
    def covered(merges: dict[tuple[int, int], tuple[int, int]]) -> set[tuple[int, int]]:
        return {
            (r + down, c + right)
            for (r, c), (rows, columns) in merges.items()
            for down in range(rows)
            for right in range(columns)
            if down or right
        }


def paragraphs_of(raw: str) -> list[str]:
    """Stray HTML of a txt cell or line -> its paragraphs as plain text."""
    value = _BLOCK_TAG.sub("\n", raw)
    value = _ANY_TAG.sub(" ", value)
    value = html.unescape(value).replace("\xa0", " ")
    return [" ".join(part.split()) for part in value.split("\n") if part.strip()]


def looks_like_heading(text: str) -> bool:
    if len(text) > 120 or len(text.split()) > 16 or text[-1] in ".:;,!?…":
        return False
    if text.startswith(("-", "•", "*", "«", '"')) or re.match(r"^\d+[.)]\s", text):
        return False
    return text[0].isupper()


def blocks_from_text(text: str, *, headings: bool = True) -> list[Para | Grid]:
    blocks: list[Para | Grid] = []
    grid: Grid | None = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if "\t" in line:
            if grid is None:
                grid = Grid()
                blocks.append(grid)
            grid.rows.append([paragraphs_of(cell) for cell in line.split("\t")])
            continue
        body = " ".join(paragraphs_of(line))
        if not body:
            continue  # a blank line inside a table does not end it
        grid = None
        if body.startswith("- "):
            blocks.append(Para(body[2:].strip(), bullet=True))
        else:
            blocks.append(Para(body, heading=headings and looks_like_heading(body)))
    return blocks


def read_blocks(path: str | Path, *, headings: bool = True) -> list[Para | Grid]:
    return blocks_from_text(Path(path).read_bytes().decode("utf-8-sig"), headings=headings)


# --------------------------------------------------------------------------- HTML


def to_html(
    path: str | Path, *, headings: bool = True, merged: bool = False, colspans: bool = False
) -> bytes:
    out = ["<!DOCTYPE html>", '<html lang="fr">', '<head><meta charset="utf-8">']
    out += ["<title>Protocole</title></head>", "<body>"]
    in_list = False
    for block in read_blocks(path, headings=headings):
        if isinstance(block, Para) and block.bullet:
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{html.escape(block.text)}</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if isinstance(block, Para):
            tag = "h2" if block.heading else "p"
            out.append(f"<{tag}>{html.escape(block.text)}</{tag}>")
            continue
        merges = block.merges(merged, colspans)
        covered = block.covered(merges)
        out.append("<table>")
        for r, row in enumerate(block.padded()):
            cells = []
            for c, paragraphs in enumerate(row):
                if (r, c) in covered:
                    continue
                down, right = merges.get((r, c), (1, 1))
                span = f' rowspan="{down}"' if down > 1 else ""
                span += f' colspan="{right}"' if right > 1 else ""
                if len(paragraphs) > 1:
                    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
                else:
                    body = html.escape("".join(paragraphs))
                cells.append(f"<td{span}>{body}</td>")
            out.append(f"<tr>{''.join(cells)}</tr>")
        out.append("</table>")
    if in_list:
        out.append("</ul>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


# --------------------------------------------------------------------------- Markdown


def _md_cell(paragraphs: list[str]) -> str:
    return "<br>".join(p.replace("|", "\\|") for p in paragraphs)


def to_markdown(path: str | Path, *, headings: bool = True) -> bytes:
    out: list[str] = []
    for block in read_blocks(path, headings=headings):
        if isinstance(block, Para):
            if block.bullet:
                out.append(f"- {block.text}")
                continue
            if out and out[-1]:
                out.append("")  # end the list above
            out += [f"## {block.text}" if block.heading else block.text, ""]
            continue
        if out and out[-1]:
            out.append("")
        for r, row in enumerate(block.padded()):
            out.append("| " + " | ".join(_md_cell(cell) for cell in row) + " |")
            if r == 0:
                out.append("|" + "---|" * len(row))
        out.append("")
    return "\n".join(out).encode("utf-8")


# --------------------------------------------------------------------------- DOCX


def to_docx(
    path: str | Path, *, headings: bool = True, merged: bool = False, colspans: bool = False
) -> bytes:
    import docx

    word = docx.Document()
    for block in read_blocks(path, headings=headings):
        if isinstance(block, Para):
            if block.heading:
                word.add_heading(block.text, level=2)
            elif block.bullet:
                word.add_paragraph(block.text, style="List Bullet")
            else:
                word.add_paragraph(block.text)
            continue
        rows = block.padded()
        table = word.add_table(rows=len(rows), cols=block.width)
        for r, row in enumerate(rows):
            for c, paragraphs in enumerate(row):
                cell = table.cell(r, c)
                if paragraphs:
                    cell.paragraphs[0].text = paragraphs[0]
                for more in paragraphs[1:]:
                    cell.add_paragraph(more)
        for (r, c), (down, right) in block.merges(merged, colspans).items():
            table.cell(r, c).merge(table.cell(r + down - 1, c + right - 1))
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- ODT


def to_odt(
    path: str | Path, *, headings: bool = True, merged: bool = False, colspans: bool = False
) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, P

    odt = OpenDocumentText()
    current_list = None
    for number, block in enumerate(read_blocks(path, headings=headings), start=1):
        if isinstance(block, Para) and block.bullet:
            if current_list is None:
                current_list = List()
                odt.text.addElement(current_list)
            item = ListItem()
            item.addElement(P(text=block.text))
            current_list.addElement(item)
            continue
        current_list = None
        if isinstance(block, Para):
            if block.heading:
                odt.text.addElement(H(outlinelevel=2, text=block.text))
            else:
                odt.text.addElement(P(text=block.text))
            continue
        merges = block.merges(merged, colspans)
        covered = block.covered(merges)
        table = Table(name=f"Tableau{number}")
        table.addElement(TableColumn(numbercolumnsrepeated=block.width))
        for r, row in enumerate(block.padded()):
            tr = TableRow()
            for c, paragraphs in enumerate(row):
                if (r, c) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                down, right = merges.get((r, c), (1, 1))
                cell = TableCell(valuetype="string")
                if down > 1:
                    cell.setAttribute("numberrowsspanned", down)
                if right > 1:
                    cell.setAttribute("numbercolumnsspanned", right)
                for paragraph in paragraphs:
                    cell.addElement(P(text=paragraph))
                tr.addElement(cell)
            table.addElement(tr)
        odt.text.addElement(table)
    buffer = io.BytesIO()
    odt.write(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- PDF


PDF_CSS = """
@page { size: A4; margin: 2.5cm 2cm }
body { font-family: sans-serif; font-size: 10pt }
table { border-collapse: collapse; width: 100% }
td, th { border: 0.5pt solid black; padding: 2pt; vertical-align: top }
thead { display: table-header-group }
"""
RUNNING_CSS = """
@page {
  @top-center { content: "%s"; font-size: 9pt }
  @bottom-right { content: "Page " counter(page) " / " counter(pages); font-size: 9pt }
}
"""


def html_to_pdf(html_bytes: bytes, *, running: str | None = "Protocole", css: str = "") -> bytes:
    """Print an HTML page to PDF (WeasyPrint) with ruled tables and, unless `running` is None,
    a running header at the top of every page and « Page N / M » at the bottom (CSS margin
    boxes)."""
    import weasyprint

    sheet = PDF_CSS + (RUNNING_CSS % running if running is not None else "") + css
    page = weasyprint.HTML(string=html_bytes.decode("utf-8"))
    return page.write_pdf(stylesheets=[weasyprint.CSS(string=sheet)])


def with_table_headers(html_bytes: bytes) -> bytes:
    """Put the leading rows of each table that hold only short labels in a <thead>, which
    WeasyPrint repeats at the top of every page the table runs over."""
    out: list[str] = []
    in_table = in_head = False
    for line in html_bytes.decode("utf-8").split("\n"):
        if line == "<table>":
            in_table = in_head = True
            out += [line, "<thead>"]
            continue
        if in_table and line.startswith("<tr>"):
            texts = paragraphs_of(line.replace("</td>", "\n"))
            if in_head and any(len(t) > _LABEL_MAX for t in texts):
                out.append("</thead><tbody>")
                in_head = False
        if line == "</table>" and in_table:
            out.append("</thead>" if in_head else "</tbody>")
            in_table = False
        out.append(line)
    return "\n".join(out).encode("utf-8")


def to_pdf(
    path: str | Path,
    *,
    headings: bool = True,
    merged: bool = False,
    colspans: bool = False,
    repeat_headers: bool = False,
) -> bytes:
    page = to_html(path, headings=headings, merged=merged, colspans=colspans)
    if repeat_headers:
        page = with_table_headers(page)
    return html_to_pdf(page, running=Path(path).stem)


def html_with_image() -> bytes:
    """An HTML page holding only an image (a PNG drawn here): a scanned page once printed."""
    import base64

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 300), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 560, 260), outline="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    source = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<html><body><img src="data:image/png;base64,{source}" alt=""></body></html>'.encode()


def scanned_pdf() -> bytes:
    """A PDF as a scanner makes it: one page holding an image, no text layer."""
    return html_to_pdf(html_with_image(), running=None)


_PDF_PASSWORD_PAD = bytes.fromhex(
    "28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A"
)


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(*, empty_user_password: bool) -> bytes:
    """A one-page PDF under the standard security handler (RC4 40 bits, revision 2).

    `empty_user_password`: it opens without a password (only copying or printing is
    restricted), as many « protected » exports do; otherwise a password is needed to open it.
    """
    import hashlib
    import struct

    owner, permissions, file_id = b"\x01" * 32, -4, b"0123456789abcdef"
    key = hashlib.md5(
        _PDF_PASSWORD_PAD + owner + struct.pack("<i", permissions) + file_id
    ).digest()[:5]
    user = _rc4(key, _PDF_PASSWORD_PAD) if empty_user_password else b"\x02" * 32
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner.hex().encode(), user.hex().encode(), permissions),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        file_id.hex().encode(),
        file_id.hex().encode(),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
