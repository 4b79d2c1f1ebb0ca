"""People in every situation of the access rules, around one draft and one published contract."""

import pytest

from quartiers.access.enums import ContractRole
from quartiers.access.services import grant_role
from quartiers.accounts.models import Organisation, User
from tests.contracts.factories import ContractFactory

# Who may read the draft (unpublished) contract; everyone reads the published one.
SEES_DRAFT = {
    "anonymous": False,
    "no_role": False,
    "lead_elsewhere": False,
    "project_lead": True,
    "carrier": True,
    "observer": True,
    "superuser": True,
}


@pytest.fixture
def draft(db):
    return ContractFactory(slug="brouillon", is_published=False)


@pytest.fixture
def published(db):
    return ContractFactory(slug="publie", is_published=True)


@pytest.fixture
def elsewhere(db):
    return ContractFactory(slug="ailleurs", is_published=False)


@pytest.fixture
def association(db):
    return Organisation.objects.create(name="Association des Tilleuls", kind="association")


@pytest.fixture
def other_association(db):
    return Organisation.objects.create(name="Club des Peupliers", kind="association")


@pytest.fixture
def people(db, draft, elsewhere, association):
    """One person per situation (None: anonymous)."""
    admin = User.objects.create_superuser("admin@example.org", "mot-de-passe-admin")

    def person(name):
        return User.objects.create_user(f"{name.replace('_', '-')}@example.org", "mot-de-passe")

    lead, carrier, observer = person("project_lead"), person("carrier"), person("observer")
    lead_elsewhere = person("lead_elsewhere")
    grant_role(contract=draft, user=lead, role=ContractRole.PROJECT_LEAD, by=admin)
    grant_role(
        contract=draft,
        user=carrier,
        role=ContractRole.CARRIER,
        organisation=association,
        by=admin,
    )
    grant_role(contract=draft, user=observer, role=ContractRole.OBSERVER, by=admin)
    grant_role(contract=elsewhere, user=lead_elsewhere, role=ContractRole.PROJECT_LEAD, by=admin)
    return {
        "anonymous": None,
        "no_role": person("no_role"),
        "lead_elsewhere": lead_elsewhere,
        "project_lead": lead,
        "carrier": carrier,
        "observer": observer,
        "superuser": admin,
    }


@pytest.fixture
def client_for(client, people):
    """`client_for("carrier")`: the test client, signed in as that person."""

    def sign_in(name):
        if people[name] is not None:
            client.force_login(people[name])
        return client

    return sign_in
