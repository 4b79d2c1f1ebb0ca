"""Reading volunteer lists: csv, xlsx, ods and typed lines; every refusal names the line."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from quartiers.core import spreadsheets
from quartiers.participation import volunteers
from quartiers.participation.enums import Gender

HEADER = ["Nom", "Genre", "Courriel"]
ROWS = [
    ["Awa Diallo", "F", "awa@example.org"],
    ["Ahmed Benali", "homme", ""],
    ["Brigitte  Morel", "Femme", "BRIGITTE@example.org"],
]
EXPECTED = [
    volunteers.VolunteerRow(2, "Awa Diallo", Gender.WOMAN, "awa@example.org"),
    volunteers.VolunteerRow(3, "Ahmed Benali", Gender.MAN, ""),
    volunteers.VolunteerRow(4, "Brigitte Morel", Gender.WOMAN, "brigitte@example.org"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_each_format_written_by_core_is_read_back(fmt):
    data = spreadsheets.write(fmt, HEADER, ROWS, title="Volontaires")
    assert volunteers.read_volunteers(f"volontaires.{fmt}", data) == EXPECTED


def test_columns_are_found_by_their_header_in_any_order():
    table = [["Courriel", "Sexe", "Nom et prénom"], ["x@example.org", "M", "Paul Roux"]]
    assert volunteers.volunteer_rows(table) == [
        volunteers.VolunteerRow(2, "Paul Roux", Gender.MAN, "x@example.org")
    ]


def test_typed_lines_without_header_are_name_gender_email():
    rows = volunteers.typed_volunteers("Awa Diallo ; femme\n\nPaul Roux;H;paul@example.org\n")
    assert [(r.line, r.display_name, r.gender, r.email) for r in rows] == [
        (1, "Awa Diallo", "femme", ""),
        (3, "Paul Roux", "homme", "paul@example.org"),
    ]


def test_csv_in_windows_encoding_with_commas():
    data = "nom,genre\nCédric Faure,homme\n".encode("cp1252")
    assert volunteers.read_volunteers("liste.csv", data)[0].display_name == "Cédric Faure"


def test_every_bad_row_is_named_and_nothing_returned():
    table = [
        ["nom", "genre", "e-mail"],
        ["Awa Diallo", "femme", ""],
        ["", "femme", ""],
        ["Paul Roux", "autre", ""],
        ["Léa Blanc", "", "pas-une-adresse"],
        ["awa  diallo", "F", ""],
    ]
    with pytest.raises(ValidationError) as error:
        volunteers.volunteer_rows(table, filename="liste.csv")
    messages = error.value.messages
    assert "« liste.csv », ligne 3 : le nom manque." in messages
    assert any("ligne 4 : genre « autre » non reconnu" in m for m in messages)
    assert any("ligne 5 : le genre manque" in m for m in messages)
    assert any("ligne 5 : adresse électronique « pas-une-adresse » invalide" in m for m in messages)
    assert any("ligne 6 : même nom que la ligne 2 (femme)" in m for m in messages)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("liste.pdf", b"%PDF", "format non reconnu"),
        ("liste.xlsx", b"not a zip", "endommagé"),
        ("liste.ods", b"not a zip", "endommagé"),
        ("liste.csv", b"", "la liste est vide"),
        ("liste.csv", b"nom;genre\n", "aucun volontaire"),
        ("liste.csv", b"a\x00b", "n'est pas un texte CSV"),
        ("liste.csv", b"x" * (volunteers.MAX_FILE_SIZE + 1), "dépasse 2 Mo"),
    ],
)
def test_unreadable_files_get_a_french_message_naming_them(name, data, message):
    with pytest.raises(ValidationError) as error:
        volunteers.read_volunteers(name, data)
    assert f"« {name} »" in " ".join(error.value.messages)
    assert message in " ".join(error.value.messages)


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_an_archive_too_large_once_decompressed_is_refused_before_reading():
    data = _zip({"content.xml": b"<a/>" + b" " * (volunteers.MAX_UNCOMPRESSED + 1)})
    with pytest.raises(ValidationError, match="trop volumineux"):
        volunteers.read_volunteers("bombe.ods", data)


def test_an_ods_without_content_or_with_entities_is_refused():
    with pytest.raises(ValidationError, match=r"content\.xml manquant"):
        volunteers.read_volunteers("vide.ods", _zip({"mimetype": b"x"}))
    entity = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "Awa Diallo">]>'
        b'<a xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><table:table>'
        b"<table:table-row><table:table-cell><text:p>&e;</text:p></table:table-cell>"
        b"<table:table-cell><text:p>femme</text:p></table:table-cell></table:table-row>"
        b"</table:table></a>"
    )
    with pytest.raises(ValidationError, match="déclare un DTD"):
        volunteers.read_volunteers("entite.ods", _zip({"content.xml": entity}))


def test_too_many_rows_are_refused():
    text = "\n".join(f"P{i};femme" for i in range(volunteers.MAX_ROWS + 2))
    with pytest.raises(ValidationError, match="plus de 5000 lignes"):
        volunteers.typed_volunteers(text)


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() and not s.strip().startswith(("=", "+", "-", "@")))
genders = st.sampled_from(["femme", "homme", "F", "H", "Mme", "M."])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(names, genders), min_size=1, max_size=15))
def test_valid_rows_read_back_through_csv(people):
    """Names (any printable Unicode) and genders written by the one writer come back
    normalised, unless two of one gender share a name, which is refused."""
    rows = [[name, gender, ""] for name, gender in people]
    data = spreadsheets.to_csv(["nom", "genre", "e-mail"], rows, title="v")
    normalised = [(volunteers.draws.normalise(n), volunteers.GENDERS[g.lower()]) for n, g in people]
    keys = [(g, n.casefold()) for n, g in normalised]
    try:
        result = volunteers.read_volunteers("v.csv", data)
    except ValidationError as error:
        assert len(set(keys)) < len(keys) or any(
            not n or len(n) > volunteers.MAX_NAME for n, _ in normalised
        ), error.messages
        return
    assert [(r.display_name, r.gender) for r in result] == normalised


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_typed_text_is_read_or_refused_in_french(text):
    try:
        rows = volunteers.typed_volunteers(text)
    except ValidationError as error:
        assert error.messages and all(isinstance(m, str) and m for m in error.messages)
        return
    assert rows
    assert all(r.gender in Gender.values and r.display_name for r in rows)
