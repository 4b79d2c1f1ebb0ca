import pytest
from bs4 import BeautifulSoup

from tests.accounts.factories import RoleAssignmentFactory
from tests.contracts.factories import ContractFactory


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(node) -> str:
    """The visible text of a node, whitespace collapsed."""
    return " ".join(node.get_text(" ").split())


@pytest.fixture
def contract(db):
    return ContractFactory(is_published=False)


@pytest.fixture
def lead(contract):
    """A chef de projet of `contract`."""
    return RoleAssignmentFactory(contract=contract).user


@pytest.fixture
def as_user(client):
    """`as_user(user)`: the test client, signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
