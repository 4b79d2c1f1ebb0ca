"""sync_imported_content and snapshot: the same typed content in and out, minimal writes."""

from dataclasses import replace
from datetime import date

import pytest

from quartiers.contracts.models import Amendment, Engagement, EngagementRole, Partner
from quartiers.contracts.services import snapshot, sync_imported_content
from tests.contracts.factories import imported_content as content

pytestmark = pytest.mark.django_db


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
