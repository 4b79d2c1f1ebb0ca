"""`load_demo`: a dry run writes nothing; `--apply` loads the contract, the programming and
the people, and says so."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from quartiers.accounts.models import User
from quartiers.contracts.models import Contract
from quartiers.demo.calendar import DemoCalendar

pytestmark = pytest.mark.django_db


def test_a_dry_run_writes_nothing(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "17 engagements" in out and "à charger" in out
    assert "Essai à blanc" in out
    assert not Contract.objects.exists() and not User.objects.exists()


def test_load_demo(capsys):
    call_command("load_demo", "--apply")
    out = capsys.readouterr().out
    assert "17 engagements" in out and "chargé" in out
    years = DemoCalendar(timezone.localdate()).years
    counts = ", ".join(
        f"{y} ({n} dossiers)" for y, n in zip(years, (18, 20, 20, 16, 7), strict=True)
    )
    assert f"Programmation fictive : {counts}" in out
    assert "Comptes fictifs (mot de passe « quartiers-demo ») :" in out
    assert "cheffe-de-projet@demo.quartiers.invalid — chef·fe de projet" in out
    assert Contract.objects.get().slug == "coeur-de-loriol"
