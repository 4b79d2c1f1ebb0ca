"""Every reader gives the same extraction as the plain-text protocol, and bad files are refused.

The other formats are generated in the test from the shipped txt (see `builders.py`).
"""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError

from quartiers.contracts.content import ImportedContent
from quartiers.protocol_import import documents
from quartiers.protocol_import.documents import read_document
from quartiers.protocol_import.extraction import extract
from tests.conftest import SEED
from tests.protocol_import import builders


def _norm(text: str) -> str:
    return " ".join(text.split())


def engagements_of(content: ImportedContent) -> list[tuple]:
    return [(e.pillar, e.theme, _norm(e.text), e.roles) for e in content.engagements]


def run(name: str, data: bytes) -> ImportedContent:
    return extract(read_document(name, data))


@pytest.fixture(scope="module")
def reference() -> ImportedContent:
    return run(SEED.name, SEED.read_bytes())


def test_reference_has_content(reference):
    """Guard: the comparisons below are only meaningful if the txt gives real data."""
    assert len(reference.engagements) >= 10
    assert any(e.theme for e in reference.engagements)
    assert any(r.service for e in reference.engagements for r in e.roles)
    assert reference.glossary
    assert reference.pillars
    assert {p.kind for p in reference.priorities} == {"thematic", "transversal"}


VARIANTS = [
    ("html", builders.to_html, {}),
    ("html", builders.to_html, {"headings": False}),
    ("html", builders.to_html, {"merged": True}),
    ("md", builders.to_markdown, {}),
    ("md", builders.to_markdown, {"headings": False}),
    ("docx", builders.to_docx, {}),
    ("docx", builders.to_docx, {"headings": False}),
    ("docx", builders.to_docx, {"merged": True}),
    ("odt", builders.to_odt, {}),
    ("odt", builders.to_odt, {"headings": False}),
    ("odt", builders.to_odt, {"merged": True}),
    ("html", builders.to_html, {"merged": True, "colspans": True}),
    ("docx", builders.to_docx, {"merged": True, "colspans": True}),
    ("odt", builders.to_odt, {"merged": True, "colspans": True}),
]


@pytest.mark.parametrize(
    ("suffix", "build", "options"),
    VARIANTS,
    ids=[f"{s}-{'-'.join(o) or 'plain'}" for s, _, o in VARIANTS],
)
def test_format_gives_same_extraction_as_txt(reference, suffix, build, options):
    data = build(SEED, **options)
    got = run(f"protocole.{suffix}", data)

    assert got.source.name == f"protocole.{suffix}"
    assert engagements_of(got) == engagements_of(reference)
    assert got.glossary == reference.glossary
    assert got.pillars == reference.pillars
    assert got.priorities == reference.priorities


@pytest.mark.parametrize("name", ["protocole", "protocole.bin"])
def test_format_is_detected_from_content_when_extension_says_nothing(reference, name):
    got = run(name, builders.to_html(SEED))
    assert engagements_of(got) == engagements_of(reference)
    got = run(name, builders.to_docx(SEED))
    assert engagements_of(got) == engagements_of(reference)


def test_merged_variants_really_merge_cells():
    """Guard: the merged builders do produce merged cells, so the readers are exercised."""
    html = builders.to_html(SEED, merged=True)
    assert re.search(rb'rowspan="[2-9]"', html)

    with zipfile.ZipFile(io.BytesIO(builders.to_docx(SEED, merged=True))) as archive:
        xml = archive.read("word/document.xml")
    assert b'w:vMerge w:val="restart"' in xml

    with zipfile.ZipFile(io.BytesIO(builders.to_odt(SEED, merged=True))) as archive:
        xml = archive.read("content.xml")
    assert b"covered-table-cell" in xml
    assert b"number-rows-spanned" in xml


