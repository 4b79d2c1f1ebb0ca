"""Extraction rules, one at a time, on small synthetic protocols (see `synthetic.py`)."""

import pytest

from quartiers.protocol_import.documents import read_document
from quartiers.protocol_import.extraction import extract
from tests.protocol_import.synthetic import (
    INTRO,
    SECTION,
    TEXTS,
    TITLE,
    codes,
    header,
    protocol,
    roles,
    row,
)


def test_capital_x_is_lead_and_small_x_is_associate():
    ex = protocol(
        *header("Etat", "Commune", "Bailleur"),
        row(TEXTS[0], "X", "x", ""),
        row(TEXTS[1], "x", "", "X"),
    )
    assert roles(ex, 0) == [("COMMUNE", None, "associate"), ("ETAT", None, "lead")]
    assert roles(ex, 1) == [("BAILLEUR", None, "lead"), ("ETAT", None, "associate")]
    assert [e.pillar for e in ex.engagements] == [SECTION, SECTION]


def test_service_after_the_mark_stays_under_the_column_partner():
    ex = protocol(*header("ETAT", "Commune"), row(TEXTS[0], "X ARS", "x"))
    assert roles(ex) == [("COMMUNE", None, "associate"), ("ETAT", "ARS", "lead")]
    assert ex.partner("ARS").parent == "ETAT"
    assert "ARS" not in {r.partner for r in ex.engagements[0].roles}


def test_two_services_after_the_mark_give_two_roles():
    ex = protocol(*header("ETAT", "Commune"), row(TEXTS[1], "X DRAC EN", ""))
    assert roles(ex) == [("ETAT", "DRAC", "lead"), ("ETAT", "EN", "lead")]
    ex = protocol(*header("ETAT", "Commune"), row(TEXTS[1], "x DDT", "X"))
    assert roles(ex) == [("COMMUNE", None, "lead"), ("ETAT", "DDT", "associate")]


@pytest.mark.parametrize("label", ["E", "ETAT", "Etat", "État"])
def test_state_column_label_gives_partner_etat(label):
    ex = protocol(*header(label, "Commune"), row(TEXTS[2], "X", ""))
    assert roles(ex) == [("ETAT", None, "lead")]
    assert ex.partner("ETAT")
    assert label == "ETAT" or ex.partner(label) is None


@pytest.mark.parametrize(
    ("other", "expected"),
    [("PE MILO", ["MILO", "PE"]), ("FT, ML", ["FT", "ML"]), ("CAF et CPAM", ["CAF", "CPAM"])],
)
def test_other_column_names_partners_with_role_unspecified(other, expected):
    ex = protocol(*header("Etat", "Commune", "autre"), row(TEXTS[3], "", "X", other))
    assert roles(ex) == sorted(
        [("COMMUNE", None, "lead"), *((code, None, "unspecified") for code in expected)]
    )
    assert "unknown_acronym" not in codes(ex)


@pytest.mark.parametrize(
    ("label", "paragraph", "theme"),
    [
        ("S A N T E", "L'accès à la santé reste une priorité du quartier.", "Santé"),
        ("É D U C A T I O N", "Le volet éducation est renforcé.", "Éducation"),
        ("V I E A S S O C I A T I V E", "La vie associative est soutenue.", "Vie associative"),
    ],
)
def test_letter_spaced_theme_is_rebuilt_from_the_text(label, paragraph, theme):
    ex = protocol(
        *header("Etat", "Commune", theme=True),
        row(label, TEXTS[0], "X", ""),
        row("", TEXTS[1], "", "x"),
        paragraphs=(paragraph,),
    )
    assert [e.theme for e in ex.engagements] == [theme, theme]
    assert "theme_label" not in codes(ex)


def test_letter_spaced_theme_missing_from_the_text_is_flagged():
    ex = protocol(*header("Etat", "Commune", theme=True), row("S P O R T S", TEXTS[0], "X", ""))
    assert ex.engagements[0].theme == "Sports"
    assert "theme_label" in codes(ex)


def test_header_without_legend_infers_roles_with_a_warning():
    ex = protocol(*header("Etat", "Commune", legend=False), row(TEXTS[0], "x", "X"))
    assert roles(ex) == [("COMMUNE", None, "lead"), ("ETAT", None, "associate")]
    assert "role_inferred" in codes(ex)


def test_header_with_legend_does_not_warn_about_roles():
    ex = protocol(*header("Etat", "Commune"), row(TEXTS[0], "x", "X"))
    assert "role_inferred" not in codes(ex)


@pytest.mark.parametrize(
    "legend",
    [
        "AAA : truc ; BBB : machin",
        "<p>ADIL : agence départementale d'information sur le logement ; "
        "CSF : centre social des Fontaines ;</p>",
    ],
)
def test_legend_row_fills_glossary_and_is_not_an_engagement(legend):
    ex = protocol(
        *header("Etat", "Commune", "autre"),
        row(TEXTS[0], "X", "", ""),
        row(legend, "", "", ""),
    )
    glossary = {g.acronym: g.meaning for g in ex.glossary}
    first, second = (p.split(":")[0].strip(" <p>") for p in legend.split(";")[:2])
    assert first in glossary
    assert second in glossary
    assert len(ex.engagements) == 1
    assert ex.engagements[0].text == TEXTS[0]


def test_legend_defines_acronyms_of_the_other_column():
    ex = protocol(
        *header("Etat", "Commune", "autre"),
        row(TEXTS[0], "X", "", "ADIL"),
        row("ADIL : agence départementale d'information sur le logement ; CSF : centre", "", ""),
    )
    assert roles(ex) == [("ADIL", None, "unspecified"), ("ETAT", None, "lead")]
    assert "unknown_acronym" not in codes(ex)
    assert ex.partner("ADIL").name == "Agence départementale d'information sur le logement"


