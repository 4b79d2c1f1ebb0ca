"""Readers: turn a protocol file (txt, md, html, docx, odt, pdf) into paragraphs and tables.

Every reader returns the same `Document`, so the extraction rules in `extraction.py` never
depend on the file format. `Document.lines` is what the source page shows; each block keeps
the number of the line it comes from in that list (1-based).
"""

import hashlib
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from quartiers.protocol_import import limits
from quartiers.protocol_import.limits import MAX_DOCUMENT_BYTES, CellCounter, DocumentError

FORMATS = ("txt", "md", "html", "docx", "odt", "pdf")
BINARY_FORMATS = {"docx", "odt", "pdf"}  # recognised by their content, not by their name

# Linear on any line: `<\s*(?:/\s*)?` has one way to match a run of spaces (`<\s*/?\s*` had
# n, so `<` and 20 000 spaces took 40 s), and `[^<>]*` stops at the next `<`.
_BLOCK_TAG = re.compile(r"<\s*(?:/\s*)?(p|ul|ol|li|br|div|tr|h[1-6])\b[^<>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<\s*(?:/\s*)?[a-zA-Z][^<>]*>")


@dataclass
class Paragraph:
    text: str
    line: int
    heading: bool | None = None  # None: the format does not say; extraction decides.


@dataclass
class Row:
    cells: list[str]
    line: int


@dataclass
class Table:
    rows: list[Row]

    @property
    def line(self) -> int:
        return self.rows[0].line if self.rows else 0