def test_merged_cell_is_read_once_in_each_format(tmp_path):
    """The label of a merged cell sits in its first row; the covered rows read empty."""
    path = tmp_path / "protocole.txt"
    long = "engagement assez long pour ne pas être pris pour un intitulé de colonne"
    path.write_text(
        "\n".join(
            [
                "Titre",
                "Engagements\t\tCHEFS DE FILE\t",
                "\t\tA\tB",
                f"L A B E L\tPremier {long}\tX\t",
                f"\tDeuxième {long}\t\tx",
                "",
                f"\tTroisième {long}\tX\tx",
                "",
            ]
        ),
        encoding="utf-8",
    )
    grid = next(b for b in builders.read_blocks(path) if isinstance(b, builders.Grid))
    assert grid.merges(merged=True)[(2, 0)] == (3, 1)

    for suffix, build in [
        ("html", builders.to_html),
        ("docx", builders.to_docx),
        ("odt", builders.to_odt),
    ]:
        document = read_document(f"t.{suffix}", build(path, merged=True))
        table = next(b for b in document.blocks if isinstance(b, documents.Table))
        rows = [row.cells for row in table.rows[2:]]
        assert [cells[0] for cells in rows] == ["L A B E L", "", ""], suffix
        assert [cells[1].split()[0] for cells in rows] == ["Premier", "Deuxième", "Troisième"]
        assert [cells[2:4] for cells in rows] == [["X", ""], ["", "x"], ["X", "x"]], suffix


@pytest.mark.parametrize("with_covered_cells", [True, False])
def test_odt_spanned_cell_keeps_the_next_columns_in_place(with_covered_cells):
    """A cell over two columns, then one more: three columns, whether or not the writer
    wrote the covered cell (the ODF standard says it must, some writers do not)."""
    from odf.opendocument import OpenDocumentText
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    odt = OpenDocumentText()
    table = Table(name="T")
    for first, second in [("CHEFS DE FILE", "autre"), ("X", "PE")]:
        row = TableRow()
        cell = TableCell(numbercolumnsspanned=2)
        cell.addElement(P(text=first))
        row.addElement(cell)
        if with_covered_cells:
            row.addElement(CoveredTableCell())
        last = TableCell()
        last.addElement(P(text=second))
        row.addElement(last)
        table.addElement(row)
    odt.text.addElement(table)
    buffer = io.BytesIO()
    odt.write(buffer)

    document = read_document("fusion.odt", buffer.getvalue())
    [read] = [b for b in document.blocks if isinstance(b, documents.Table)]
    assert [row.cells for row in read.rows] == [["CHEFS DE FILE", "", "autre"], ["X", "", "PE"]]


# --------------------------------------------------------------------------- truncated files


def _lines() -> list[str]:
    return SEED.read_bytes().decode("utf-8").split("\n")


def _tables() -> list[list[int]]:
    """Line numbers of the rows of each table of the seed."""
    tables: list[list[int]] = []
    in_table = False
    for number, line in enumerate(_lines(), start=1):
        if "\t" in line:
            if not in_table:
                tables.append([])
            tables[-1].append(number)
            in_table = True
        elif line.strip():
            in_table = False  # a blank line does not end a table, a paragraph does
    assert len(tables) >= 2
    return tables


