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
