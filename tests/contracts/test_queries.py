"""The pages run a fixed number of queries, whatever the number of rows."""

import pytest
from django.urls import reverse

from quartiers.contracts.enums import Role
from tests.contracts.conftest import shown_engagements
from tests.contracts.factories import (
    ContractFactory,
    EngagementFactory,
    EngagementRoleFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db


def _grow(contract):
    """Add engagements, partners (with a State service) and roles to `contract`."""
    pillar = contract.pillars.first()
    state = contract.partners.get(code="ETAT")
    caf = contract.partners.get(code="CAF")
    service = PartnerFactory(contract=contract, parent=state, state_service=True)
    other = PartnerFactory(contract=contract)
    start = contract.engagements.count() + 1
    for number in range(start, start + 20):
        engagement = EngagementFactory(contract=contract, pillar=pillar, number=number)
        EngagementRoleFactory(engagement=engagement, partner=state, service=service)
        EngagementRoleFactory(engagement=engagement, partner=caf, associate=True)
        EngagementRoleFactory(engagement=engagement, partner=other, role=Role.UNSPECIFIED)
        EngagementRoleFactory(engagement=engagement, partner=service)
    ContractFactory.create_batch(3)


# Expected queries per page (the contract is read with its EPCI and end date in one query).
PAGES = {
    # contracts
    "contract-list": 1,
    # contract, communes, QPV, amendments, pillars, themes, thematic and transversal
    # priorities, governance, partners, services, signatories (import warnings: reviewers only)
    "contract-detail": 12,
    # contract, total, form choices (pillars, themes, partners), partners, engagements, roles
    "matrix": 8,
    # contract, partner, services, roles, contributions
    "partner-detail": 5,
}


def _url(name, contract):
    if name == "contract-list":
        return reverse("contracts:contract-list")
    if name == "partner-detail":
        return reverse("contracts:partner-detail", args=[contract.slug, "CAF"])
    return reverse(f"contracts:{name}", kwargs={"slug": contract.slug})


@pytest.mark.parametrize("name", PAGES)
def test_queries_do_not_grow_with_rows(client, loriol, django_assert_num_queries, name):
    url = _url(name, loriol)
    with django_assert_num_queries(PAGES[name]):
        assert client.get(url).status_code == 200
    _grow(loriol)
    with django_assert_num_queries(PAGES[name]):
        assert client.get(url).status_code == 200


def test_filtered_matrix_queries(client, loriol, django_assert_num_queries):
    url = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    pillar = loriol.pillars.get(engagements__roles__partner__code="CAF", engagements__number=5)
    params = {"partner": "CAF", "role": "lead", "pillar": pillar.pk, "q": "e"}
    # + one query for each model choice checked (partner, pillar)
    with django_assert_num_queries(PAGES["matrix"] + 2):
        response = client.get(url, params)
    assert shown_engagements(response)
    _grow(loriol)
    with django_assert_num_queries(PAGES["matrix"] + 2):
        client.get(url, params)


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_export_queries(client, loriol, django_assert_num_queries, fmt):
    url = reverse("contracts:matrix-export", kwargs={"slug": loriol.slug, "fmt": fmt})
    # contract, partners, engagements, roles
    with django_assert_num_queries(4):
        client.get(url)
    _grow(loriol)
    with django_assert_num_queries(4):
        client.get(url)


@pytest.mark.parametrize(("name", "count"), [("glossary", 3), ("source-document", 3)])
def test_small_pages_queries(client, loriol, django_assert_num_queries, name, count):
    with django_assert_num_queries(count):
        client.get(_url(name, loriol))
