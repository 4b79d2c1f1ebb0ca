"""Production settings, security headers, CSP-clean pages, login throttling, body size limit."""

import json
import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from quartiers.accounts.models import User
from quartiers.contracts.services import publish_contract

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path) -> dict[str, str]:
    """What a deployment sets: nothing else (no SECURE_* overrides, no test settings)."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="quartiers.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- (a) and (d): production settings ---------------------------------------------------


# docs/deployment.md: behind nginx, which sets X-Forwarded-Proto and sends the uploads.
DOCUMENTED_BEHIND_NGINX = {
    "SECURE_PROXY_SSL_HEADER": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "MEDIA_ACCEL_REDIRECT_PREFIX": "/media-privees/",
    "CSRF_TRUSTED_ORIGINS": "https://quartiers.example.org",
}


@pytest.mark.parametrize("extra", [{}, DOCUMENTED_BEHIND_NGINX], ids=["alone", "behind-nginx"])
def test_check_deploy_is_clean_with_production_settings(tmp_path, extra):
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**production_env(tmp_path), **extra},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_catches_media_inside_the_static_files(tmp_path):
    env = {**production_env(tmp_path), "STATIC_ROOT": str(tmp_path / "static")}
    env["MEDIA_ROOT"] = str(tmp_path / "static" / "media")
    result = run_python(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy')",
        env,
    )
    assert result.returncode != 0
    assert "quartiers.E001" in result.stderr


SETTINGS_OF = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({name: getattr(settings, name, None) for name in [
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_AGE",
]}))
"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            {},
            {
                "SECURE_SSL_REDIRECT": True,
                "SECURE_HSTS_SECONDS": 31536000,
                "SECURE_PROXY_SSL_HEADER": None,
                "SESSION_COOKIE_AGE": 8 * 3600,
            },
        ),
        (
            {"SECURE_SSL_REDIRECT": "false", "SECURE_PROXY_SSL_HEADER": "true"},
            {
                "SECURE_SSL_REDIRECT": False,
                "SECURE_HSTS_SECONDS": 31536000,  # HSTS no longer follows the redirect
                "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                "SESSION_COOKIE_AGE": 8 * 3600,
            },
        ),
        (
            {"SECURE_HSTS": "false", "SESSION_COOKIE_AGE": "3600"},
            {
                "SECURE_SSL_REDIRECT": True,
                "SECURE_HSTS_SECONDS": 0,
                "SECURE_PROXY_SSL_HEADER": None,
                "SESSION_COOKIE_AGE": 3600,
            },
        ),
    ],
    ids=["defaults", "proxy-redirects", "hsts-off"],
)
def test_https_settings_from_the_environment(tmp_path, extra, expected):
    result = run_python(SETTINGS_OF, {**production_env(tmp_path), **extra})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected


@pytest.mark.parametrize("prefix", ["media-privees/", "/media-privees"])
def test_a_malformed_accel_redirect_prefix_is_refused(tmp_path, prefix):
    env = {**production_env(tmp_path), "MEDIA_ACCEL_REDIRECT_PREFIX": prefix}
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "must start and end with /" in result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    # A deployment has no local.env of `make demo` (config/local_env.py) beside its code.
    env["LOCAL_ENV"] = str(tmp_path / "absent.env")
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


PRODUCTION_RESPONSES = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings

# No collectstatic here (tests/core/test_deployment.py serves the collected files).
override_settings(STORAGES={
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
client = Client(HTTP_HOST="quartiers.example.org")
plain = client.get("/connexion/")
page = client.get("/connexion/", secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie": {k: v for k, v in page.cookies["csrftoken"].items() if v},
    "settings": {
        name: getattr(settings, name)
        for name in [
            "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
            "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF",
        ]
    },
}))
"""


