"""sync_imported_content and snapshot: the same typed content in and out, minimal writes."""

from dataclasses import replace
from datetime import date

import pytest

from quartiers.contracts.content import (
    AmendmentData,
    ContractData,
    ContributionData,
    EngagementData,
    GlossaryData,
    ImportedContent,
    PartnerData,
    PriorityData,
    RoleData,
    SourceInfo,
    WarningData,
)
from quartiers.contracts.models import Amendment, Engagement, EngagementRole, Partner
from quartiers.contracts.services import snapshot, sync_imported_content

pytestmark = pytest.mark.django_db


def content(*, sha="a" * 64, line=4, role="lead", ends_on=date(2026, 12, 31)) -> ImportedContent:
    return ImportedContent(
        source=SourceInfo("avenant.txt", sha, "Avenant « Les Tilleuls »", "txt"),
        contract=ContractData(
            name="Contrat de ville « Les Tilleuls »",
            territory="Les Tilleuls",
            epci="Communauté d'agglomération Rives du Lac",
            signed_on=date(2015, 3, 12),
            starts_on=date(2015, 3, 12),
            ends_on=date(2020, 12, 31),
            generation="2015",
        ),
        amendments=(AmendmentData("amendment", "Avenant", date(2024, 1, 1), ends_on, 1),),
        pillars=("Habitat",),
        priorities=(PriorityData("thematic", "Santé", "", line),),
        governance_bodies=("Comité de pilotage",),
        partners=(
            PartnerData("ETAT", "État", "state", None, True, line),
            PartnerData(
                "DDT",
                "Direction départementale des territoires",
                "state_service",
                "ETAT",
                False,
                line,
            ),
            PartnerData("VILLE", "Ville", "commune", None, True, line),
        ),
        glossary=(GlossaryData("DDT", "Direction départementale des territoires"),),
        contributions=(ContributionData("VILLE", "Ville", "La ville s'engage.", line),),
        engagements=(
            EngagementData(
                "Habitat",
                None,
                "Rénover l'éclairage des cheminements piétons",
                (RoleData("ETAT", "DDT", role), RoleData("VILLE", None, "associate")),
                line,
                ("Rénover…", "X DDT", "x"),
            ),
        ),
        warnings=(WarningData("role_inferred", "X est lu comme chef de file.", line),),
    )


def _histories() -> list[int]:
    return [m.history.count() for m in (Amendment, Partner, Engagement, EngagementRole)]


def test_snapshot_gives_back_the_synced_content():
    contract = sync_imported_content(contract=None, slug="tilleuls", content=content(), lines=[])
    stored = snapshot(contract)
    assert stored == content()
    assert stored.ends_on == date(2026, 12, 31)
    assert stored.partner("DDT").parent == "ETAT"
    assert [w.code for w in stored.warnings] == ["role_inferred"]


def test_a_new_document_with_the_same_content_writes_no_history():
    contract = sync_imported_content(contract=None, slug="tilleuls", content=content(), lines=[])
    before = _histories()
    moved = content(sha="b" * 64, line=9)  # another file, rows on other lines
    assert moved == content()
    sync_imported_content(contract=contract, slug="tilleuls", content=moved, lines=[])
    assert _histories() == before
    assert Engagement.objects.get().source_line == 4  # provenance of the first reading


def test_a_changed_role_and_end_date_update_their_rows_only():
    contract = sync_imported_content(contract=None, slug="tilleuls", content=content(), lines=[])
    amendments, partners, engagements, roles = _histories()
    changed = content(sha="b" * 64, role="associate", ends_on=date(2027, 6, 30))
    sync_imported_content(contract=contract, slug="tilleuls", content=changed, lines=[])
    assert _histories() == [amendments + 1, partners, engagements, roles + 1]
    assert Amendment.objects.get().ends_on == date(2027, 6, 30)
    assert snapshot(contract) == changed
    assert snapshot(contract) != replace(changed, pillars=("Emploi",))