@dataclass
class Document:
    name: str
    sha256: str
    format: str
    lines: list[str]
    blocks: list[Paragraph | Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # reader-level remarks, become warnings
    # The time budget of reading and extracting this document, started when it is created.
    deadline: limits.Deadline = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.deadline = limits.Deadline(self.name, limits.IMPORT_SECONDS)


def clean_text(value: str) -> str:
    """Strip stray HTML, unescape entities, collapse spaces; keep paragraph breaks as \\n."""
    value = _BLOCK_TAG.sub("\n", value)
    value = _ANY_TAG.sub(" ", value)
    value = html.unescape(value).replace("\xa0", " ")
    lines = (" ".join(part.split()) for part in value.split("\n"))
    return "\n".join(line for line in lines if line)


def detect_format(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    aliases = {"htm": "html", "markdown": "md", "text": "txt"}
    suffix = aliases.get(suffix, suffix)
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                check_archive_directory(name, archive)
                names = set(archive.namelist())
                mimetype = archive.read("mimetype") if "mimetype" in names else b""
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
            raise DocumentError(f"« {name} » : archive illisible ({exc}).") from exc
        if b"opendocument.text" in mimetype:
            return "odt"
        if "word/document.xml" in names:
            return "docx"
        raise DocumentError(
            f"« {name} » : archive ZIP qui n'est ni un document Word (.docx) ni un document "
            "OpenDocument texte (.odt)."
        )
    if b"%PDF-" in data[:1024]:  # the header may follow a little junk (PDF 1.7, 7.5.2)
        return "pdf"
    if suffix in FORMATS and suffix not in BINARY_FORMATS:
        return suffix
    if suffix in BINARY_FORMATS:
        raise DocumentError(f"« {name} » : l'extension .{suffix} ne correspond pas au contenu.")
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<table" in head:
        return "html"
    return "txt"


def check_archive_directory(name: str, archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from its central directory, before anything is decompressed.

    Python's zipfile stops every entry at its declared size (and checks its CRC), so the
    declared sizes are the ones that will be read.
    """
    entries = archive.infolist()
    if len(entries) > limits.MAX_ARCHIVE_ENTRIES:
        raise limits.too_big(
            name, f"l'archive contient {len(entries)} fichiers", limits.MAX_ARCHIVE_ENTRIES
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits.MAX_ARCHIVE_UNCOMPRESSED_BYTES:
        raise limits.too_big(
            name,
            f"l'archive décompressée ferait {-(-total // limits.MiB)} Mo",
            f"{limits.MAX_ARCHIVE_UNCOMPRESSED_BYTES // limits.MiB} Mo",
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > limits.RATIO_CHECK_FROM_BYTES and ratio > limits.MAX_COMPRESSION_RATIO:
            raise limits.too_big(
                name,
                f"« {entry.filename} » est compressé {ratio:.0f} fois (bombe de décompression ?)",
                f"{limits.MAX_COMPRESSION_RATIO} fois",
            )


def check_archive_xml(name: str, data: bytes, *, required: str, kind: str) -> None:
    """Every XML entry of a docx/odt must be complete and well formed, within the bounds.

    A streaming parse with counters, so a deep or huge tree is refused before python-docx or
    odfpy build it, and a damaged archive is refused instead of being read in part.
    """
    from lxml import etree

    damaged = f"« {name} » : {kind} illisible, le fichier est endommagé"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            cells = CellCounter(name)  # every cell element, before python-docx walks them
            if required not in archive.namelist():
                raise DocumentError(f"{damaged} (la partie {required} manque).")
            for entry in archive.infolist():
                if entry.filename.endswith((".xml", ".rels")):
                    with archive.open(entry) as stream:
                        _scan_xml(name, entry.filename, stream, cells)
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"{damaged} (XML invalide : {exc}).") from exc
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise DocumentError(f"{damaged} ({exc}).") from exc


_TABLE_ELEMENTS = {
    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tbl",
    "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table",
}
_CELL_ELEMENTS = {
    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tc",
    "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell",
    "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}covered-table-cell",
}


def _scan_xml(name: str, part: str, stream, cells: CellCounter) -> None:
    from lxml import etree

    events = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    )
    try:
        _count_elements(name, part, events, cells)
    except etree.XMLSyntaxError as exc:
        # libxml2 keeps bounds of its own (a depth of 256 since 2.12, texts and attributes of
        # 10 MB) and may reach one while reading ahead, before our counters see the elements.
        if "Excessive depth" in str(exc):
            raise _too_deep(name, part) from exc
        if exc.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            raise limits.too_big(
                name,
                f"« {part} » contient un texte ou un attribut trop long pour le lecteur XML",
                "10 Mo",
            ) from exc
        raise


def _too_deep(name: str, part: str) -> DocumentError:
    return limits.too_big(
        name, f"« {part} » imbrique ses éléments XML trop profondément", limits.MAX_XML_DEPTH
    )


def _count_elements(name: str, part: str, events, cells: CellCounter) -> None:
    elements = depth = 0
    for event, element in events:
        if event == "end":
            depth -= 1
            element.clear(keep_tail=False)
            continue
        elements += 1
        depth += 1
        if element.tag in _TABLE_ELEMENTS:
            cells.new_table()
        elif element.tag in _CELL_ELEMENTS:
            cells.add(1)
        if elements > limits.MAX_XML_ELEMENTS:
            raise limits.too_big(
                name, f"« {part} » contient trop d'éléments XML", limits.MAX_XML_ELEMENTS
            )
        if depth > limits.MAX_XML_DEPTH:
            raise _too_deep(name, part)


def decode_text(name: str, data: bytes, notes: list[str]) -> str:
    if b"\x00" in data:
        raise DocumentError(
            f"« {name} » : le fichier contient des octets nuls ; ce n'est pas un texte lisible "
            "(formats acceptés : .txt, .md, .html, .docx, .odt, .pdf)."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append("Le fichier n'est pas en UTF-8 : il a été lu en Windows-1252.")
        return data.decode("cp1252", errors="replace")


def read_document(name: str, data: bytes) -> Document:
    """Read a protocol file; raises DocumentError with a French message on bad input."""
    from quartiers.protocol_import.pdf_reader import read_pdf  # it builds on this module

    if not data.strip():
        raise DocumentError(f"« {name} » : le fichier est vide.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"« {name} » : le fichier dépasse {MAX_DOCUMENT_BYTES // (1024 * 1024)} Mo."
        )
    fmt = detect_format(name, data)
    doc = Document(
        name=Path(name).name, sha256=hashlib.sha256(data).hexdigest(), format=fmt, lines=[]
    )
    readers = {
        "txt": _read_txt,
        "md": _read_markdown,
        "html": _read_html,
        "docx": _read_docx,
        "odt": _read_odt,
        "pdf": read_pdf,
    }
    readers[fmt](doc, data)
    limits.check_lines(doc.name, doc.lines)
    cells = CellCounter(doc.name)
    for block in doc.blocks:
        if isinstance(block, Table):
            cells.new_table()
            cells.add(sum(len(row.cells) for row in block.rows))
    return doc


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _text_lines(doc: Document, data: bytes) -> list[str]:
    """The lines of a text format, refused past the bounds before any regular expression."""
    lines = _split_lines(decode_text(doc.name, data, doc.notes))
    limits.check_lines(doc.name, lines)
    return lines


def _read_txt(doc: Document, data: bytes) -> None:
    """Plain text: one paragraph per line; tab-separated lines form tables."""
    doc.lines = _text_lines(doc, data)
    cells = CellCounter(doc.name)
    table: Table | None = None
    for number, raw in enumerate(doc.lines, start=1):
        if "\t" in raw:
            if table is None:
                table = Table(rows=[])
                doc.blocks.append(table)
                cells.new_table()
            cells.add(raw.count("\t") + 1)
            table.rows.append(Row(cells=[clean_text(c) for c in raw.split("\t")], line=number))
            continue
        text = clean_text(raw)
        if not text:
            continue  # a blank line inside a table does not end it
        table = None
        doc.blocks.append(Paragraph(text=text.replace("\n", " "), line=number))


_MD_SEPARATOR_CELL = re.compile(r":?-{2,}:?")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s(.*)$")  # closing #s are stripped in Python


def _is_md_separator(line: str) -> bool:
    """`|---|:--:|`; split in Python, as one pattern with adjacent `\\s*` was quadratic."""
    body = line.strip().removeprefix("|").removesuffix("|")
    return all(_MD_SEPARATOR_CELL.fullmatch(cell.strip()) for cell in body.split("|"))


def _split_md_row(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [clean_text(c.replace("\\|", "|")) for c in cells]


def _read_markdown(doc: Document, data: bytes) -> None:
    doc.lines = _text_lines(doc, data)
    cells = CellCounter(doc.name)
    table: Table | None = None
    for number, raw in enumerate(doc.lines, start=1):
        if raw.strip().startswith("|"):
            if _is_md_separator(raw):
                continue
            if table is None:
                table = Table(rows=[])
                doc.blocks.append(table)
                cells.new_table()
            cells.add(raw.count("|"))
            table.rows.append(Row(cells=_split_md_row(raw), line=number))
            continue
        table = None
        heading = _MD_HEADING.match(raw)
        text = heading.group(1).strip().rstrip("#").rstrip() if heading else raw
        text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
        text = re.sub(r"^\s*[*+]\s+", "- ", text)
        text = clean_text(text).replace("\n", " ")
        if text:
            doc.blocks.append(Paragraph(text=text, line=number, heading=True if heading else None))


def _read_html(doc: Document, data: bytes) -> None:
    import warnings

    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

    text = decode_text(doc.name, data, doc.notes)
    doc.lines = _split_lines(text)
    limits.check_lines(doc.name, doc.lines)
    elements = sum(1 for _ in _START_TAG.finditer(text))  # an upper bound, before the tree
    if elements > limits.MAX_HTML_ELEMENTS:
        raise limits.too_big(doc.name, "trop de balises HTML", limits.MAX_HTML_ELEMENTS)
    with warnings.catch_warnings():
        # XHTML (<?xml ...?>) and very short files are still HTML to read, not a mistake.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(text, "html.parser")
    _check_html_depth(doc.name, soup)
    cells = CellCounter(doc.name)
    wanted = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table"]
    for element in soup.find_all(wanted):
        doc.deadline.check()
        if element.name != "table" and _nearest(element, {"table", "li"}):
            continue
        if element.name == "p" and _nearest(element, {"li"}):
            continue
        if element.name == "table":
            if _nearest(element, {"table"}):
                continue
            grid = [
                [
                    (cell.get_text("\n"), _span(cell, "colspan"), _span(cell, "rowspan"))
                    for cell in tr.find_all(["td", "th"], recursive=False)
                ]
                for tr in _own_rows(element)
            ]
            lines = [tr.sourceline or 0 for tr in _own_rows(element)]
            cells.new_table()
            cells.add(sum(colspan * rowspan for row in grid for _, colspan, rowspan in row))
            doc.blocks.append(Table(rows=_expand_spans(grid, lines)))
            continue
        body = clean_text(element.get_text(" ")).replace("\n", " ")
        if not body:
            continue
        if element.name == "li":
            body = f"- {body}"
        doc.blocks.append(
            Paragraph(
                text=body,
                line=element.sourceline or 0,
                # <p>, <li>: the markup does not say it is not a heading (as docx Normal).
                heading=True if element.name[0] == "h" else None,
            )
        )


_START_TAG = re.compile(r"<[a-zA-Z]")


def _check_html_depth(name: str, soup) -> None:
    """Walk the tree without recursion; each `_nearest` call costs up to its depth."""
    from bs4 import Tag

    stack = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.MAX_HTML_DEPTH:
            raise limits.too_big(
                name, "les balises HTML sont imbriquées trop profondément", limits.MAX_HTML_DEPTH
            )
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))


def _own_rows(table):
    return [tr for tr in table.find_all("tr") if _nearest(tr, {"table"}) is table]


def _nearest(element, names: set[str]):
    """The closest ancestor named in `names` (bs4's `find_parent` builds a filter per call,
    which made it the cost of a large page)."""
    parent = element.parent
    while parent is not None and parent.name not in names:
        parent = parent.parent
    return parent


def _span(cell, attribute: str) -> int:
    try:
        return max(1, min(int(cell.get(attribute, 1)), 50))
    except (TypeError, ValueError):
        return 1


def _expand_spans(grid: list[list[tuple[str, int, int]]], lines: list[int]) -> list[Row]:
    """Lay out cells with colspan/rowspan on a grid; covered positions become empty cells."""
    rows: list[Row] = []
    pending: dict[tuple[int, int], bool] = {}
    for r, (cells, line) in enumerate(zip(grid, lines, strict=True)):
        out: list[str] = []
        column = 0
        for text, colspan, rowspan in cells:
            while pending.pop((r, column), False):
                out.append("")
                column += 1
            out.append(clean_text(text))
            for extra in range(1, colspan):
                out.append("")
                for below in range(1, rowspan):
                    pending[(r + below, column + extra)] = True
            for below in range(1, rowspan):
                pending[(r + below, column)] = True
            column += colspan
        while pending.pop((r, column), False):
            out.append("")
            column += 1
        rows.append(Row(cells=out, line=line))
    return rows


def add_synthetic_line(doc: Document, block: Paragraph | Row) -> int:
    text = block.text if isinstance(block, Paragraph) else " | ".join(block.cells)
    doc.lines.append(text.replace("\n", " / "))
    if len(doc.lines) > limits.MAX_LINES or len(doc.lines[-1]) > limits.MAX_LINE_CHARS:
        limits.check_lines(doc.name, doc.lines)
    return len(doc.lines)


def _read_docx(doc: Document, data: bytes) -> None:
    import docx
    from docx.table import Table as DocxTable

    check_archive_xml(doc.name, data, required="word/document.xml", kind="document Word")
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError(f"« {doc.name} » : document Word illisible ({exc}).") from exc
    counter = CellCounter(doc.name)
    style_names: dict[str | None, str] = {}  # python-docx resolves a style with XPath, each time
    for item in word.iter_inner_content():
        doc.deadline.check()
        if isinstance(item, DocxTable):
            table = Table(rows=[])
            counter.new_table()
            for tr in item._tbl.tr_lst:
                cells: list[str] = []
                for tc in tr.tc_lst:
                    counter.add(max(1, tc.grid_span))  # before a gridSpan of a billion is laid out
                    continued = tc.vMerge == "continue"
                    text = "" if continued else "\n".join(p.text for p in _docx_paragraphs(tc))
                    cells.append(clean_text(text))
                    cells.extend([""] * (tc.grid_span - 1))
                row = Row(cells=cells, line=0)
                row.line = add_synthetic_line(doc, row)
                table.rows.append(row)
            doc.blocks.append(table)
            continue
        text = clean_text(item.text).replace("\n", " ")
        if not text:
            continue
        style_id = item._p.style
        if style_id not in style_names:
            style_names[style_id] = (item.style.name or "").lower() if item.style else ""
        style = style_names[style_id]
        heading = True if style.startswith(("heading", "titre", "title")) else None
        if "list" in style or "liste" in style:
            text = f"- {text}"
        paragraph = Paragraph(text=text, line=0, heading=heading)
        paragraph.line = add_synthetic_line(doc, paragraph)
        doc.blocks.append(paragraph)


def _docx_paragraphs(tc):
    from docx.text.paragraph import Paragraph as DocxParagraph

    return [DocxParagraph(p, None) for p in tc.p_lst]


def _read_odt(doc: Document, data: bytes) -> None:
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS
    from odf.opendocument import load

    check_archive_xml(doc.name, data, required="content.xml", kind="document OpenDocument")
    try:
        odt = load(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError(f"« {doc.name} » : document OpenDocument illisible ({exc}).") from exc

    def add_paragraph(node, heading, prefix=""):
        text = clean_text(teletype.extractText(node)).replace("\n", " ")
        if text:
            paragraph = Paragraph(text=prefix + text, line=0, heading=heading)
            paragraph.line = add_synthetic_line(doc, paragraph)
            doc.blocks.append(paragraph)

    def cell_text(cell) -> str:
        parts = [teletype.extractText(p) for p in cell.childNodes if p.qname == (TEXTNS, "p")]
        return clean_text("\n".join(parts))

    counter = CellCounter(doc.name)

    def add_table(node):
        table = Table(rows=[])
        counter.new_table()
        for tr in _odf_rows(node, TABLENS):
            cells: list[str] = []
            spanned = 0  # columns a spanned cell covers that no covered-table-cell filled yet
            for cell in tr.childNodes:
                if cell.qname not in {(TABLENS, "table-cell"), (TABLENS, "covered-table-cell")}:
                    continue
                repeat = min(_odf_int(cell, TABLENS, "number-columns-repeated"), 64)
                if cell.qname[1] == "covered-table-cell":
                    # The columns of a spanned cell are written as covered cells after it.
                    counter.add(repeat)
                    cells.extend([""] * repeat)
                    spanned = max(0, spanned - repeat)
                    continue
                counter.add(spanned + repeat)  # before the cells are laid out
                cells.extend([""] * spanned)  # a writer that left its covered cells out
                cells.extend([cell_text(cell)] * repeat)
                spanned = _odf_int(cell, TABLENS, "number-columns-spanned") - 1
            counter.add(spanned)
            cells.extend([""] * spanned)
            row = Row(cells=cells, line=0)
            row.line = add_synthetic_line(doc, row)
            table.rows.append(row)
        doc.blocks.append(table)

    def walk(node, in_list=False):
        doc.deadline.check()
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            if child.qname == (TEXTNS, "h"):
                add_paragraph(child, True)
            elif child.qname == (TEXTNS, "p"):
                add_paragraph(child, None, "- " if in_list else "")
            elif child.qname == (TABLENS, "table"):
                add_table(child)
            elif child.qname in {(TEXTNS, "list"), (TEXTNS, "list-item")}:
                walk(child, in_list=True)
            else:
                walk(child, in_list)

    walk(odt.text)


def _odf_rows(table, tablens):
    for child in table.childNodes:
        if child.qname == (tablens, "table-row"):
            yield child
        elif child.qname in {(tablens, "table-header-rows"), (tablens, "table-rows")}:
            yield from _odf_rows(child, tablens)


def _odf_int(node, namespace, name) -> int:
    try:
        return max(1, int(node.attributes.get((namespace, name), 1)))
    except (TypeError, ValueError):
        return 1
