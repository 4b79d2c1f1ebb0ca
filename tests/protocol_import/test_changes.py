"""changes_between: every difference the sync would write is listed, before → after."""

from dataclasses import replace

from quartiers.contracts.content import GlossaryData, PartnerData, PriorityData
from quartiers.protocol_import.changes import changes_between
from tests.contracts.factories import imported_content


def shown(old, new) -> list[str]:
    return [str(change) for change in changes_between(old, new)]


def test_equal_contents_have_no_change():
    assert shown(imported_content(), imported_content(sha="b" * 64, line=9)) == []


def test_contract_fields_and_amendment_end():
    old = imported_content()
    new = imported_content(ends_on=old.amendments[0].ends_on.replace(year=2027))
    new = replace(new, contract=replace(new.contract, territory="Les Tilleuls Nord"))
    assert shown(old, new) == [
        "contrat, territoire : « Les Tilleuls » → « Les Tilleuls Nord »",
        "avenant (début 01/01/2024), nouvelle date de fin : 31/12/2026 → 31/12/2027",
    ]


def test_partners_added_removed_and_changed():
    old = imported_content()
    siea = PartnerData("SIEA", "Syndicat intercommunal", "other", None, False)
    ville = replace(old.partner("VILLE"), name="Ville de Saint-Lac")
    partners = (old.partner("ETAT"), old.partner("DDT"), ville, siea)
    new = replace(old, partners=partners)
    assert shown(old, new) == [
        "+ partenaire : SIEA (Syndicat intercommunal)",
        "partenaire VILLE, nom : Ville → « Ville de Saint-Lac »",
    ]
    assert shown(new, old) == [
        "- partenaire : SIEA (Syndicat intercommunal)",
        "partenaire VILLE, nom : « Ville de Saint-Lac » → Ville",
    ]


def test_pillar_order_glossary_and_priorities():
    old = replace(imported_content(), pillars=("Habitat", "Emploi"))
    new = replace(
        old,
        pillars=("Emploi", "Habitat"),
        glossary=(GlossaryData("DDT", "Direction des territoires"),),
        priorities=(*old.priorities, PriorityData("transversal", "Jeunesse", "")),
    )
    assert shown(old, new) == [
        "piliers, ordre : Habitat, Emploi → Emploi, Habitat",
        "+ priorité 2 : « Jeunesse »",
        "sigle DDT, signification : « Direction départementale des territoires » → "
        "« Direction des territoires »",
    ]


def test_engagement_text_roles_and_removal():
    old = imported_content()
    engagement = old.engagements[0]
    edited = replace(engagement, text="Rénover l'éclairage public", roles=engagement.roles[:1])
    new = replace(old, engagements=(edited,))
    assert shown(old, new) == [
        "engagement 1, texte : « Rénover l'éclairage des cheminements piétons » → "
        "« Rénover l'éclairage public »",
        "- engagement 1, rôle VILLE : partenaire associé",
    ]
    assert shown(old, replace(old, engagements=())) == [
        "- engagement 1 : « Rénover l'éclairage des cheminements piétons »"
    ]
