"""`quartiers verify_draw`: re-runs a recorded draw, or a draw from a file."""

import pytest
from django.core.management import CommandError, call_command

from quartiers.core import spreadsheets
from quartiers.participation.models import Volunteer
from tests.contracts.factories import ContractFactory
from tests.participation import factories

pytestmark = pytest.mark.django_db


def test_a_recorded_draw_verifies(capsys):
    draw = factories.draw(factories.volunteer_list(ContractFactory()), seed="CMD-1")
    call_command("verify_draw", str(draw.uuid))
    out = capsys.readouterr().out
    assert "Tirage vérifié" in out and draw.list_fingerprint in out


def test_a_changed_list_fails_with_the_reason():
    draw = factories.draw(factories.volunteer_list(ContractFactory()))
    Volunteer.objects.filter(display_name="Emma Petit").update(display_name="Emma Petitjean")
    with pytest.raises(CommandError, match="empreinte de la liste ne correspond plus"):
        call_command("verify_draw", str(draw.uuid))


def test_an_unknown_draw():
    with pytest.raises(CommandError, match="Aucun tirage"):
        call_command("verify_draw", "pas-un-uuid")


def test_a_draw_from_a_file_gives_the_recorded_result(tmp_path, capsys):
    draw = factories.draw(factories.volunteer_list(ContractFactory()), seats=4, seed="FICHIER")
    rows = [[r.display_name, r.gender, r.email] for r in factories.rows()]
    path = tmp_path / "volontaires.xlsx"
    path.write_bytes(spreadsheets.to_xlsx(["nom", "genre", "e-mail"], rows, title="v"))
    call_command("verify_draw", liste=str(path), graine="FICHIER", sieges=4)
    out = capsys.readouterr().out
    assert f"Empreinte de la liste : {draw.list_fingerprint}" in out
    for entry in draw.entries.filter(seated=True).select_related("volunteer"):
        assert (
            f"{entry.gender} {entry.rank} : {entry.volunteer.display_name} (tiré·e au sort)" in out
        )


def test_a_file_without_parity_is_refused(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("nom;genre\nA;femme\nB;femme\nC;homme\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ne permet pas un tirage paritaire"):
        call_command("verify_draw", liste=str(path), graine="x", sieges=4)
