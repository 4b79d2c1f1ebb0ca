"""Sign-in lockout keyed on the real client behind the proxy, the per-address throttle over
many accounts, and the rate limits of password resets."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, override_settings
from pytest_django.asserts import assertContains

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NGINX = "10.0.0.1"
ATTACKER, REAL_USER = "203.0.113.5", "198.51.100.7"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def browser(forwarded=None, remote=NGINX):
    """A client reaching gunicorn through nginx, which appended `forwarded`."""
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**headers)


def sign_in(client, email, password="mauvais"):
    return client.post("/connexion/", {"username": email, "password": password})


@override_settings(TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=3)
def test_behind_the_proxy_an_attacker_locks_the_account_for_himself_only():
    UserFactory(email="camille@example.org")
    attacker = browser(ATTACKER)
    assert [sign_in(attacker, "camille@example.org").status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    assert sign_in(attacker, "camille@example.org", PASSWORD).status_code == 429
    # Camille, from her own address through the same nginx, is not locked out.
    camille = browser(REAL_USER)
    assert sign_in(camille, "camille@example.org", PASSWORD).status_code == 302
    assert SESSION_KEY in camille.session


@override_settings(TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=3)
def test_behind_the_proxy_a_forged_entry_does_not_escape_the_lock():
    UserFactory(email="camille@example.org")
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3"]:
        sign_in(browser(f"{forged}, {ATTACKER}"), "camille@example.org")
    assert sign_in(browser(f"4.4.4.4, {ATTACKER}"), "camille@example.org").status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=0, AXES_FAILURE_LIMIT=3)
def test_without_trusted_proxy_a_forged_header_does_not_change_the_key():
    UserFactory(email="camille@example.org")
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3"]:
        sign_in(browser(forged, remote=ATTACKER), "camille@example.org")
    response = sign_in(browser("4.4.4.4", remote=ATTACKER), "camille@example.org", PASSWORD)
    assert response.status_code == 429
    assert sign_in(browser(remote=REAL_USER), "camille@example.org", PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1, LOGIN_FAILURES_PER_ADDRESS=(4, 900))
def test_an_address_failing_over_many_accounts_is_refused_without_locking_them():
    emails = [UserFactory(email=f"personne{i}@example.org").email for i in range(5)]
    attacker = browser(ATTACKER)
    with time_machine.travel(START, tick=False) as clock:
        assert [sign_in(attacker, email).status_code for email in emails[:4]] == [200] * 4
        # Even the right password of another account is not checked any more.
        response = sign_in(attacker, emails[4], PASSWORD)
        assertContains(response, "Trop de demandes", status_code=429)
        assertContains(
            response,
            "Trop de tentatives de connexion ont échoué depuis votre adresse",
            status_code=429,
        )
        assertContains(response, "Réessayez dans 15 minutes", status_code=429)
        assert response["Retry-After"] == "900"
        assert SESSION_KEY not in attacker.session
        # The accounts are not locked for their owners.
        for email in emails:
            assert sign_in(browser(REAL_USER), email, PASSWORD).status_code == 302
        # 15 minutes later, the address may try again.
        clock.shift(timedelta(minutes=15, seconds=1))
        assert sign_in(attacker, emails[4], PASSWORD).status_code == 302


@override_settings(LOGIN_FAILURES_PER_ADDRESS=(2, 900))
def test_successful_sign_ins_do_not_count_against_the_address():
    user = UserFactory()
    for _ in range(5):
        assert sign_in(Client(), user.email, PASSWORD).status_code == 302


@override_settings(LOGIN_FAILURES_PER_ADDRESS=(2, 900))
def test_the_admin_sign_in_page_is_throttled_too():
    admin = UserFactory(admin=True)
    client = Client()
    for _ in range(2):
        client.post("/admin/login/", {"username": "x@example.org", "password": "mauvais"})
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assertContains(response, "Trop de tentatives de connexion ont échoué")
    assert SESSION_KEY not in client.session


# --- password reset ------------------------------------------------------------------


def ask_reset(client, email):
    return client.post("/mot-de-passe/oublie/", {"email": email})


@override_settings(TRUSTED_PROXY_COUNT=1, PASSWORD_RESETS_PER_ADDRESS=(3, 3600))
def test_password_resets_are_limited_per_address():
    emails = [UserFactory(email=f"p{i}@example.org").email for i in range(4)]
    with time_machine.travel(START, tick=False) as clock:
        for email in emails[:3]:
            assert ask_reset(browser(ATTACKER), email).status_code == 302
        response = ask_reset(browser(ATTACKER), emails[3])
        assertContains(
            response,
            "Trop de demandes de nouveau mot de passe depuis votre adresse",
            status_code=429,
        )
        assertContains(response, "Réessayez dans 60 minutes", status_code=429)
        assert len(mail.outbox) == 3
        # Someone else, behind the same proxy, still gets a link.
        assert ask_reset(browser(REAL_USER), emails[3]).status_code == 302
        assert len(mail.outbox) == 4
        clock.shift(timedelta(hours=1, seconds=1))
        assert ask_reset(browser(ATTACKER), emails[3]).status_code == 302
        assert len(mail.outbox) == 5


@override_settings(TRUSTED_PROXY_COUNT=1, PASSWORD_RESETS_PER_EMAIL=(2, 3600))
@pytest.mark.parametrize("exists", [True, False], ids=["account", "no-account"])
def test_password_resets_are_limited_per_email_whether_an_account_has_it_or_not(exists):
    if exists:
        UserFactory(email="camille@example.org")
    with time_machine.travel(START, tick=False) as clock:
        for address in ["1.1.1.1", "2.2.2.2"]:
            assert ask_reset(browser(address), "Camille@example.org ").status_code == 302
        response = ask_reset(browser("3.3.3.3"), "camille@example.org")
        assertContains(response, "pour cette adresse électronique", status_code=429)
        assert len(mail.outbox) == (2 if exists else 0)
        clock.shift(timedelta(hours=1, seconds=1))
        assert ask_reset(browser("3.3.3.3"), "camille@example.org").status_code == 302
        assert len(mail.outbox) == (3 if exists else 0)
