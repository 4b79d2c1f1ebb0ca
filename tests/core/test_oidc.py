"""ProConnect (OpenID Connect) sign-in against a fake provider served by `responses`."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from axes.models import AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory, override_settings
from django.urls import reverse

from quartiers.accounts.models import User
from quartiers.accounts.oidc import ProConnectBackend

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = "https://proconnect.fake/api/v2"
CLIENT_ID = "quartiers-test"
CLIENT_SECRET = "a-client-secret-long-enough-for-hs256-signatures"

enabled = override_settings(
    OIDC_ENABLED=True,
    OIDC_RP_CLIENT_ID=CLIENT_ID,
    OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
    OIDC_OP_AUTHORIZATION_ENDPOINT=f"{PROVIDER}/authorize",
    OIDC_OP_TOKEN_ENDPOINT=f"{PROVIDER}/token",
    OIDC_OP_USER_ENDPOINT=f"{PROVIDER}/userinfo",
    OIDC_OP_JWKS_ENDPOINT=None,
    OIDC_RP_SIGN_ALGO="HS256",
    AUTHENTICATION_BACKENDS=[
        *settings.AUTHENTICATION_BACKENDS,
        "quartiers.accounts.oidc.ProConnectBackend",
    ],
)


@pytest.fixture
def agent(db):
    return User.objects.create_user(
        "agent@prefecture.gouv.fr", "mot-de-passe-local", first_name="", last_name="Ancien"
    )


def signed(claims: dict) -> str:
    now = int(time.time())
    return jwt.encode(
        {"iss": PROVIDER, "aud": CLIENT_ID, "iat": now, "exp": now + 60, **claims},
        CLIENT_SECRET,
        algorithm="HS256",
    )


def start_login(client) -> dict[str, str]:
    """Follow the sign-in link; return the parameters sent to the authorization endpoint."""
    response = client.get(reverse("oidc-login"))
    assert response.status_code == 302
    url = urlsplit(response.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{PROVIDER}/authorize"
    return {key: values[0] for key, values in parse_qs(url.query).items()}


def fake_provider(*, nonce, userinfo, as_jwt=False, id_token_nonce=None):
    """Serve the token and userinfo endpoints; the id_token carries `nonce` (or another)."""
    responses.post(
        f"{PROVIDER}/token",
        json={
            "access_token": "access-token",
            "token_type": "Bearer",
            "expires_in": 60,
            "id_token": signed({"sub": "agent-1", "nonce": id_token_nonce or nonce}),
        },
    )
    if as_jwt:  # what ProConnect does: userinfo as a signed JWT
        responses.get(
            f"{PROVIDER}/userinfo",
            body=signed({"sub": "agent-1", **userinfo}),
            content_type="application/jwt",
        )
    else:
        responses.get(f"{PROVIDER}/userinfo", json={"sub": "agent-1", **userinfo})


CLAIMS = {"email": "Agent@Prefecture.gouv.fr", "given_name": "Camille", "usual_name": "Martin"}


@enabled
def test_login_redirects_to_the_provider_with_state_and_nonce(client):
    params = start_login(client)
    assert params["client_id"] == CLIENT_ID
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == "http://testserver" + reverse("oidc-callback")
    assert set(params["scope"].split()) >= {"openid", "email"}
    assert params["state"] and params["nonce"]
    stored = client.session["oidc_states"][params["state"]]
    assert stored["nonce"] == params["nonce"]


@enabled
@responses.activate
@pytest.mark.parametrize("as_jwt", [False, True])
def test_callback_signs_in_the_invited_person_and_updates_names(client, agent, as_jwt):
    params = start_login(client)
    fake_provider(nonce=params["nonce"], userinfo=CLAIMS, as_jwt=as_jwt)

    response = client.get(reverse("oidc-callback"), {"code": "the-code", "state": params["state"]})

    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session[SESSION_KEY] == str(agent.pk)
    agent.refresh_from_db()
    assert (agent.first_name, agent.last_name) == ("Camille", "Martin")
    # django-axes logs every sign-in, the path telling that this one came through ProConnect.
    logins = AccessLog.objects.filter(username=agent.email, path_info=reverse("oidc-callback"))
    assert logins.count() == 1
    token_request = parse_qs(responses.calls[0].request.body)
    assert token_request["code"] == ["the-code"]
    assert token_request["grant_type"] == ["authorization_code"]
    assert token_request["redirect_uri"] == ["http://testserver" + reverse("oidc-callback")]
    assert responses.calls[1].request.headers["Authorization"] == "Bearer access-token"
    # The session works on the next request (the backend finds the person again).
    assert client.get(reverse("accounts:my-account")).status_code == 200


@enabled
@responses.activate
def test_unknown_email_is_refused_and_no_account_is_created(client, agent):
    params = start_login(client)
    fake_provider(nonce=params["nonce"], userinfo={**CLAIMS, "email": "inconnu@gouv.fr"})

    response = client.get(reverse("oidc-callback"), {"code": "c", "state": params["state"]})

    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL_FAILURE)
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="inconnu@gouv.fr").exists()
    assert User.objects.count() == 1
    page = client.get(response.url)
    assert "ProConnect n&#x27;a pas abouti" in page.content.decode()


@enabled
@responses.activate
def test_deactivated_account_is_refused(client, agent):
    agent.is_active = False
    agent.save()
    params = start_login(client)
    fake_provider(nonce=params["nonce"], userinfo=CLAIMS)
    client.get(reverse("oidc-callback"), {"code": "c", "state": params["state"]})
    assert SESSION_KEY not in client.session


@enabled
@responses.activate
def test_id_token_with_another_nonce_is_refused(client, agent):
    params = start_login(client)
    fake_provider(nonce=params["nonce"], userinfo=CLAIMS, id_token_nonce="replayed")
    response = client.get(reverse("oidc-callback"), {"code": "c", "state": params["state"]})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


@enabled
@responses.activate
def test_unknown_state_is_refused(client, agent):
    start_login(client)
    response = client.get(reverse("oidc-callback"), {"code": "c", "state": "forged"})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert not responses.calls


@enabled
def test_provider_error_sends_back_to_the_login_page(client):
    params = start_login(client)
    response = client.get(
        reverse("oidc-callback"), {"error": "access_denied", "state": params["state"]}
    )
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL_FAILURE)
    assert params["state"] not in client.session["oidc_states"]


@pytest.mark.parametrize("name", ["oidc-login", "oidc-callback"])
def test_urls_are_404_when_disabled(client, name):
    assert settings.OIDC_ENABLED is False
    assert client.get(reverse(name), {"code": "c", "state": "s"}).status_code == 404


@pytest.mark.parametrize("oidc", [False, True])
def test_password_login_still_works(client, agent, oidc):
    with enabled if oidc else override_settings():
        response = client.post(
            reverse("accounts:login"),
            {"username": agent.email, "password": "mot-de-passe-local"},
        )
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(agent.pk)


@enabled
@responses.activate
def test_backend_ignores_password_logins_carrying_a_code(agent):
    request = RequestFactory().post("/connexion/?code=c&state=s")
    backend = ProConnectBackend()
    assert backend.authenticate(request, username=agent.email, password="x") is None
    assert not responses.calls


def test_login_page_offers_proconnect_only_when_enabled(client):
    assert reverse("oidc-login") not in client.get(reverse("accounts:login")).content.decode()
    with enabled:
        assert reverse("oidc-login") in client.get(reverse("accounts:login")).content.decode()


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.OIDC_ENABLED, s.AUTHENTICATION_BACKENDS[-1])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
    "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
}


def test_settings_turn_oidc_on_with_a_client_id():
    assert _settings_with({}).stdout.split()[0] == "False"
    result = _settings_with(
        {"OIDC_RP_CLIENT_ID": CLIENT_ID, "OIDC_OP_JWKS_ENDPOINT": f"{PROVIDER}/jwks", **ENDPOINTS}
    )
    assert result.stdout.split() == ["True", "quartiers.accounts.oidc.ProConnectBackend"]


@pytest.mark.parametrize(
    "env",
    [
        {"OIDC_RP_CLIENT_ID": CLIENT_ID},  # no endpoints
        {"OIDC_RP_CLIENT_ID": CLIENT_ID, **ENDPOINTS},  # RS256 without the provider's keys
    ],
)
def test_incomplete_oidc_settings_refuse_to_start(env):
    result = _settings_with(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
