"""Data migrations of contracts, run on today's models (same names and fields)."""

import importlib

import pytest
from django.apps import apps

from quartiers.accounts.models import Organisation
from tests.contracts.factories import ContractFactory, PartnerFactory

pytestmark = pytest.mark.django_db

mark_the_state = importlib.import_module(
    "quartiers.contracts.migrations.0002_mark_the_state"
).mark_the_state


def test_the_existing_state_is_the_one_the_contracts_partners_point_to():
    impostor = Organisation.objects.create(name="État", acronym="ETAT", kind="state")
    state = Organisation.objects.create(name="État", acronym="ETAT", kind="state")
    for contract in ContractFactory.create_batch(2):
        PartnerFactory(contract=contract, code="ETAT", kind="state", organisation=state)
    mark_the_state(apps, None)
    assert list(Organisation.objects.filter(is_state=True)) == [state]
    impostor.refresh_from_db()
    assert not impostor.is_state


def test_without_partners_the_oldest_imported_state_is_marked():
    Organisation.objects.create(name="Association", kind="state")
    state = Organisation.objects.create(name="État", acronym="ETAT", kind="state")
    Organisation.objects.create(name="État", acronym="ETAT", kind="state")
    mark_the_state(apps, None)
    assert list(Organisation.objects.filter(is_state=True)) == [state]


fill_subjects = importlib.import_module(
    "quartiers.contracts.migrations.0006_fill_import_warning_subject"
).fill_subjects


def _warning(contract, code, message, line=None):
    from quartiers.contracts.models import ImportWarning, SourceDocument

    document, _ = SourceDocument.objects.get_or_create(
        sha256="b" * 64, defaults={"name": "p.docx", "format": "docx"}
    )
    return ImportWarning.objects.create(
        contract=contract, source_document=document, code=code, message=message, line=line
    )


def test_older_warnings_get_the_subject_their_text_and_line_named():
    from quartiers.contracts.models import UNKNOWN_ACRONYM, UNKNOWN_ACRONYM_MESSAGE
    from tests.contracts.factories import EngagementFactory

    contract, other = ContractFactory(), ContractFactory()
    partner = PartnerFactory(contract=contract, code="ASSOQ", name="")
    PartnerFactory(contract=other, code="ASSOQ")
    EngagementFactory(contract=contract, number=3, source_line=40)
    latest = EngagementFactory(contract=contract, number=4, source_line=40)
    EngagementFactory(contract=other, number=9, source_line=41)
    unnamed = _warning(contract, UNKNOWN_ACRONYM, UNKNOWN_ACRONYM_MESSAGE.format(code="ASSOQ"))
    reworded = _warning(contract, UNKNOWN_ACRONYM, "Sigle inconnu : ASSOQ.")
    mark = _warning(contract, "mark_unrecognised", "Marque « ? » non reconnue.", line=40)
    elsewhere = _warning(contract, "extra_cells", "Cellules hors colonnes ignorées : a.", line=41)
    other_kind = _warning(contract, "role_inferred", "X est lu comme chef de file.", line=40)

    fill_subjects(apps, None)

    for warning in (unnamed, reworded, mark, elsewhere, other_kind):
        warning.refresh_from_db()
    assert (unnamed.partner, unnamed.engagement) == (partner, None)
    assert (mark.partner, mark.engagement) == (None, latest)
    assert reworded.partner is None and elsewhere.engagement is None
    assert (other_kind.partner, other_kind.engagement) == (None, None)