def test_security_headers_and_cookies_in_production(tmp_path):
    env = production_env(tmp_path)
    migrate = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    # `migrate` also created the table of the rate-limit counters (quartiers/core/apps.py).
    with sqlite3.connect(tmp_path / "production.sqlite3") as database:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    assert "quartiers_cache" in tables
    result = run_python(PRODUCTION_RESPONSES, env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])

    assert data["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }
    # Plain HTTP is redirected to HTTPS.
    assert data["plain"] == [301, "https://quartiers.example.org/connexion/"]
    assert data["status"] == 200
    headers = data["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in headers["Permissions-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert data["csrf_cookie"]["secure"] is True
    assert data["csrf_cookie"]["samesite"] == "Lax"


# --- (b) Content-Security-Policy and clean HTML ----------------------------------------


def _pages(contract) -> list[str]:
    slug = contract.slug
    return [
        reverse("contracts:contract-list"),
        reverse("contracts:contract-detail", args=[slug]),
        reverse("contracts:matrix", args=[slug]),
        reverse("contracts:matrix", args=[slug]) + "?partner=CAF&role=lead",
        reverse("contracts:partner-detail", args=[slug, "CAF"]),
        reverse("contracts:glossary", args=[slug]),
        reverse("contracts:source-document", args=[slug]),
        reverse("accounts:login"),
        reverse("accounts:password-reset"),
        reverse("api:docs"),
    ]


SIGNED_IN_PAGES = ["accounts:my-account", "access:organisation-list"]


def csp_nonce(response) -> str:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        if part.strip():
            name, *values = part.split()
            directives[name] = values
    scripts = directives["script-src"]
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in directives["style-src"]
    nonces = [s for s in scripts if s.startswith("'nonce-")]
    assert len(nonces) == 1, policy
    return nonces[0].removeprefix("'nonce-").removesuffix("'")


def assert_csp_clean(response) -> None:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    nonce = csp_nonce(response)
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    scripts = soup.find_all("script")
    assert scripts, "every page loads the DSFR scripts"
    for script in scripts:
        assert script.get("src"), f"inline script: {script}"
        assert script.get("nonce") == nonce, f"script without the nonce: {script}"
    assert any("dsfr" in s["src"] for s in scripts) or "swagger" in scripts[0]["src"]
    assert not soup.find_all("style"), "inline <style> block"
    for tag in soup.find_all(True):
        handlers = [name for name in tag.attrs if name.lower().startswith("on")]
        assert not handlers, f"event handler attribute on {tag.name}: {handlers}"
        assert "style" not in tag.attrs, f"style attribute on <{tag.name}>"
        assert not str(tag.get("href", "")).lower().startswith("javascript:")


@pytest.fixture
def published_loriol(loriol):
    publish_contract(contract=loriol)
    return loriol


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_pages_have_a_strict_csp_and_no_inline_code(client, published_loriol, who):
    if who == "superuser":
        client.force_login(User.objects.create_superuser("admin@example.org", "x"))
    for url in _pages(published_loriol):
        response = client.get(url)
        if response.status_code == 302:  # sign-in pages send signed-in people on
            continue
        assert_csp_clean(response)
    if who == "superuser":
        for name in SIGNED_IN_PAGES:
            assert_csp_clean(client.get(reverse(name)))


@pytest.mark.django_db
def test_each_response_gets_its_own_nonce(client, published_loriol):
    url = reverse("contracts:contract-list")
    assert csp_nonce(client.get(url)) != csp_nonce(client.get(url))


@pytest.mark.django_db
def test_error_pages_and_json_have_the_policy_too(client):
    for response in (client.get("/page-inconnue/"), client.get(reverse("api:contract-list"))):
        assert "default-src 'self'" in response["Content-Security-Policy"]


# --- (c) login throttling (django-axes) -------------------------------------------------


@pytest.mark.django_db
def test_account_is_locked_after_repeated_failures(client):
    user = User.objects.create_user("camille@example.org", "le-bon-mot-de-passe")
    other = User.objects.create_user("dominique@example.org", "un-autre-mot-de-passe")
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": user.email, "password": "mauvais"})
        assert SESSION_KEY not in client.session

    response = client.post(url, {"username": user.email, "password": "le-bon-mot-de-passe"})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session

    # The lock is per account and address: someone else on the same network still signs in.
    client.post(url, {"username": other.email, "password": "un-autre-mot-de-passe"})
    assert client.session[SESSION_KEY] == str(other.pk)


# --- (e) request size -------------------------------------------------------------------


def _post_big_form(client, url):
    big = "x" * (settings.MAX_UPLOAD_BYTES + 1)
    return client.post(url, f"username=a&password={big}", "application/x-www-form-urlencoded")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accounts:login", "contracts:contract-list"])
def test_too_large_bodies_are_refused(name):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_UPLOAD_BYTES
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))  # a CSRF cookie, so the token is looked for
    assert _post_big_form(client, reverse(name)).status_code == 400


@pytest.mark.django_db
def test_a_20_mb_post_to_the_login_page_is_refused():
    client = Client()
    body = "username=a&password=" + "x" * (20 * 1024 * 1024)
    response = client.post(reverse("accounts:login"), body, "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_request_body_caps_come_from_the_environment(tmp_path):
    env = production_env(tmp_path)
    code = (
        "from django.conf import settings; "
        "print(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.FILE_UPLOAD_MAX_MEMORY_SIZE)"
    )
    assert run_python(code, env).stdout.split() == ["5242880", "5242880"]
    caps = {"DATA_UPLOAD_MAX_MEMORY_SIZE": "1000", "FILE_UPLOAD_MAX_MEMORY_SIZE": "2000"}
    assert run_python(code, {**env, **caps}).stdout.split() == ["1000", "2000"]
    malformed = run_python(code, {**env, "DATA_UPLOAD_MAX_MEMORY_SIZE": "5 Mo"})
    assert "is not a whole number" in malformed.stderr


@pytest.mark.django_db
def test_api_refuses_writes_before_reading_the_body(admin_client):
    # The API is read-only: a write is refused (403) before its body is read.
    assert _post_big_form(admin_client, reverse("api:contract-list")).status_code == 403
