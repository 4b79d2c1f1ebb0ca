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


def test_json_follows_the_schema(capsys):
    call_command("import_protocol", str(SEED), "--json")
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {
        "document",
        "contract",
        "pillars",
        "priorities",
        "governance_bodies",
        "partners",
        "glossary",
        "contributions",
        "engagements",
        "warnings",
    }
    assert set(payload["document"]) == {"name", "sha256", "title"}
    assert payload["contract"]["signed_on"] == "2015-07-01"
    assert payload["contract"]["ends_on"] == "2022-12-31"
    assert len(payload["engagements"]) == 17
    assert all(set(e["source"]) == {"line"} for e in payload["engagements"])
    roles = {r["role"] for e in payload["engagements"] for r in e["roles"]}
    assert roles == {"lead", "associate", "unspecified"}
    assert {"code": "ETAT", "name": "État"} in payload["partners"]
    assert Contract.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_protocol", str(tmp_path / "absent.txt"))


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\x00\x00garbage")
    with pytest.raises(CommandError, match="octets nuls"):
        call_command("import_protocol", str(path))


def test_load_demo(capsys):
    call_command("load_demo", "--apply")
    out = capsys.readouterr().out
    assert "17 engagements" in out
    assert "Programmation fictive : 2020 (" in out
    assert Contract.objects.get().slug == "coeur-de-loriol"


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
