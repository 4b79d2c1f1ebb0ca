import re

import pytest
from django.urls import reverse

from quartiers.access.enums import ContractRole
from quartiers.governance.models import Membership
from quartiers.protocol_import import services as importer
from tests.access.factories import RoleAssignmentFactory
from tests.conftest import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def loriol():
    return importer.apply_import(name=SEED.name, data=SEED.read_bytes()).contract


def _client(client, contract, role):
    client.force_login(RoleAssignmentFactory(contract=contract, role=role).user)
    return client


def _token(html: str) -> str:
    return re.search(r'name="submission_token" value="([^"]+)"', html)[1]


def test_the_contract_page_leads_to_its_bodies_and_each_body(client, loriol):
    client = _client(client, loriol, ContractRole.OBSERVER)

    contract_page = client.get(loriol.get_absolute_url()).content.decode()
    bodies_url = reverse("governance:body-list", args=[loriol.slug])
    assert f'href="{bodies_url}"' in contract_page
    bodies = client.get(bodies_url).content.decode()
    assert "Comité de pilotage" in bodies and "Conseil citoyen" in bodies
    assert reverse("governance:body-detail", args=[loriol.slug, "COPIL"]) in bodies
    assert "Créer l'instance" not in bodies  # an observer reads, no form


def test_the_lead_creates_a_body_then_seats_a_partner_then_removes_it(client, loriol):
    client = _client(client, loriol, ContractRole.PROJECT_LEAD)
    url = reverse("governance:body-list", args=[loriol.slug])
    token = _token(client.get(url).content.decode())

    response = client.post(
        url, {"name": "Revue de projet", "kind": "other", "submission_token": token}
    )
    detail = reverse("governance:body-detail", args=[loriol.slug, "RP"])
    assert response.status_code == 302 and response["Location"] == detail
    replay = client.post(
        url, {"name": "Revue de projet", "kind": "other", "submission_token": token}
    )
    assert replay.status_code == 302 and loriol.bodies.filter(name="Revue de projet").count() == 1

    page = client.get(detail).content.decode()
    caf = loriol.partners.get(code="CAF")
    response = client.post(
        detail,
        {"partner": caf.pk, "role": "chair", "voting": "on", "submission_token": _token(page)},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(body__code="RP", partner=caf)
    assert (membership.role, membership.voting) == ("chair", True)
    page = client.get(detail).content.decode()
    assert "Caisse d" in page and "présidence" in page
    assert f'<option value="{caf.pk}"' not in page  # already seated: not offered again

    remove = reverse("governance:member-remove", args=[loriol.slug, "RP", membership.pk])
    assert client.post(remove).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_bad_form_keeps_what_was_typed_and_says_why_in_french(client, loriol):
    client = _client(client, loriol, ContractRole.PROJECT_LEAD)
    url = reverse("governance:body-list", args=[loriol.slug])
    token = _token(client.get(url).content.decode())

    response = client.post(
        url, {"name": "comité de pilotage", "kind": "steering", "submission_token": token}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "déjà une instance « comité de pilotage »" in page
    assert 'value="comité de pilotage"' in page


@pytest.mark.parametrize(
    "role", [ContractRole.PREFECT_DELEGATE, ContractRole.FUNDER_INSTRUCTOR, ContractRole.CARRIER]
)
def test_other_roles_read_but_may_not_write(client, loriol, role):
    client = _client(client, loriol, role)
    url = reverse("governance:body-detail", args=[loriol.slug, "COPIL"])

    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"partner": loriol.partners.first().pk, "role": "member"}).status_code
        == 403
    )
    assert not Membership.objects.exists()


def test_a_body_of_another_contract_is_not_found(client, loriol):
    from tests.contracts.factories import ContractFactory

    other = ContractFactory()
    client = _client(client, other, ContractRole.PROJECT_LEAD)

    assert (
        client.get(reverse("governance:body-detail", args=[other.slug, "COPIL"])).status_code == 404
    )


def test_the_conseil_citoyen_s_body_leads_to_its_members_page_for_those_who_may_read_it(
    client, loriol
):
    body = loriol.bodies.get(kind="citizen_council")
    url = reverse("governance:body-detail", args=[loriol.slug, body.code])
    council = reverse("participation:council", args=[loriol.slug])
    lead = _client(client, loriol, ContractRole.PROJECT_LEAD)
    assert council in lead.get(url).content.decode()
    carrier = _client(client, loriol, ContractRole.CARRIER)
    assert council not in carrier.get(url).content.decode()
