"""Property tests: no input crashes the import, and tables never invent partners.

The only exception a user can get from `read_document` + `extract` is a `ValidationError`
(a French message about the file); everything else must give a JSON-serialisable result.
"""

import json
import re
import tempfile
from dataclasses import asdict
from pathlib import Path

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quartiers.contracts.content import ImportedContent
from quartiers.protocol_import.documents import read_document
from quartiers.protocol_import.extraction import extract
from quartiers.protocol_import.extraction.grid import column_code
from quartiers.protocol_import.extraction.text import code_of, fold
from tests.protocol_import import builders

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "\t",
    "\t\t",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "|",
    "| a | b |",
    "|---|---|",
    "\\|",
    "<p>",
    "</p>",
    '<ul style="list-style-type: none">',
    "<li>",
    "<br>",
    "<table>",
    "<tr>",
    "<td>",
    '<td rowspan="3">',
    "<td colspan='x'>",
    '<td rowspan="0" colspan="-2">',
    '<th colspan="99">',
    "</td>",
    "</tr>",
    "</table>",
    "<h2>",
    "</h2>",
    "<!DOCTYPE html>",
    "<?xml version='1.0'?>",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "&nbsp;",
    "«",
    "»",
    "« Cœur de ville »",
    "contrat de ville « ",
    "X",
    "x",
    "X ARS",
    "x DRAC EN",
    "✓",
    "PE MILO",
    "DAH PLURALI S",
    "Engagements",
    "CHEFS DE FILE",
    "PARTENAIRES ASSOCIES",
    "ETAT",
    "E",
    "Ville",
    "autre",
    "Autres partenaires",
    "AAA : truc ; BBB : machin",
    "ARS : Agence ; CD : conseil ;",
    "signé le 1er juillet 2015",
    "signée le 31 février 2015",
    "jusqu'au 31 décembre 2022",
    "période 2020-2022",
    "2020 - 2022",
    "3 piliers thématiques que sont la cohésion sociale, le cadre de vie et l'emploi.",
    "deux piliers :",
    "Communauté de communes du Val de ",
    "métropole",
    "Article 2 : la gouvernance",
    "comités de pilotage",
    "Conseil citoyen",
    "les services de l'État (Direccte, ARS...)",
    "thématiques suivantes :",
    "priorités transversales :",
    "- ",
    "* ",
    "## ",
    "# ",
    "1. ",
    "**",
    "S A N T E",
    "C U L T U R E",
    "T R A N Q U I L L I T E  P U B L I Q U E",
    "\xa0",
    "\u200b",
    "\ufeff",
    "\u2028",
    "é",
    "Œ",
    "ᵉʳ",
    "𝔘𝔫𝔦",
    "ﬁ",
    "İ",
]

letter_spaced = st.text(alphabet="ABCDEÉÈFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=10).map(
    " ".join
)
fuzz_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12), letter_spaced),
    max_size=60,
).map("".join)


def _run(name: str, data: bytes) -> None:
    try:
        document = read_document(name, data)
    except ValidationError as error:
        assert "«" in " ".join(error.messages)
        return
    result = asdict(extract(document))
    json.dumps(result, ensure_ascii=False, default=str)
    assert isinstance(result["engagements"], tuple)


@FUZZ
@given(text=fuzz_text, suffix=st.sampled_from(["txt", "md", "html"]))
def test_arbitrary_text_never_crashes(text, suffix):
    _run(f"fuzz.{suffix}", text.encode("utf-8"))


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
        fuzz_text.map(lambda t: t.encode("cp1252", errors="replace")),
    ),
    name=st.sampled_from(["f.txt", "f.md", "f.html", "f.docx", "f.odt", "f", "f.pdf"]),
)
def test_arbitrary_bytes_never_crash(data, name):
    _run(name, data)


# --------------------------------------------------------------------------- table shapes

PARTNERS = ["E", "ETAT", "Ville", "CCAS", "CAF", "Région", "Bailleur", "CD", "SDIS", "Commune"]
MARKS = ["X", "x", "X ARS", "x DRAC EN", "X DDT", "✓", "", "", ""]
WORDS = ["oui", "à voir", "PE MILO", "FT", "ADIL", "a b", "Z", "DAH PLURALI S", "CAF et ML"]
LONG_TEXTS = [
    "Accompagner les associations sportives du quartier dans leurs demandes de subvention",
    "Mettre en place un guichet unique pour les démarches administratives des habitants",
    "Développer les jardins partagés au pied des immeubles avec les locataires volontaires",
]
THEMES = ["", "", "S P O R T", "E M P L O I", "Logement", "C U L T U R E"]
cell = st.one_of(
    st.sampled_from(MARKS),
    st.sampled_from(WORDS),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\t\n\r\x00"), max_size=10),
)


