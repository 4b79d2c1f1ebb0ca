"""One synthetic document per rule first met in the reference protocol (none uses the seed):
joined fragments, services in parentheses, pillar count, contributions under partner
headings, acronym expansion, governance scope, and the one-letter « E » column."""

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


def test_lone_letter_in_the_other_column_is_joined_to_the_acronym_before_it():
    ex = protocol(*header("Etat", "Commune", "autre"), row(TEXTS[0], "X", "", "ADIL HABITA T"))
    assert roles(ex) == [
        ("ADIL", None, "unspecified"),
        ("ETAT", None, "lead"),
        ("HABITAT", None, "unspecified"),
    ]
    assert ex.partner("T") is None
    [joined] = [w for w in ex.warnings if w.code == "fragment_joined"]
    assert "« HABITA T » lu comme « HABITAT »" in joined.message


def test_services_in_parentheses_hang_under_the_partner_of_the_heading():
    ex = protocol(
        *header("Etat", "Commune"),
        row(TEXTS[0], "X", "x"),
        paragraphs=(
            "État",
            "Les services de l'État (DDT, PJJ, SDIS...) interviennent dans le quartier.",
            "Les services de la commune (voirie, espaces verts) sont mobilisés.",
        ),
    )
    for code in ("DDT", "PJJ", "SDIS"):
        assert ex.partner(code).parent == "ETAT", code
        assert ex.partner(code).kind == "state_service"
    assert ex.partner("VOIRIE") is None
    assert [c.partner for c in ex.contributions] == ["ETAT"]


def test_service_after_a_mark_in_a_column_of_the_state():
    ex = protocol(*header("Etat", "Bailleur"), row(TEXTS[1], "x PJJ", "X"))
    assert roles(ex) == [("BAILLEUR", None, "lead"), ("ETAT", "PJJ", "associate")]
    assert ex.partner("PJJ").parent == "ETAT"


def test_pillars_are_the_table_headings_checked_against_the_announced_count():
    announce = "Le contrat repose sur 3 piliers que sont l'habitat, l'emploi, et la santé."
    ex = protocol(*header("Etat", "Commune"), row(TEXTS[0], "X", ""), paragraphs=(announce,))
    assert ex.pillars == (SECTION,)
    [warning] = [w for w in ex.warnings if w.code == "pillar_count"]
    assert "annonce 3 piliers mais 1" in warning.message


def test_pillars_match_the_announced_count_without_warning():
    announce = "Le contrat repose sur 1 pilier que sont l'habitat."
    ex = protocol(*header("Etat", "Commune"), row(TEXTS[0], "X", ""), paragraphs=(announce,))
    assert ex.pillars == (SECTION,)
    assert not {"pillar_count", "pillars_from_text"} & codes(ex)


def test_pillars_come_from_the_text_when_there_is_no_table():
    lines = [
        TITLE,
        "",
        INTRO,
        "",
        "Il repose sur trois piliers : l'habitat, l'emploi, et la santé.",
    ]
    ex = extract(read_document("avenant.txt", "\n".join(lines).encode()))
    assert ex.pillars == ("Habitat", "Emploi", "Santé")
    assert "pillars_from_text" in codes(ex)
    assert "pillar_count" not in codes(ex)


def test_text_under_a_partner_heading_is_its_contribution():
    ex = protocol(
        *header("Etat", "Commune", "CAF"),
        row(TEXTS[0], "X", "x", ""),
        paragraphs=(
            "Commune de Saint-Lac",
            "La commune ouvre une maison des services au pied des immeubles.",
            "La caf du Lac",
            "La Caf finance l'accueil des jeunes enfants.",
            "Accueil du jeune enfant",
            "Des places nouvelles sont ouvertes en 2025.",
        ),
    )
    assert [(c.partner, c.title, c.text) for c in ex.contributions] == [
        (
            "COMMUNE",
            "Commune de Saint-Lac",
            "La commune ouvre une maison des services au pied des immeubles.",
        ),
        ("CAF", "La caf du Lac", "La Caf finance l'accueil des jeunes enfants."),
        ("CAF", "Accueil du jeune enfant", "Des places nouvelles sont ouvertes en 2025."),
    ]


def test_text_under_a_heading_that_names_no_partner_is_no_contribution():
    ex = protocol(
        *header("Etat", "Commune"),
        row(TEXTS[0], "X", ""),
        paragraphs=("Méthode de travail", "Les ateliers se tiennent chaque trimestre."),
    )
    assert ex.contributions == ()


def test_acronym_is_expanded_from_the_document_words():
    ex = protocol(
        *header("Etat", "Commune", "autre"),
        row(TEXTS[0], "X", "", "PRE"),
        paragraphs=("Le Programme de réussite éducative accompagne les enfants du quartier.",),
    )
    assert ex.partner("PRE").name == "Programme de réussite éducative"
    assert "unknown_acronym" not in codes(ex)


def test_acronym_is_named_by_a_legend_paragraph():
    ex = protocol(
        *header("Etat", "Commune", "autre"),
        row(TEXTS[0], "X", "", "CSF"),
        paragraphs=("CSF : centre social des Fontaines ; ADIL : agence du logement ;",),
    )
    assert ex.partner("CSF").name == "Centre social des Fontaines"
    assert {g.acronym for g in ex.glossary} == {"ADIL", "CSF"}


def test_governance_bodies_are_read_in_the_governance_article_only():
    ex = protocol(
        *header("Etat", "Commune"),
        row(TEXTS[0], "X", ""),
        paragraphs=(
            "Article 2 : la gouvernance",
            "Le comité de pilotage et le comité technique se réunissent chaque année.",
            "Article 3 : les financements",
            "Un comité des financeurs pourra être créé plus tard.",
        ),
    )
    assert ex.governance_bodies == ("Comité de pilotage", "Comité technique")


def test_governance_bodies_are_read_everywhere_without_a_governance_article():
    ex = protocol(
        *header("Etat", "Commune"),
        row(TEXTS[0], "X", ""),
        paragraphs=("Un comité des financeurs suit les engagements.",),
    )
    assert ex.governance_bodies == ("Comité des financeurs",)


def test_one_letter_e_column_is_the_state_with_a_warning():
    ex = protocol(*header("E", "Commune"), row(TEXTS[0], "X", "x"))
    assert roles(ex) == [("COMMUNE", None, "associate"), ("ETAT", None, "lead")]
    [warning] = [w for w in ex.warnings if w.code == "state_letter"]
    assert "« E » est lue comme l'État" in warning.message


def test_etat_column_is_the_state_without_warning():
    ex = protocol(*header("ETAT", "Commune"), row(TEXTS[0], "X", "x"))
    assert roles(ex) == [("COMMUNE", None, "associate"), ("ETAT", None, "lead")]
    assert "state_letter" not in codes(ex)
