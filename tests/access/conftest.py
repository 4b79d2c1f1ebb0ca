import pytest

from tests.access.factories import RoleAssignmentFactory
from tests.contracts.factories import ContractFactory


@pytest.fixture
def contract(db):
    return ContractFactory(is_published=False)


@pytest.fixture
def lead(contract):
    """A chef de projet of `contract`."""
    return RoleAssignmentFactory(contract=contract).user
