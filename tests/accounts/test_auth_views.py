"""Sign-in by e-mail, sign-out, passwords, login throttling and the header's tools."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quartiers.accounts import services
from tests.accounts.conftest import soup, text_of
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-mot-de-passe-solide"


def link_in(message) -> str:
    return urlsplit(re.search(r"https?://\S+", message.body).group(0)).path


def set_password(client, link, password=NEW_PASSWORD):
    response = client.get(link, follow=True)
    assert response.context["validlink"]
    return client.post(
        response.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_urls_are_lowercase_french():
    assert reverse("accounts:login") == "/connexion/"
    assert reverse("accounts:logout") == "/deconnexion/"
    assert reverse("accounts:my-account") == "/mon-compte/"
    assert reverse("accounts:password-reset") == "/mot-de-passe/oublie/"
    assert reverse("access:organisation-list") == "/organisations/"
    assert reverse("access:organisation-detail", kwargs={"pk": 3}) == "/organisations/3/"
    assert reverse("access:contract-roles", kwargs={"slug": "x"}) == "/contrats/x/roles/"


def test_login_page(client):
    response = client.get("/connexion/")
    page = soup(response)
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == ["Connexion"]
    assert page.find("input", attrs={"name": "username", "type": "email"})
    assert page.find("a", href="/mot-de-passe/oublie/")
    assertNotContains(response, "ProConnect")


@override_settings(OIDC_ENABLED=True)
def test_login_page_offers_proconnect_when_enabled(client):
    page = soup(client.get("/connexion/"))
    link = page.find("a", string=re.compile("Se connecter avec ProConnect"))
    assert link["href"] == reverse("oidc-login")


def test_login_with_email_whatever_its_case(client):
    user = UserFactory(email="camille@example.org")
    response = client.post("/connexion/", {"username": "Camille@Example.org", "password": PASSWORD})
    assertRedirects(response, "/")  # « Mon espace »
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_follows_next(client):
    UserFactory(email="camille@example.org")
    response = client.post(
        "/connexion/?next=/organisations/",
        {"username": "camille@example.org", "password": PASSWORD},
    )
    assertRedirects(response, "/organisations/")


def test_login_with_a_wrong_password_says_so_in_french(client):
    UserFactory(email="camille@example.org")
    response = client.post("/connexion/", {"username": "camille@example.org", "password": "x"})
    assert response.status_code == 200
    assertContains(response, "Adresse électronique ou mot de passe incorrect.")
    assert "_auth_user_id" not in client.session


def test_signed_in_people_are_sent_from_the_login_page_to_their_space(client):
    client.force_login(UserFactory())
    assertRedirects(client.get("/connexion/"), "/")


def test_private_pages_send_anonymous_people_to_the_login_page(client):
    assertRedirects(client.get("/mon-compte/"), "/connexion/?next=/mon-compte/")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_login_is_locked_after_repeated_failures(client):
    UserFactory(email="camille@example.org")
    statuses = [
        client.post("/connexion/", {"username": "camille@example.org", "password": "x"}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    response = client.post("/connexion/", {"username": "camille@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assertContains(response, "Connexion bloquée", status_code=429)
    assertContains(response, "15 minutes", status_code=429)
    assertContains(response, 'href="/mot-de-passe/oublie/"', status_code=429)
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=2)
def test_choosing_a_new_password_lifts_the_lock(client):
    UserFactory(email="camille@example.org")
    for _ in range(2):
        client.post("/connexion/", {"username": "camille@example.org", "password": "x"})
    client.post("/mot-de-passe/oublie/", {"email": "camille@example.org"})
    set_password(client, link_in(mail.outbox[0]))
    response = client.post(
        "/connexion/", {"username": "camille@example.org", "password": NEW_PASSWORD}
    )
    assertRedirects(response, "/")


def test_logout_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get("/deconnexion/").status_code == 405
    assertRedirects(client.post("/deconnexion/"), "/")
    assert "_auth_user_id" not in client.session


def test_logout_without_a_session_goes_home(client):
    assertRedirects(client.post("/deconnexion/"), "/")


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="camille@example.org")
    response = client.post("/mot-de-passe/oublie/", {"email": "Camille@example.org"})
    assertRedirects(response, "/mot-de-passe/oublie/envoye/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "quartiers : choisir un nouveau mot de passe"
    assert "camille@example.org" in message.body
    response = set_password(client, link_in(message))
    assertRedirects(response, "/mot-de-passe/choisi/")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_of_an_unknown_address_sends_nothing_and_says_nothing(client):
    response = client.post("/mot-de-passe/oublie/", {"email": "personne@example.org"})
    assertRedirects(response, "/mot-de-passe/oublie/envoye/")
    assert mail.outbox == []


def test_password_reset_of_an_inactive_account_sends_nothing(client):
    UserFactory(email="ancien@example.org", is_active=False)
    client.post("/mot-de-passe/oublie/", {"email": "ancien@example.org"})
    assert mail.outbox == []


def test_an_invited_person_whose_link_expired_can_ask_for_another(client):
    UserFactory(email="invitee@example.org", invited=True)
    client.post("/mot-de-passe/oublie/", {"email": "invitee@example.org"})
    assert len(mail.outbox) == 1


def test_invitation_link_opens_the_page_to_choose_a_password(client):
    services.invite_user(email="invitee@example.org", by=UserFactory())
    response = client.get(link_in(mail.outbox[0]), follow=True)
    page = soup(response)
    assert page.find("h1").get_text(strip=True) == "Choisir un mot de passe"
    assert "invitee@example.org" in text_of(page.find("main"))


def test_a_wrong_link_says_it_is_no_longer_valid(client):
    response = client.get("/mot-de-passe/choisir/MQ/abc-def/")
    assertContains(response, "Ce lien n’est plus valide")
    assert "form" not in response.context or not response.context["form"]


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/mon-compte/mot-de-passe/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assertRedirects(response, "/mon-compte/")
    assertContains(response, "Votre mot de passe a été modifié.")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "_auth_user_id" in client.session  # still signed in


def test_password_change_with_a_wrong_old_password(client):
    client.force_login(UserFactory())
    response = client.post(
        "/mon-compte/mot-de-passe/",
        {"old_password": "x", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]


def header_tools(response) -> list[str]:
    tools = soup(response).select_one(".fr-header__tools-links")
    return [text_of(item) for item in tools.find_all(["a", "button"])]


def test_header_when_anonymous(client):
    response = client.get("/")
    assert header_tools(response) == ["Se connecter"]
    assert soup(response).select_one(".fr-header__tools-links a")["href"] == "/connexion/"


def test_header_when_signed_in(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert header_tools(response) == ["Notifications", "Mon compte", "Se déconnecter"]
    form = soup(response).select_one(".fr-header__tools-links form")
    assert (form["method"], form["action"]) == ("post", "/deconnexion/")
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})


def test_header_for_an_administrator(client):
    client.force_login(UserFactory(admin=True))
    response = client.get("/")
    assert header_tools(response) == [
        "Administration",
        "Notifications",
        "Mon compte",
        "Se déconnecter",
    ]
    assert soup(response).find("a", string="Administration")["href"] == "/admin/"