def _cut_points() -> list[int]:
    """For each table of the seed: a cut just after its middle row (as a line count)."""
    return [rows[len(rows) // 2] for rows in _tables()]


@pytest.mark.parametrize("cut", _cut_points())
def test_truncated_seed_keeps_only_present_rows(reference, cut):
    text = "\n".join(_lines()[:cut])
    got = run("tronque.txt", text.encode("utf-8"))

    expected = [
        summary
        for summary, e in zip(engagements_of(reference), reference.engagements, strict=True)
        if e.line <= cut
    ]
    assert engagements_of(got) == expected
    assert len(got.engagements) < len(reference.engagements)
    flat = _norm(re.sub(r"<[^>]+>", " ", text))
    for engagement in got.engagements:
        assert engagement.line <= cut
        assert _norm(engagement.text) in flat


def test_truncated_in_second_table_has_rows_of_first_tables(reference):
    first, second = _tables()[:2]
    cut = _cut_points()[1]
    got = run("tronque.txt", "\n".join(_lines()[:cut]).encode("utf-8"))
    lines = [e.line for e in got.engagements]
    reference_lines = [e.line for e in reference.engagements]

    assert {n for n in reference_lines if n in first} <= set(lines)
    in_second = {n for n in reference_lines if n in second}
    assert 0 < len(in_second & set(lines)) < len(in_second)
    assert lines == [n for n in reference_lines if n <= cut]


def test_document_without_table_has_no_engagement():
    text = "\n".join(line for line in _lines() if "\t" not in line)
    got = run("sans-tableau.txt", text.encode("utf-8"))
    assert got.engagements == ()
    assert "no_table" in {w.code for w in got.warnings}


# --------------------------------------------------------------------------- bad input


def _message(excinfo) -> str:
    return " ".join(excinfo.value.messages)


@pytest.mark.parametrize("data", [b"", b"   \n\t\n  "], ids=["empty", "blank"])
def test_empty_file_is_refused(data):
    with pytest.raises(ValidationError) as excinfo:
        read_document("vide.txt", data)
    assert "« vide.txt »" in _message(excinfo)
    assert "vide" in _message(excinfo).split("»", 1)[1]


def test_nul_bytes_are_refused():
    with pytest.raises(ValidationError) as excinfo:
        read_document("binaire.txt", b"Protocole\x00\x01\x02 d'engagements")
    message = _message(excinfo)
    assert "« binaire.txt »" in message
    assert "octets nuls" in message


def test_docx_name_with_text_content_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        read_document("protocole.docx", b"Pas un document Word")
    message = _message(excinfo)
    assert "« protocole.docx »" in message
    assert ".docx ne correspond pas au contenu" in message


def test_odt_name_with_text_content_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        read_document("protocole.odt", b"<html><body>HTML</body></html>")
    assert "« protocole.odt »" in _message(excinfo)
    assert ".odt" in _message(excinfo)


def test_zip_that_is_neither_docx_nor_odt_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.txt", "pas un document")
    with pytest.raises(ValidationError) as excinfo:
        read_document("archive.docx", buffer.getvalue())
    message = _message(excinfo)
    assert "« archive.docx »" in message
    assert "ni un document Word" in message


def test_broken_zip_is_refused():
    data = builders.to_docx(SEED)[:200]
    with pytest.raises(ValidationError) as excinfo:
        read_document("coupe.docx", data)
    message = _message(excinfo)
    assert "« coupe.docx »" in message
    assert "illisible" in message


def test_docx_with_broken_content_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-xml")
    with pytest.raises(ValidationError) as excinfo:
        read_document("casse.docx", buffer.getvalue())
    message = _message(excinfo)
    assert "« casse.docx »" in message
    assert "Word illisible" in message


def test_odt_with_broken_content_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<not-xml")
    with pytest.raises(ValidationError) as excinfo:
        read_document("casse.odt", buffer.getvalue())
    message = _message(excinfo)
    assert "« casse.odt »" in message
    assert "OpenDocument illisible" in message


def test_file_over_size_limit_is_refused():
    data = b"a" * (documents.MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(ValidationError) as excinfo:
        read_document("enorme.txt", data)
    message = _message(excinfo)
    assert "« enorme.txt »" in message
    assert "dépasse" in message


def test_file_at_size_limit_is_read():
    line = "Un paragraphe de texte, assez long pour rester sous le nombre de lignes permis.\n"
    data = (line * (documents.MAX_DOCUMENT_BYTES // len(line))).encode()
    assert len(data) <= documents.MAX_DOCUMENT_BYTES
    assert read_document("limite.txt", data).blocks


def test_windows_1252_file_is_read_with_a_warning():
    data = "Protocole du contrat de ville « Les Érables »\n".encode("cp1252")
    got = run("ancien.txt", data)
    assert got.contract.territory == "Les Érables"
    assert "encoding" in {w.code for w in got.warnings}
