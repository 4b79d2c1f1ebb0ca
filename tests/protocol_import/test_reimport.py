"""Re-importing a modified protocol changes only what changed, in every format.

The modified copy of the seed changes one engagement's text, one role (CAF lead →
associate), the prolongation date, and adds a partner column (ANRU) to the last table.
"""

from pathlib import Path

import pytest

from quartiers.contracts.models import Amendment, Engagement, EngagementRole, Partner
from quartiers.contracts.services import effective_end
from quartiers.protocol_import import services
from tests.conftest import SEED
from tests.protocol_import import builders

pytestmark = pytest.mark.django_db

TEXT_BEFORE = "relais « emploi »"
TEXT_AFTER = "relais « emploi et formation »"


def modified_seed() -> str:
    lines = SEED.read_text(encoding="utf-8").split("\n")

    def edit(prefix: str, change) -> None:
        index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
        cells = lines[index].split("\t")
        change(cells)
        lines[index] = "\t".join(cells)

    def text(cells):
        cells[0] = cells[0].replace(TEXT_BEFORE, TEXT_AFTER)

    def caf_associate(cells):
        assert cells[5] == "X"
        cells[5] = "x"

    edit("Poursuivre le positionnement", text)
    edit("Asseoir l'agrément", caf_associate)
    header = next(i for i, line in enumerate(lines) if line.endswith("\tCR\tAutre"))
    for offset, mark in enumerate(["", "ANRU", "X", "", ""], start=-1):
        cells = lines[header + offset].split("\t")
        cells.insert(7, mark)
        lines[header + offset] = "\t".join(cells)
    text = "\n".join(lines)
    assert "jusqu'au 31 décembre 2022" in text
    return text.replace("jusqu'au 31 décembre 2022", "jusqu'au 30 juin 2023")


def txt(path: Path) -> bytes:
    return path.read_bytes()


FORMATS = [
    ("txt", txt, {}),
    ("html", builders.to_html, {"merged": True, "colspans": True}),
    ("md", builders.to_markdown, {}),
    ("docx", builders.to_docx, {"merged": True}),
    ("odt", builders.to_odt, {"merged": True, "colspans": True}),
]


def _histories() -> dict[str, int]:
    models = (Engagement, EngagementRole, Amendment, Partner)
    return {m.__name__: m.history.count() for m in models}


@pytest.mark.parametrize(("suffix", "build", "options"), FORMATS, ids=[f[0] for f in FORMATS])
def test_modified_document_changes_only_what_changed(tmp_path, suffix, build, options):
    modified = tmp_path / "modifie.txt"
    modified.write_text(modified_seed(), encoding="utf-8")
    name = f"protocole.{suffix}"
    original = services.apply_import(name=name, data=build(SEED, **options))
    contract = original.contract
    assert contract.engagements.count() == 17
    partners = contract.partners.count()
    caf_row = Engagement.objects.get(contract=contract, text__startswith="Asseoir")
    first = contract.engagements.get(number=1)
    history = _histories()

    preview = services.preview_import(name=name, data=build(modified, **options))
    shown = [str(c) for c in preview.changes]
    assert f"engagement {caf_row.number}, rôle CAF : chef de file → partenaire associé" in shown
    assert any(
        c.subject == "engagement 1" and c.field == "texte" and TEXT_AFTER in c.after
        for c in preview.changes
    )
    assert any("nouvelle date de fin : 31/12/2022 → 30/06/2023" in c for c in shown)
    assert "+ partenaire : ANRU (Agence nationale pour la rénovation urbaine)" in shown
    assert any(c.startswith("+ engagement ") and "rôle ANRU : chef de file" in c for c in shown)
    assert _histories() == history  # the preview writes nothing

    applied = services.apply_import(name=name, data=build(modified, **options))
    assert applied.applied and applied.contract == contract
    assert contract.engagements.count() == 17
    assert Amendment.objects.filter(contract=contract).count() == 1
    assert effective_end(contract).isoformat() == "2023-06-30"
    assert contract.partners.count() == partners + 1
    anru = Partner.objects.get(contract=contract, code="ANRU")
    assert anru.is_grid_column
    assert list(anru.roles.values_list("role", flat=True)) == ["lead"]
    assert caf_row.roles.get(partner__code="CAF").role == "associate"
    first.refresh_from_db()
    assert TEXT_AFTER in first.text
    after = _histories()
    assert after["Engagement"] == history["Engagement"] + 1  # only the text changed
    assert after["EngagementRole"] == history["EngagementRole"] + 2  # CAF changed, ANRU added
    assert after["Amendment"] == history["Amendment"] + 1

    again = services.apply_import(name=name, data=build(modified, **options))
    assert again.up_to_date and not again.applied and again.changes == ()
    assert _histories() == after
