"""The footer's legal pages: public, reached from every page, honest about what they do not
know (the operator's details come from the settings, never from the code)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


PAGES = ("core:accessibility", "core:legal-notice", "core:personal-data")


@pytest.mark.parametrize("name", PAGES)
def test_a_legal_page_is_public_and_linked_from_the_footer(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    home = client.get("/").content.decode()
    assert f'href="{reverse(name)}"' in home


def test_the_footer_states_the_compliance_status_the_statement_gives(client):
    home = client.get("/").content.decode()
    assert "Accessibilité : non conforme" in home
    statement = text_of(client.get(reverse("core:accessibility")))
    assert "est non conforme avec le référentiel général" in statement
    assert "aucun audit de conformité n’a encore été réalisé" in statement
    assert "axe-core" in statement
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in statement


@pytest.mark.parametrize("name", PAGES)
def test_an_instance_that_names_no_operator_says_so(client, settings, name):
    settings.OPERATOR_NAME = ""
    settings.OPERATOR_EMAIL = ""
    text = text_of(client.get(reverse(name)))
    assert "non renseigné par l’exploitant de cette instance" in text


def test_the_operator_details_come_from_the_settings(client, settings):
    settings.OPERATOR_NAME = "Ville de Loriol-sur-Drôme"
    settings.OPERATOR_EMAIL = "accessibilite@loriol.example"
    settings.HOSTING_PROVIDER = "Hébergeur Exemple, 1 rue du Serveur"
    legal = text_of(client.get(reverse("core:legal-notice")))
    assert "Ville de Loriol-sur-Drôme" in legal
    assert "Hébergeur Exemple, 1 rue du Serveur" in legal
    statement = client.get(reverse("core:accessibility")).content.decode()
    assert 'href="mailto:accessibilite@loriol.example"' in statement
    assert "exploitée par Ville de Loriol-sur-Drôme" in statement


def test_the_personal_data_page_lists_only_strictly_necessary_cookies(client):
    text = text_of(client.get(reverse("core:personal-data")))
    assert "que des cookies strictement nécessaires" in text
    for cookie in ("sessionid", "csrftoken", "messages"):
        assert cookie in text


def test_signing_in_and_using_the_site_sets_only_the_cookies_the_page_lists(client):
    user = UserFactory()
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, follow=True
    )
    assert response.wsgi_request.user == user
    client.get("/")
    assert set(client.cookies) <= {"sessionid", "csrftoken", "messages"}
