"""PDF reader: the seed printed to PDF gives what the txt gives; scans and bad files are refused.

The PDFs are printed in the test with WeasyPrint from the HTML that `builders.py` writes, with
ruled tables, a running header and « Page N / M » on every page (see `builders.to_pdf`).
"""

import io
import re

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quartiers.contracts.content import ImportedContent
from quartiers.protocol_import import pdf_reader, services
from quartiers.protocol_import.documents import (
    Document,
    DocumentError,
    Paragraph,
    Table,
    read_document,
)
from tests.conftest import SEED
from tests.protocol_import import builders
from tests.protocol_import.test_formats import engagements_of


@pytest.fixture(scope="module")
def reference() -> ImportedContent:
    return services.extract_content(name=SEED.name, data=SEED.read_bytes())


@pytest.fixture(scope="module")
def seed_pdf() -> bytes:
    """The seed with merged cells and table headers repeated on every page."""
    return builders.to_pdf(SEED, merged=True, colspans=True, repeat_headers=True)


def _page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() for page in pdf.pages]


def _paragraphs(document: Document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Paragraph)]


def _tables(document: Document) -> list[list[list[str]]]:
    return [[row.cells for row in b.rows] for b in document.blocks if isinstance(b, Table)]


def _message(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --------------------------------------------------------------------------- the seed


def test_seed_pdf_really_has_what_the_reader_must_undo(seed_pdf):
    """Guard: tables run over pages with their header repeated, and every page has a running
    header and a page number, so the test below exercises all of it."""
    pages = _page_texts(seed_pdf)
    assert len(pages) >= 6
    assert all(text.startswith(SEED.stem) for text in pages)
    assert all(re.search(rf"Page {n} / {len(pages)}$", t) for n, t in enumerate(pages, 1))
    # The three tables of the seed show their header on more pages than there are tables.
    assert sum(text.count("PARTENAIRES ASSOCIES") for text in pages) > 3


@pytest.mark.parametrize(
    "options",
    [{}, {"headings": False}, {"merged": True, "colspans": True, "repeat_headers": True}],
    ids=["plain", "no-headings", "merged-repeated-headers"],
)
def test_seed_pdf_gives_the_same_import_as_the_txt(reference, seed_pdf, options):
    data = seed_pdf if options.get("repeat_headers") else builders.to_pdf(SEED, **options)
    got = services.extract_content(name="protocole.pdf", data=data)

    assert got.source.name == "protocole.pdf"
    assert len(got.engagements) == 17
    assert engagements_of(got) == engagements_of(reference)
    assert got == reference  # the same rows would be stored (provenance aside)
    roles = {r.role for e in got.engagements for r in e.roles}
    assert roles == {"lead", "associate", "unspecified"}
    assert {w.code for w in got.warnings} == {w.code for w in reference.warnings}


def test_running_header_and_page_numbers_are_dropped(seed_pdf):
    document = read_document("protocole.pdf", seed_pdf)
    texts = [*_paragraphs(document), *(c for t in _tables(document) for r in t for c in r)]
    assert not [t for t in texts if SEED.stem in t or re.search(r"Page \d+ / \d+", t)]
    assert document.format == "pdf"
    assert len(_tables(document)) == 3  # tables continued on the next page are one table


# --------------------------------------------------------------------------- layout rules


def _long_table(rows: int, footer: str) -> bytes:
    body = "".join(
        f"<tr><td>Engagement numéro {n} : poursuivre l'action engagée avec les habitants du "
        f"quartier prioritaire</td><td>{'X' if n % 2 else ''}</td><td>{'x' if n % 3 else ''}"
        "</td></tr>"
        for n in range(1, rows + 1)
    )
    page = (
        "<html><body><h2>Cohésion sociale</h2>"
        "<table><thead><tr><th>Engagements</th><th>ETAT</th><th>Ville</th></tr></thead>"
        f"<tbody>{body}</tbody></table><p>Fait à Loriol, le 3 mars 2020.</p></body></html>"
    )
    css = f"@page {{ @bottom-center {{ content: {footer}; font-size: 9pt }} }}"
    return builders.html_to_pdf(page.encode(), running="Contrat de ville de Loriol", css=css)


@pytest.mark.parametrize("footer", ["counter(page)", '"- " counter(page) " -"'])
def test_long_table_over_pages_is_one_table_with_one_header(footer):
    data = _long_table(90, footer)
    assert len(_page_texts(data)) >= 3  # guard: the table runs over several pages

    document = read_document("long.pdf", data)

    [table] = _tables(document)
    assert table[0] == ["Engagements", "ETAT", "Ville"]
    numbers = [int(re.search(r"numéro (\d+)", row[0]).group(1)) for row in table[1:]]
    assert numbers == list(range(1, 91))
    assert table[2][1:] == ["", "x"]
    assert table[6][1:] == ["", ""]
    assert _paragraphs(document) == ["Cohésion sociale", "Fait à Loriol, le 3 mars 2020."]


@pytest.mark.parametrize("header", [True, False], ids=["repeated-header", "no-header"])
def test_row_cut_by_a_page_break_is_one_row(header):
    lines = [f"Ligne {n} d'un engagement très long." for n in range(1, 81)]
    head = "<thead><tr><th>Engagements</th><th>ETAT</th></tr></thead>" if header else ""
    page = (
        f"<html><body><table>{head}<tbody>"
        "<tr><td>Premier engagement</td><td>x</td></tr>"
        f"<tr><td>{'<br>'.join(lines)}</td><td>X</td></tr>"
        "<tr><td>Dernier engagement</td><td></td></tr>"
        "</tbody></table></body></html>"
    )
    data = builders.html_to_pdf(page.encode())
    assert len(_page_texts(data)) == 2  # guard: the long row is cut by the page break

    [table] = _tables(read_document("coupe.pdf", data))

    rows = table[1:] if header else table
    assert [row[1] for row in rows] == ["x", "X", ""]
    assert " ".join(rows[1][0].split()) == " ".join(lines)
    assert rows[2][0] == "Dernier engagement"


def test_paragraphs_headings_and_lists_are_rebuilt_from_lines():
    sentence = "Les partenaires du contrat de ville s'engagent à apporter les moyens humains. "
    page = (
        f"<html><body><h2>Cohésion sociale</h2><p>{sentence * 4}</p>"
        f"<p>Les thématiques suivantes :</p><ul><li>La santé</li><li>{sentence * 2}</li></ul>"
        '<p lang="fr" style="width: 3cm; hyphens: auto">Des interconnexions '
        "intercommunales.</p></body></html>"
    )
    data = builders.html_to_pdf(page.encode(), running=None)
    assert re.search(r"[a-z]\u2010\n[a-z]", _page_texts(data)[0])  # guard: a word is cut
    document = read_document("texte.pdf", data)

    assert _paragraphs(document) == [
        "Cohésion sociale",
        (sentence * 4).strip(),
        "Les thématiques suivantes :",
        "- La santé",
        "- " + (sentence * 2).strip(),
        "Des interconnexions intercommunales.",
    ]
    assert [b.heading for b in document.blocks] == [True, None, None, None, None, None]
    assert [b.line for b in document.blocks] == [1, 2, 3, 4, 5, 6]
    assert document.lines[0] == "Cohésion sociale"


def test_vertical_and_narrow_labels_read_as_letter_spaced_labels():
    cell = 'style="height: 5cm; width: 1cm"'
    turn = 'style="white-space: nowrap; margin-top: 2cm; transform: rotate'
    page = (
        "<html><body><table>"
        "<tr><th>Thème</th><th>Engagements</th><th>ETAT</th></tr>"
        f'<tr><td {cell}><div {turn}(-90deg)">S A N T E</div></td>'
        "<td>Aller vers les habitants</td><td>X</td></tr>"
        f'<tr><td {cell}><div {turn}(90deg)">C U L T U R E</div></td>'
        "<td>Ouvrir les écoles de musique</td><td>x</td></tr>"
        '<tr><td><div style="width: 0.5em; word-break: break-all">EMPLOI</div></td>'
        "<td>Accompagner les entrepreneurs</td><td>X</td></tr>"
        "</table></body></html>"
    )
    data = builders.html_to_pdf(page.encode(), running=None)
    with pdfplumber.open(io.BytesIO(data)) as pdf:  # guard: rotated characters are drawn
        assert {c["upright"] for c in pdf.pages[0].chars} == {True, False}

    [table] = _tables(read_document("vertical.pdf", data))

    assert [row[0] for row in table] == ["Thème", "S A N T E", "C U L T U R E", "E M P L O I"]
    assert [row[2] for row in table] == ["ETAT", "X", "x", "X"]


# --------------------------------------------------------------------------- refused files


def test_scanned_pdf_is_refused_with_a_french_message():
    data = builders.scanned_pdf()
    with pdfplumber.open(io.BytesIO(data)) as pdf:  # guard: an image and no character
        assert pdf.pages[0].images
        assert not pdf.pages[0].chars

    with pytest.raises(DocumentError) as excinfo:
        read_document("scan.pdf", data)

    message = _message(excinfo)
    assert "« scan.pdf »" in message
    assert "pas de couche texte" in message
    assert "OCR" in message and "pas encore prise en charge" in message


@pytest.mark.parametrize("empty_user_password", [True, False], ids=["opens", "needs-password"])
def test_encrypted_pdf_is_refused(empty_user_password):
    data = builders.encrypted_pdf(empty_user_password=empty_user_password)
    with pytest.raises(DocumentError) as excinfo:
        read_document("protege.pdf", data)
    assert "« protege.pdf » : ce PDF est protégé (chiffré)" in _message(excinfo)


def test_pdf_over_the_page_limit_is_refused(monkeypatch):
    words = ["Premier", "Deuxième", "Troisième"]
    page = "".join(f'<p style="break-after: page">{word}</p>' for word in words)
    data = builders.html_to_pdf(f"<html><body>{page}</body></html>".encode(), running=None)
    monkeypatch.setattr(pdf_reader, "MAX_PDF_PAGES", 3)
    assert read_document("trois.pdf", data).blocks

    monkeypatch.setattr(pdf_reader, "MAX_PDF_PAGES", 2)
    with pytest.raises(DocumentError) as excinfo:
        read_document("trois.pdf", data)
    assert "« trois.pdf » : le PDF compte 3 pages ; 2 au plus" in _message(excinfo)


def test_damaged_pdf_is_refused(seed_pdf):
    with pytest.raises(DocumentError) as excinfo:
        read_document("coupe.pdf", seed_pdf[: len(seed_pdf) // 3])
    assert "« coupe.pdf » : PDF illisible ou endommagé" in _message(excinfo)


def test_pdf_name_with_other_content_is_refused():
    with pytest.raises(DocumentError) as excinfo:
        read_document("protocole.pdf", b"Un texte, pas un PDF.")
    assert "« protocole.pdf » : l'extension .pdf ne correspond pas au contenu" in _message(excinfo)


def test_pdf_content_is_read_whatever_its_name(reference, seed_pdf):
    got = services.extract_content(name="protocole.txt", data=seed_pdf)
    assert engagements_of(got) == engagements_of(reference)


# --------------------------------------------------------------------------- fuzz


FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_or_refuse(data: bytes) -> None:
    try:
        document = read_document("fuzz.pdf", data)
    except DocumentError as exc:
        assert "« fuzz.pdf »" in " ".join(exc.messages)
        return
    assert isinstance(document, Document)
    assert document.format == "pdf"


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes_after_a_pdf_header_never_crash(tail):
    _read_or_refuse(b"%PDF-" + tail)


_SMALL = builders.html_to_pdf(
    b"<html><body><h2>Titre</h2><table><tr><td>a</td><td>X</td></tr></table></body></html>",
    running="En-tete",
)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(_SMALL) - 1), st.binary(max_size=8)), max_size=6))
def test_damaged_real_pdf_never_crashes(changes):
    data = bytearray(_SMALL)
    for position, replacement in changes:
        data[position : position + len(replacement)] = replacement
    _read_or_refuse(bytes(data))


def test_scanned_pages_among_text_pages_are_named_in_a_note():
    scan = re.search(rb"<img[^>]*>", builders.html_with_image()).group(0).decode()
    page = f'<html><body><p style="break-after: page">Préambule</p>{scan}</body></html>'
    document = read_document("mixte.pdf", builders.html_to_pdf(page.encode(), running=None))
    assert _paragraphs(document) == ["Préambule"]
    assert document.notes == [
        "Pages sans texte (numérisées ?) ignorées : 2 ; la reconnaissance de caractères (OCR) "
        "n'est pas encore prise en charge."
    ]


def test_page_with_too_many_drawn_lines_is_read_as_text(monkeypatch):
    monkeypatch.setattr(pdf_reader, "_MAX_EDGES", 4)
    document = read_document("traits.pdf", _long_table(3, "counter(page)"))
    assert _tables(document) == []
    assert "Engagements ETAT Ville" in _paragraphs(document)
    assert document.notes == [
        "Pages où trop de traits sont dessinés pour y chercher des tableaux : 1 ; leur texte est "
        "lu comme des paragraphes."
    ]
