import json

import pytest
from django.core.management import CommandError, call_command

from quartiers.contracts.models import Contract
from tests.conftest import SEED

pytestmark = pytest.mark.django_db


def test_dry_run_prints_and_writes_nothing(capsys):
    call_command("import_protocol", str(SEED))
    out = capsys.readouterr().out
    assert "engagements : 17" in out
    assert "Essai à blanc" in out
    assert "[name_mismatch]" in out
    assert Contract.objects.count() == 0


def test_apply_then_apply_again(capsys):
    call_command("import_protocol", str(SEED), "--apply")
    assert "Import enregistré" in capsys.readouterr().out
    call_command("import_protocol", str(SEED), "--apply")
    assert "Aucun changement" in capsys.readouterr().out
    assert Contract.objects.count() == 1


def test_dry_run_of_a_changed_document_shows_before_and_after(capsys, tmp_path):
    call_command("import_protocol", str(SEED), "--apply")
    lines = SEED.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("Asseoir l'agrément"))
    cells = lines[index].split("\t")
    cells[5] = "x"  # the CAF becomes an associate partner
    lines[index] = "\t".join(cells)
    changed = tmp_path / "modifie.txt"
    changed.write_text("\n".join(lines), encoding="utf-8")
    capsys.readouterr()
    call_command("import_protocol", str(changed))
    out = capsys.readouterr().out
    assert "Changements (1) :" in out
    assert "rôle CAF : chef de file → partenaire associé" in out
    assert "Essai à blanc" in out


def test_json_follows_the_schema(capsys):
    call_command("import_protocol", str(SEED), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {
        "source",
        "contract",
        "amendments",
        "pillars",
        "priorities",
        "governance_bodies",
        "partners",
        "glossary",
        "contributions",
        "engagements",
        "warnings",
    }
    assert set(payload["source"]) == {"name", "sha256", "title", "format"}
    assert payload["contract"]["signed_on"] == "2015-07-01"
    assert payload["contract"]["ends_on"] == "2020-12-31"  # before the prolongation
    assert [a["ends_on"] for a in payload["amendments"]] == ["2022-12-31"]
    assert len(payload["engagements"]) == 17
    assert all(isinstance(e["line"], int) for e in payload["engagements"])
    roles = {r["role"] for e in payload["engagements"] for r in e["roles"]}
    assert roles == {"lead", "associate", "unspecified"}
    etat = next(p for p in payload["partners"] if p["code"] == "ETAT")
    assert (etat["name"], etat["kind"], etat["parent"]) == ("État", "state", None)
    assert Contract.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_protocol", str(tmp_path / "absent.txt"))


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\x00\x00garbage")
    with pytest.raises(CommandError, match="octets nuls"):
        call_command("import_protocol", str(path))


def test_pdf_protocol_is_imported_like_the_txt(tmp_path, capsys):
    from tests.protocol_import import builders

    path = tmp_path / "protocole.pdf"
    path.write_bytes(builders.to_pdf(SEED, merged=True, colspans=True, repeat_headers=True))
    call_command("import_protocol", str(path))
    out = capsys.readouterr().out
    assert "Document : protocole.pdf (pdf, sha256" in out
    assert "engagements : 17" in out
    assert Contract.objects.count() == 0

    call_command("import_protocol", str(path), "--apply")
    assert "Import enregistré" in capsys.readouterr().out
    call_command("import_protocol", str(SEED))  # the txt brings nothing new
    assert "Aucun changement" in capsys.readouterr().out


def test_scanned_pdf_is_a_clear_error_and_writes_nothing(tmp_path):
    from tests.protocol_import import builders

    path = tmp_path / "scan.pdf"
    path.write_bytes(builders.scanned_pdf())
    with pytest.raises(CommandError, match=r"pas de couche texte.*OCR"):
        call_command("import_protocol", str(path), "--apply")
    assert Contract.objects.count() == 0
