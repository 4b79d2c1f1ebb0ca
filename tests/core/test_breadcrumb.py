"""The breadcrumb (`components/breadcrumb.html`): a signed-in person's trail starts at « Mon
espace », their home page; a visitor's at the public list of contracts."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def trail(response) -> list[tuple[str, str | None]]:
    nav = BeautifulSoup(response.content.decode(), "html.parser").find(
        "nav", attrs={"aria-label": "vous êtes ici :"}
    )
    return [(a.get_text(strip=True), a.get("href")) for a in nav.find_all("a")]


def test_a_visitors_trail_starts_at_the_contracts(client, loriol):
    assert trail(client.get(loriol.get_absolute_url())) == [
        ("Contrats", reverse("contracts:contract-list")),
        (loriol.name, None),
    ]


def test_a_signed_in_trail_starts_at_my_space(as_user, loriol, project_lead):
    client = as_user(project_lead)
    home = reverse("workspace:home")
    assert trail(client.get(loriol.get_absolute_url())) == [
        ("Mon espace", home),
        ("Contrats", reverse("contracts:contract-list")),
        (loriol.name, None),
    ]
    assert trail(client.get(reverse("contracts:contract-list"))) == [
        ("Mon espace", home),
        ("Contrats", None),
    ]


def test_my_space_does_not_repeat_itself(as_user):
    assert trail(as_user(UserFactory()).get(reverse("workspace:home"))) == [("Mon espace", None)]
