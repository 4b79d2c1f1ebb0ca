"""local.env: the settings `make demo` runs with (DEBUG off on the loopback, its own secret),
written once, kept out of git, never over the environment nor over a deployment's settings."""

import json
import os
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import local_env
from config import settings as settings_module
from tests.core.test_security import ROOT, SETTINGS_OF, production_env, run_python


@pytest.fixture
def local_file(tmp_path):
    path = tmp_path / "local.env"
    assert local_env.create(path)
    return path


def demo_env(tmp_path, local_file) -> dict[str, str]:
    """What `make demo` and the README's commands run with: no variable but the local file."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(
        LOCAL_ENV=str(local_file),
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def test_the_file_is_written_once_and_its_secret_kept(tmp_path):
    path = tmp_path / "local.env"
    command = [sys.executable, "-m", "config.local_env", str(path)]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "réglages locaux créés" in first.stdout
    content = path.read_text()
    secret = local_env.read(path)["SECRET_KEY"]
    assert len(secret) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert again.stdout == ""
    assert path.read_text() == content
    assert not local_env.create(path)
    other = tmp_path / "other.env"
    local_env.create(other)
    assert local_env.read(other)["SECRET_KEY"] != secret  # a new checkout, a new secret


def test_the_file_is_kept_out_of_git():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    check = ["git", "-C", str(ROOT), "check-ignore", "--no-index", "-q", "local.env"]
    assert subprocess.run(check, check=False).returncode == 0
    assert local_env.DEFAULT_PATH == ROOT / "local.env"


def test_it_holds_the_local_values(local_file):
    values = local_env.read(local_file)
    assert values.pop("SECRET_KEY")
    assert values == local_env.LOCAL_VALUES
    assert values["DEBUG"] == "false"


def test_the_environment_wins_over_the_file(local_file, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)  # set by config/test_settings.py
    monkeypatch.setenv("LOCAL_ENV", str(local_file))
    monkeypatch.setenv("ALLOWED_HOSTS", "demo.example")
    monkeypatch.setenv("SECURE_HSTS", "true")
    values, used = local_env.values(os.environ)
    assert used == local_file
    monkeypatch.setattr(settings_module, "LOCAL_ENV_VALUES", values)
    assert settings_module.env_list("ALLOWED_HOSTS", []) == ["demo.example"]
    assert settings_module.env_bool("SECURE_HSTS", False) is True
    assert settings_module.env_bool("SECURE_SSL_REDIRECT", True) is False
    assert settings_module.env_str("SECRET_KEY") == local_env.read(local_file)["SECRET_KEY"]
    assert settings_module.env_str("SITE_URL") == "http://127.0.0.1:8000"


@pytest.mark.parametrize("secret", ["SECRET_KEY", "SECRET_KEY_FILE"])
def test_an_environment_with_its_own_secret_ignores_the_file(local_file, secret):
    assert local_env.values({"LOCAL_ENV": str(local_file), secret: "given"}) == ({}, None)


@pytest.mark.parametrize("value", ["", "{missing}"])
def test_no_file_no_local_settings(tmp_path, value):
    given = {"LOCAL_ENV": value.format(missing=tmp_path / "absent.env")}
    assert local_env.values(given) == ({}, None)


def test_a_malformed_line_is_refused_with_its_number(tmp_path):
    path = tmp_path / "local.env"
    path.write_text("# comment\n\nDEBUG=false\nnot a setting\n")
    with pytest.raises(ImproperlyConfigured, match=r"line 4: expected NAME=value"):
        local_env.read(path)


def test_a_deployment_beside_a_local_file_stays_strict(tmp_path, local_file):
    env = {**production_env(tmp_path), "LOCAL_ENV": str(local_file)}
    result = run_python(SETTINGS_OF, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_AGE": 8 * 3600,
    }
    check = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(check, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_refuses_the_local_settings(tmp_path, local_file):
    check = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(
        check, cwd=ROOT, env=demo_env(tmp_path, local_file), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "quartiers.W001" in result.stderr
    assert str(local_file) in result.stderr


DEMO_RESPONSES = """
import json
import sys
import types
import django
django.setup()
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import path

import config.urls

call_command("migrate", "--noinput", verbosity=0)

@login_not_required
def fails(request):
    raise RuntimeError("a bug")

urls = types.ModuleType("failing_urls")
urls.urlpatterns = [path("panne/", fails), *config.urls.urlpatterns]
sys.modules["failing_urls"] = urls
# No collectstatic here (tests/core/test_deployment.py serves the collected files).
override_settings(ROOT_URLCONF="failing_urls", STORAGES={
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
client = Client(HTTP_HOST="127.0.0.1:8000", raise_request_exception=False)
answers = {url: client.get(url) for url in ["/page-inconnue/", "/panne/", "/connexion/"]}
print(json.dumps({
    "settings": [settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE],
    "answers": {
        url: [answer.status_code, answer.content.decode()] for url, answer in answers.items()
    },
}))
"""


def test_the_demo_answers_with_the_french_error_pages(tmp_path, local_file):
    result = run_python(DEMO_RESPONSES, demo_env(tmp_path, local_file))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["settings"] == [False, False, False]
    answers = data["answers"]
    status, page = answers["/page-inconnue/"]
    assert status == 404
    assert "<h1>Page introuvable</h1>" in page
    assert "Technical" not in page and "URLconf" not in page
    status, page = answers["/panne/"]
    assert status == 500
    assert "<h1>Erreur du serveur</h1>" in page
    assert "Traceback" not in page and "RuntimeError" not in page
    status, page = answers["/connexion/"]  # plain HTTP on the loopback, not redirected
    assert status == 200
