"""Read helpers of the contract models."""

import datetime

import pytest

from quartiers.contracts.models import Contract
from quartiers.contracts.services import effective_end
from tests.contracts.factories import AmendmentFactory, ContractFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("ends_on", "amendment_ends_on", "expected"),
    [
        (D(2030, 12, 31), D(2032, 12, 31), D(2032, 12, 31)),
        (D(2030, 12, 31), D(2029, 6, 30), D(2030, 12, 31)),
        (None, D(2032, 12, 31), D(2032, 12, 31)),
        (D(2030, 12, 31), None, D(2030, 12, 31)),
        (None, None, None),
    ],
)
def test_effective_end_in_python_and_in_sql(ends_on, amendment_ends_on, expected):
    contract = ContractFactory(ends_on=ends_on)
    if amendment_ends_on:
        AmendmentFactory(contract=contract, ends_on=amendment_ends_on)
    assert effective_end(contract) == expected
    assert effective_end(Contract.objects.with_end().get(pk=contract.pk)) == expected


def test_engagement_count_annotation():
    contract = ContractFactory()
    ContractFactory()
    counts = dict(Contract.objects.with_engagement_count().values_list("pk", "engagement_count"))
    assert counts[contract.pk] == 0
