"""Contracts through the API: who sees what, the matrix and its filters, query counts."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from quartiers.access.enums import ContractRole
from quartiers.access.permissions import can_view_contract, visible_contracts
from quartiers.access.services import grant_role
from quartiers.contracts.enums import Role
from quartiers.contracts.models import Contract
from tests.api.conftest import SEES_DRAFT
from tests.contracts.conftest import shown_engagements
from tests.contracts.factories import (
    ContractFactory,
    EngagementFactory,
    EngagementRoleFactory,
    PartnerFactory,
    PillarFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response) -> set[str]:
    return {item["slug"] for item in response.json()["results"]}


@pytest.mark.parametrize(("who", "sees_draft"), SEES_DRAFT.items())
def test_list_shows_published_and_draft_only_to_people_involved(
    client_for, published, who, sees_draft
):
    response = client_for(who).get(reverse("api:contract-list"))
    assert response.status_code == 200
    assert "publie" in slugs(response)
    assert ("brouillon" in slugs(response)) is sees_draft
    assert ("ailleurs" in slugs(response)) is (who in {"lead_elsewhere", "superuser"})


@pytest.mark.parametrize(("who", "sees_draft"), SEES_DRAFT.items())
@pytest.mark.parametrize("name", ["api:contract-detail", "api:contract-engagements"])
def test_draft_detail_is_404_unless_involved(client_for, published, who, sees_draft, name):
    client = client_for(who)
    assert client.get(reverse(name, args=["publie"])).status_code == 200
    assert client.get(reverse(name, args=["brouillon"])).status_code == (200 if sees_draft else 404)
    assert client.get(reverse(name, args=["inconnu"])).status_code == 404


@pytest.mark.parametrize("who", SEES_DRAFT)
def test_visible_contracts_is_can_view_contract_as_a_filter(people, published, draft, who):
    user = people[who] or AnonymousUser()
    ContractFactory.create_batch(2, is_published=True)
    expected = {c.slug for c in Contract.objects.all() if can_view_contract(user, c)}
    assert {c.slug for c in visible_contracts(user)} == expected
    assert {c.slug for c in visible_contracts(user, Contract.objects.filter(slug="brouillon"))} == (
        {"brouillon"} if SEES_DRAFT[who] else set()
    )


def test_inactive_superuser_sees_only_published(client, people, published, draft):
    admin = people["superuser"]
    admin.is_active = False
    admin.save()
    assert set(visible_contracts(admin)) == {published}


def test_writes_are_refused(client_for, published):
    client = client_for("superuser")
    url = reverse("api:contract-detail", args=["publie"])
    assert client.post(reverse("api:contract-list"), {}).status_code in {403, 405}
    assert client.put(url, {}, content_type="application/json").status_code in {403, 405}
    assert client.delete(url).status_code in {403, 405}


def test_detail_content(client, published):
    pillar = PillarFactory(contract=published, name="Emploi", position=1)
    ThemeFactory(pillar=pillar, name="Insertion", position=0)
    state = PartnerFactory(contract=published, state=True)
    PartnerFactory(contract=published, code="ARS", parent=state, state_service=True)
    published.priorities.create(kind="thematic", label="Santé", position=1)

    data = client.get(reverse("api:contract-detail", args=[published.slug])).json()

    assert data["name"] == published.name
    assert data["period"] == {
        "signed_on": "2024-06-01",
        "starts_on": "2024-01-01",
        "ends_on": "2030-12-31",
        "ends_on_effective": "2030-12-31",
    }
    assert data["html_url"] == f"http://testserver/contrats/{published.slug}/"
    assert data["pillars"] == [
        {"name": "Emploi", "position": 1, "themes": [{"name": "Insertion", "position": 0}]}
    ]
    assert data["priorities"] == [
        {"kind": "thematic", "label": "Santé", "details": "", "position": 1}
    ]
    assert [(p["code"], p["parent"]) for p in data["partners"]] == [("ETAT", None), ("ARS", "ETAT")]


def test_effective_end_follows_amendments(client):
    contract = ContractFactory(is_published=True, prolonged=True)
    data = client.get(reverse("api:contract-detail", args=[contract.slug])).json()
    assert data["period"]["ends_on"] == "2030-12-31"
    assert data["period"]["ends_on_effective"] == "2032-12-31"


@pytest.fixture
def grid(published):
    """ETAT (with its ARS service) and CAF as columns, MAIRIE outside the grid."""
    state = PartnerFactory(contract=published, state=True, position=0)
    caf = PartnerFactory(contract=published, code="CAF", column=True, position=1)
    ars = PartnerFactory(contract=published, code="ARS", parent=state, state_service=True)
    mairie = PartnerFactory(contract=published, code="MAIRIE", position=2)
    pillar = PillarFactory(contract=published, name="Santé")
    first, second, third = (
        EngagementFactory(contract=published, pillar=pillar, number=n) for n in (1, 2, 3)
    )
    EngagementRoleFactory(engagement=first, partner=state, service=ars)
    EngagementRoleFactory(engagement=first, partner=caf, associate=True)
    EngagementRoleFactory(engagement=second, partner=caf)
    EngagementRoleFactory(engagement=second, partner=mairie, unspecified=True)
    EngagementRoleFactory(engagement=third, partner=ars, associate=True)
    return published


def test_engagements_have_the_shape_of_the_matrix(client, grid):
    data = client.get(reverse("api:contract-engagements", args=[grid.slug])).json()
    assert data["count"] == 3
    assert [c["code"] for c in data["columns"]] == ["ETAT", "CAF"]
    first, second, third = data["rows"]
    assert first["number"] == 1
    assert first["pillar"] == "Santé"
    assert first["theme"] is None
    assert first["cells"] == [
        [{"partner": "ETAT", "role": "lead", "role_label": "Chef de file", "service": "ARS"}],
        [{"partner": "CAF", "role": "associate", "role_label": "Associé", "service": ""}],
    ]
    assert second["others"] == [
        {
            "partner": "MAIRIE",
            "role": "unspecified",
            "role_label": "Rôle non précisé",
            "service": "",
        }
    ]
    # A role of a State service goes to the State's column, naming the service.
    assert third["cells"][0] == [
        {"partner": "ARS", "role": "associate", "role_label": "Associé", "service": "ARS"}
    ]


@pytest.mark.parametrize(
    ("params", "numbers"),
    [
        ({"partner": "CAF"}, [1, 2]),
        ({"partner": "CAF", "role": "lead"}, [2]),
        ({"partner": "CAF", "role": "associate"}, [1]),
        ({"partner": "ETAT"}, [1, 3]),  # the State, through its ARS service too
        ({"partner": "ARS"}, [1, 3]),
        ({"partner": "MAIRIE", "role": "lead"}, []),
        ({"role": "unspecified"}, [2]),
    ],
)
def test_engagements_filtered_by_partner_and_role(client, grid, params, numbers):
    response = client.get(reverse("api:contract-engagements", args=[grid.slug]), params)
    assert [row["number"] for row in response.json()["rows"]] == numbers


@pytest.mark.parametrize("params", [{"partner": "INCONNU"}, {"role": "boss"}, {"pillar": "x"}])
def test_unknown_filter_values_are_400(client, grid, params):
    response = client.get(reverse("api:contract-engagements", args=[grid.slug]), params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_engagements_match_the_matrix_page(admin_client, loriol):
    params = {"partner": "CAF", "role": Role.LEAD}
    api = admin_client.get(reverse("api:contract-engagements", args=[loriol.slug]), params)
    page = admin_client.get(reverse("contracts:matrix", args=[loriol.slug]), params)
    numbers = [row["number"] for row in api.json()["rows"]]
    assert numbers
    assert numbers == shown_engagements(page)


def _grow_contracts(user):
    for contract in ContractFactory.create_batch(5, prolonged=True):
        grant_role(contract=contract, user=user, role=ContractRole.OBSERVER, by=None)
        EngagementFactory.create_batch(3, contract=contract)
    ContractFactory.create_batch(5, is_published=True)


@pytest.mark.parametrize("who", ["anonymous", "project_lead", "superuser"])
def test_contract_list_queries_are_bounded(client_for, people, who, django_assert_max_num_queries):
    client = client_for(who)
    url = reverse("api:contract-list")
    # session and user (signed in), count, page
    with django_assert_max_num_queries(4):
        first = client.get(url)
    _grow_contracts(people["project_lead"])
    with django_assert_max_num_queries(4):
        second = client.get(url)
    assert len(second.json()["results"]) > len(first.json()["results"])


def test_detail_and_matrix_queries_do_not_grow(client, loriol, django_assert_max_num_queries):
    loriol.is_published = True
    loriol.save()
    # contract, pillars, themes, priorities, partners
    with django_assert_max_num_queries(5):
        assert client.get(reverse("api:contract-detail", args=[loriol.slug])).status_code == 200
    # contract, partners, engagements, roles; + the checked partner choice
    url = reverse("api:contract-engagements", args=[loriol.slug])
    with django_assert_max_num_queries(5):
        assert client.get(url, {"partner": "CAF"}).status_code == 200
