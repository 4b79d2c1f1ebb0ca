"""A small contract built with factories: the pages are not tied to the Loriol protocol."""

import pytest
from django.urls import reverse

from quartiers.contracts.matrix import build_matrix
from quartiers.contracts.models import Engagement
from tests.contracts.conftest import shown_engagements, soup, text_of
from tests.contracts.factories import (
    ContractFactory,
    EngagementFactory,
    EngagementRoleFactory,
    PartnerFactory,
    PillarFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tilleuls():
    contract = ContractFactory(territory="Les Tilleuls", slug="les-tilleuls", prolonged=True)
    state = PartnerFactory(contract=contract, state=True, position=0)
    city = PartnerFactory(contract=contract, code="VILLE", name="Ville", column=True, position=1)
    police = PartnerFactory(
        contract=contract, code="DDSP", parent=state, state_service=True, position=2
    )
    club = PartnerFactory(contract=contract, code="CLUB FOOT", name="Club de football")
    pillar = PillarFactory(contract=contract, name="Tranquillité", position=0)
    first = EngagementFactory(contract=contract, pillar=pillar, number=1)
    second = EngagementFactory(
        contract=contract,
        pillar=pillar,
        number=2,
        text="Ouvrir un city stade",
        themed=True,
        theme__name="Sport",
    )
    EngagementRoleFactory(engagement=first, partner=state, service=police)
    EngagementRoleFactory(engagement=first, partner=city, associate=True)
    EngagementRoleFactory(engagement=second, partner=city)
    EngagementRoleFactory(engagement=second, partner=club, unspecified=True)
    return contract


def test_list_and_detail(client, tilleuls):
    response = client.get(reverse("contracts:contract-list"))
    assert text_of(soup(response).find("tbody")) == (
        f"Contrat de ville « Les Tilleuls » Les Tilleuls {tilleuls.epci.name} 2024–2032 2"
    )
    page = soup(client.get(tilleuls.get_absolute_url()))
    assert page.h1.get_text(strip=True) == "Contrat de ville « Les Tilleuls »"
    assert "nouvelle fin : 31 décembre 2032" in text_of(page)
    assert not page.find("a", href=f"/contrats/{tilleuls.slug}/document/")  # no source


def test_matrix(client, tilleuls):
    response = client.get(reverse("contracts:matrix", kwargs={"slug": tilleuls.slug}))
    page = soup(response)
    assert [th.get_text(strip=True) for th in page.select("thead th")] == [
        "Engagement",
        "ETAT",
        "VILLE",
        "Autres",
    ]
    first = [text_of(td) for td in page.find("tr", id="engagement-1").find_all("td")]
    assert first == ["Chef de file · DDSP", "Associé", ""]
    second = [text_of(td) for td in page.find("tr", id="engagement-2").find_all("td")]
    assert second == ["", "Chef de file", "CLUB FOOT Rôle non précisé"]


def test_matrix_filtered_on_a_state_service_and_on_a_partner_with_a_space(client, tilleuls):
    url = reverse("contracts:matrix", kwargs={"slug": tilleuls.slug})
    assert shown_engagements(client.get(url, {"partner": "DDSP"})) == [1]
    assert shown_engagements(client.get(url, {"partner": "ETAT"})) == [1]
    assert shown_engagements(client.get(url, {"partner": "CLUB FOOT"})) == [2]
    assert shown_engagements(client.get(url, {"partner": "VILLE", "role": "associate"})) == [1]
    assert shown_engagements(client.get(url, {"q": "city"})) == [2]


def test_partner_pages(client, tilleuls):
    url = reverse("contracts:partner-detail", args=[tilleuls.slug, "CLUB FOOT"])
    assert url == f"/contrats/{tilleuls.slug}/partenaires/CLUB%20FOOT/"
    page = soup(client.get(url))
    assert page.h1.get_text(strip=True) == "Club de football (CLUB FOOT)"
    assert len(page.select("main table tbody tr")) == 1
    page = soup(client.get(reverse("contracts:partner-detail", args=[tilleuls.slug, "DDSP"])))
    assert text_of(page.select_one("main table tbody tr")).endswith("Chef de file DDSP")


def test_export(client, tilleuls):
    url = reverse("contracts:matrix-export", kwargs={"slug": tilleuls.slug, "fmt": "csv"})
    lines = client.get(url).content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Numéro;Pilier;Thème;Engagement;ETAT;VILLE;Autres partenaires;Ligne source"
    assert (
        lines[2]
        == "2;Tranquillité;Sport;Ouvrir un city stade;;Chef de file;CLUB FOOT : Rôle non précisé;"
    )


def test_a_service_named_as_partner_goes_to_its_parent_column(tilleuls):
    state = tilleuls.partners.get(code="ETAT")
    police = tilleuls.partners.get(code="DDSP")
    engagement = EngagementFactory(contract=tilleuls, pillar=tilleuls.pillars.get(), number=3)
    EngagementRoleFactory(engagement=engagement, partner=police)
    matrix = build_matrix(
        partners=tilleuls.partners.all(),
        engagements=Engagement.objects.filter(number=3, contract=tilleuls).with_grid(),
    )
    [row] = matrix.rows
    [mark] = row.cells[matrix.columns.index(state)]
    assert (mark.partner, mark.service, mark.text) == ("DDSP", "DDSP", "Chef de file · DDSP")
    assert row.others == []


def test_pages_of_two_contracts_do_not_mix(client, tilleuls, loriol):
    response = client.get(reverse("contracts:matrix", kwargs={"slug": tilleuls.slug}))
    assert shown_engagements(response) == [1, 2]
    url = reverse("contracts:partner-detail", args=[tilleuls.slug, "CAF"])
    assert client.get(url).status_code == 404