@st.composite
def tables(draw):
    labels = draw(
        st.lists(st.sampled_from(PARTNERS), min_size=1, max_size=6, unique_by=column_code)
    )
    theme, other, legend = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    labels = [*labels, "autre"] if other else labels
    prefix = 2 if theme else 1
    rest = [""] * (len(labels) - 1)
    if legend:
        header = [
            ["Engagements", *[""] * (prefix - 1), "CHEFS DE FILE", *rest],
            [*[""] * prefix, "PARTENAIRES ASSOCIES", *rest],
            [*[""] * prefix, *labels],
        ]
    else:
        header = [["Engagements", *[""] * (prefix - 1), *labels]]
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        width = draw(st.integers(prefix, prefix + len(labels) + 2))
        cells = [draw(cell) for _ in range(width)]
        cells[prefix - 1] = draw(st.sampled_from(LONG_TEXTS))
        if theme:
            cells[0] = draw(st.sampled_from(THEMES))
            if draw(st.integers(0, 4)) == 0:  # the theme cell is missing: shifted left
                cells = cells[1:]
        rows.append(cells)
    return labels, header, rows


def _compact(value: str) -> str:
    return re.sub(r"\W", "", fold(value)).upper()


@FUZZ
@given(shape=tables(), suffix=st.sampled_from(["txt", "md"]))
def test_table_shapes_only_give_roles_for_listed_partners(shape, suffix):
    labels, header, rows = shape
    lines = ["Le présent avenant prolonge le contrat.", "", "Cohésion sociale", ""]
    first_row = len(lines) + len(header) + 1
    if suffix == "txt":
        lines += ["\t".join(cells) for cells in [*header, *rows]]
    else:
        width = max(len(cells) for cells in [*header, *rows])
        padded = [[*cells, *[""] * (width - len(cells))] for cells in [*header, *rows]]
        lines.append("| " + " | ".join(padded[0]) + " |")
        lines.append("|" + "---|" * width)
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in p) + " |" for p in padded[1:]]
        first_row += 1
    data = "\n".join(lines).encode("utf-8")
    result = asdict(extract(read_document(f"grille.{suffix}", data)))
    json.dumps(result, ensure_ascii=False, default=str)

    header_codes = {column_code(label) for label in labels if label != "autre"}
    row_of_line = {first_row + index: cells for index, cells in enumerate(rows)}
    assert len(result["engagements"]) <= len(rows)
    for engagement in result["engagements"]:
        assert engagement["text"] in LONG_TEXTS
        assert engagement["pillar"] == "Cohésion sociale"
        cells = row_of_line[engagement["line"]]
        for role in engagement["roles"]:
            assert role["role"] in {"lead", "associate", "unspecified"}
            if role["partner"] in header_codes:
                continue
            assert "autre" in labels, role
            tokens = {code_of(t) for c in cells for t in re.split(r"[\s,;/+]+", c) if t}
            assert role["partner"] in tokens or _compact(role["partner"]) in _compact(
                " ".join(cells)
            ), role


# --------------------------------------------------------------------------- same grid, any format

plain_cell = st.one_of(
    st.sampled_from(MARKS),
    st.sampled_from(WORDS),
    st.text(alphabet=st.characters(categories=["L", "N", "Zs"], codec="utf-8"), max_size=10),
)


@st.composite
def grids(draw):
    """A txt protocol whose table has random shape, themes and merged-looking first cells."""
    labels = draw(
        st.lists(st.sampled_from(PARTNERS), min_size=2, max_size=5, unique_by=column_code)
    )
    labels = [*labels, "autre"]
    rows = [
        ["Engagements", "", "CHEFS DE FILE", *[""] * (len(labels) - 1)],
        ["", "", "PARTENAIRES ASSOCIES", *[""] * (len(labels) - 1)],
        ["", "", *labels],
    ]
    for _ in range(draw(st.integers(1, 7))):
        cells = [draw(st.sampled_from(THEMES)), draw(st.sampled_from(LONG_TEXTS))]
        cells += [draw(plain_cell) for _ in range(draw(st.integers(0, len(labels) + 1)))]
        rows.append(cells)
        if draw(st.booleans()):
            rows.append([])  # a blank line inside the table
    lines = ["Avenant au contrat de ville « Les Peupliers »", "", "La santé et le sport.", ""]
    lines += ["Cadre de vie", "", *("\t".join(cells) for cells in rows)]
    lines += ["", "Article 5 : évaluation", "", "Une évaluation est prévue."]
    return "\n".join(lines)


def _summary(content: ImportedContent) -> list[tuple]:
    return [(e.pillar, e.theme, " ".join(e.text.split()), e.roles) for e in content.engagements]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=grids(),
    fmt=st.sampled_from(["html", "md", "docx", "odt"]),
    merged=st.booleans(),
    colspans=st.booleans(),
    headings=st.booleans(),
)
def test_any_grid_reads_the_same_in_every_format(text, fmt, merged, colspans, headings):
    expected = _summary(extract(read_document("grille.txt", text.encode("utf-8"))))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "grille.txt"
        path.write_text(text, encoding="utf-8")
        if fmt == "md":
            data = builders.to_markdown(path, headings=headings)
        else:
            build = {"html": builders.to_html, "docx": builders.to_docx, "odt": builders.to_odt}
            data = build[fmt](path, headings=headings, merged=merged, colspans=colspans)
    assert _summary(extract(read_document(f"grille.{fmt}", data))) == expected
