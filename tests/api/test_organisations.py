"""Organisations through the API: only those `visible_organisations` allows, 404 otherwise."""

import pytest
from django.urls import reverse

from quartiers.accounts.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def names(response) -> set[str]:
    return {item["name"] for item in response.json()["results"]}


def detail(organisation) -> str:
    return reverse("api:organisation-detail", args=[organisation.pk])


def test_carrier_reads_its_own_organisation_only(client_for, association, other_association):
    client = client_for("carrier")
    assert names(client.get(reverse("api:organisation-list"))) == {association.name}
    response = client.get(detail(association))
    assert response.status_code == 200
    assert response.json()["name"] == association.name
    assert client.get(detail(other_association)).status_code == 404


def test_admins_read_every_organisation(client_for, association, other_association):
    client = client_for("superuser")
    assert names(client.get(reverse("api:organisation-list"))) == {
        association.name,
        other_association.name,
    }
    assert client.get(detail(other_association)).status_code == 200


def test_steering_roles_read_the_organisations_of_their_contracts(
    client_for, association, other_association
):
    client = client_for("project_lead")
    assert names(client.get(reverse("api:organisation-list"))) == {association.name}
    assert client.get(detail(other_association)).status_code == 404


def test_a_lead_of_another_contract_reads_none_of_them(client_for, association):
    client = client_for("lead_elsewhere")
    assert names(client.get(reverse("api:organisation-list"))) == set()
    assert client.get(detail(association)).status_code == 404


@pytest.mark.parametrize("who", ["no_role", "observer"])
def test_people_without_organisation_read_none(client_for, who, association):
    client = client_for(who)
    assert names(client.get(reverse("api:organisation-list"))) == set()
    assert client.get(detail(association)).status_code == 404


def test_membership_without_role_is_enough_for_ones_own(client_for, people, other_association):
    Membership.objects.create(user=people["no_role"], organisation=other_association)
    client = client_for("no_role")
    assert names(client.get(reverse("api:organisation-list"))) == {other_association.name}
    assert client.get(detail(other_association)).status_code == 200


def test_anonymous_is_refused(client, association):
    assert client.get(reverse("api:organisation-list")).status_code == 403
    assert client.get(detail(association)).status_code == 403


def test_unknown_organisation_is_404(client_for, people):
    assert client_for("superuser").get("/api/organisations/999999/").status_code == 404


def test_organisation_list_queries_are_bounded(
    client_for, association, django_assert_max_num_queries
):
    Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {n}", parent=association) for n in range(30)
    )
    client = client_for("superuser")
    # session, user, count, page
    with django_assert_max_num_queries(5):
        response = client.get(reverse("api:organisation-list"))
    assert response.json()["count"] == 31