def test_unknown_acronym_in_other_column_is_flagged():
    ex = protocol(*header("Etat", "Commune", "autre"), row(TEXTS[0], "X", "", "ZORBAQ"))
    assert ("ZORBAQ", None, "unspecified") in roles(ex)
    messages = [w.message for w in ex.warnings if w.code == "unknown_acronym"]
    assert any("ZORBAQ" in message for message in messages)


def test_two_spellings_of_the_territory_are_flagged():
    ex = protocol(
        *header("Etat", "Commune"),
        row(TEXTS[0], "X", ""),
        paragraphs=("Le conseil citoyen « Les Tilleux » participe aux comités de pilotage.",),
    )
    assert ex.contract.territory == "Les Tilleuls"
    mismatch = [w for w in ex.warnings if w.code == "name_mismatch"]
    assert mismatch
    assert "Tilleux" in mismatch[0].message


def test_one_spelling_of_the_territory_is_not_flagged():
    ex = protocol(
        *header("Etat", "Commune"),
        row(TEXTS[0], "X", ""),
        paragraphs=("Le conseil citoyen « Les Tilleuls » participe aux comités de pilotage.",),
    )
    assert "name_mismatch" not in codes(ex)


def test_row_shifted_one_column_left_is_realigned():
    ex = protocol(
        *header("Etat", "Commune", "Bailleur", "autre", theme=True),
        row("M O B I L I T E", TEXTS[0], "X", "", "x", ""),
        row(TEXTS[1], "x", "X", "", "FT"),  # the theme cell is missing: all shifted left
        row("", TEXTS[2], "", "X", "", ""),
        paragraphs=("La mobilité des habitants est un enjeu.",),
    )
    engagements = ex.engagements
    assert [e.text for e in engagements] == TEXTS[:3]
    assert roles(ex, 1) == [
        ("COMMUNE", None, "lead"),
        ("ETAT", None, "associate"),
        ("FT", None, "unspecified"),
    ]
    assert roles(ex, 2) == [("COMMUNE", None, "lead")]
    assert [e.theme for e in engagements] == ["Mobilité"] * 3
    realigned = [w for w in ex.warnings if w.code == "row_realigned"]
    assert [w.line for w in realigned] == [engagements[1].line]


def test_long_theme_label_does_not_replace_the_engagement_text():
    label = "Prévention de la délinquance et accompagnement des victimes dans le quartier"
    ex = protocol(
        *header("Etat", "Commune", theme=True),
        row(label, TEXTS[0], "X", ""),
        row("", TEXTS[1], "", "x"),
    )
    engagements = ex.engagements
    assert [e.text for e in engagements] == TEXTS[:2]
    assert [e.theme for e in engagements] == [label, label]
    assert "row_realigned" not in codes(ex)


def test_text_in_the_theme_column_with_empty_text_column_is_read():
    ex = protocol(*header("Etat", "Commune", theme=True), row(TEXTS[2], "", "x", "X"))
    engagements = ex.engagements
    assert [e.text for e in engagements] == [TEXTS[2]]
    assert roles(ex) == [("COMMUNE", None, "lead"), ("ETAT", None, "associate")]
    assert "row_realigned" in codes(ex)


def test_table_without_heading_is_filed_under_engagements():
    lines = [INTRO, "", *header("Etat", "Commune"), row(TEXTS[0], "X", "")]
    ex = extract(read_document("a.txt", "\n".join(lines).encode()))
    assert ex.engagements[0].pillar == "Engagements"
    assert "section_missing" in codes(ex)


def test_two_tables_give_two_sections_and_pillars():
    lines = [TITLE, "", INTRO, "", "Emploi et insertion", ""]
    lines += [*header("Etat", "Région"), row(TEXTS[0], "X", "x"), ""]
    lines += ["Cadre de vie", "", *header("Etat", "Commune"), row(TEXTS[3], "", "X")]
    ex = extract(read_document("a.txt", "\n".join(lines).encode()))
    assert [e.pillar for e in ex.engagements] == ["Emploi et insertion", "Cadre de vie"]
    assert ex.pillars == ("Emploi et insertion", "Cadre de vie")
    assert roles(ex, 0) == [("ETAT", None, "lead"), ("REGION", None, "associate")]


def test_a_warning_about_a_partner_names_it():
    ex = protocol(*header("Etat", "Commune", "autre"), row(TEXTS[0], "X", "", "ZORBAQ"))
    [unknown] = [w for w in ex.warnings if w.code == "unknown_acronym"]
    assert (unknown.partner, unknown.engagement) == ("ZORBAQ", None)


def test_the_warnings_of_a_grid_row_name_its_engagement():
    ex = protocol(
        *header("Etat", "Commune"),
        row(TEXTS[0], "X", ""),
        row(TEXTS[1], "?!", "x", "en trop"),  # an unknown mark, a cell past the columns
        row("", "X", ""),  # marks without text: no engagement, nothing to name
    )
    assert len(ex.engagements) == 2
    about_rows = {w.code: w.engagement for w in ex.warnings if w.line is not None}
    assert about_rows["mark_unrecognised"] == 2
    assert about_rows["extra_cells"] == 2
    assert about_rows["empty_text"] is None
    named = {w.line for w in ex.warnings if w.engagement is not None}
    assert named == {ex.engagements[1].line}
