"""The documented deployment, for real: gunicorn with DEBUG off, static files by WhiteNoise,
private attachments only through the permission-checked view."""

import base64
import hashlib
import http.cookiejar
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.core.test_security import ROOT, production_env

pytestmark = pytest.mark.deployment

GUNICORN = Path(sys.executable).with_name("gunicorn")

# Run in the production settings against the temporary database: a carrier's application
# with a RIB, the carrier, and someone else with an account.
FILL = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
from django.urls import reverse
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import PASSWORD, UserFactory
from tests.programming.factories import ApplicationFactory, AttachmentFactory

carrier = RoleAssignmentFactory(user=UserFactory(email="porteuse@example.org"), carrier=True)
application = ApplicationFactory(call__contract=carrier.contract, carrier=carrier.organisation)
attachment = AttachmentFactory(application=application, name="rib.pdf")
other = RoleAssignmentFactory(user=UserFactory(email="autre@example.org"), carrier=True)
print(json.dumps({
    "password": PASSWORD,
    "download": reverse(
        "programming:attachment-download", args=[application.uuid, attachment.pk]
    ),
    "media": attachment.file.name,
    "bytes": attachment.file.open("rb").read().decode("latin-1"),
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(jar=None):
    handlers = [NoRedirect()]
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*handlers)


def fetch(browser, url, data=None):
    """(status, headers, body) without following redirects."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with browser.open(url, data=body, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sign_in(base, email, password):
    jar = http.cookiejar.CookieJar()
    browser = opener(jar)
    _, _, page = fetch(browser, base + "/connexion/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    status, _, _ = fetch(
        browser,
        base + "/connexion/",
        {"csrfmiddlewaretoken": token, "username": email, "password": password},
    )
    assert status == 302, "sign-in failed"
    assert any(cookie.name == "sessionid" for cookie in jar)
    return browser


def wait_until_up(base, server, log):
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(base + "/connexion/", timeout=30).close()
            return
        except OSError:  # refused while gunicorn starts
            time.sleep(0.3)
    raise AssertionError(f"gunicorn did not answer: {log.read_text()}")


@pytest.fixture
def server(tmp_path):
    """Collect the static files, migrate and fill a SQLite file, start gunicorn on it."""
    env = production_env(tmp_path)
    env.update(
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on the loopback
        SECURE_COOKIES="false",
        STATIC_PRECOMPRESS="false",  # gzip/brotli of the DSFR takes minutes
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300}
    collect = subprocess.Popen(
        [sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    fill = subprocess.run([sys.executable, "-c", FILL], check=False, **run)
    _, collect_errors = collect.communicate(timeout=300)
    assert collect.returncode == 0, collect_errors
    assert fill.returncode == 0, fill.stderr
    data = json.loads(fill.stdout.strip().splitlines()[-1])

    port = free_port()
    log = tmp_path / "gunicorn.log"
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as stderr:
        server = subprocess.Popen(
            [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_until_up(base, server, log)
        yield base, data
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_serves_pages_static_files_and_private_attachments(server):
    base, data = server
    anonymous = opener()

    status, headers, page = fetch(anonymous, base + "/connexion/")
    assert status == 200
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    stylesheets = re.findall(rb'href="(/static/[^"]*dsfr[^"]*\.css)"', page)
    assert stylesheets, "the page links the DSFR stylesheet"
    # Hashed names from the manifest, served by WhiteNoise as cacheable forever.
    assert re.search(rb"\.[0-9a-f]{12}\.css$", stylesheets[0])
    status, headers, css = fetch(anonymous, base + stylesheets[0].decode())
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert b"fr-btn" in css
    # A browser refuses a file whose `integrity` digest does not match what it receives: the
    # manifest storage rewrites the url() inside the stylesheets, so a digest computed on the
    # package's own files blocks the whole DSFR (an unstyled site).
    checked = 0
    for tag in re.findall(rb"<(?:link|script)\b[^>]*>", page):
        url = re.search(rb'(?:href|src)="(/static/[^"]+)"', tag)
        integrity = re.search(rb'integrity="sha(\d+)-([^"]+)"', tag)
        if url and integrity:
            body = fetch(anonymous, base + url[1].decode())[2]
            digest = hashlib.new(f"sha{integrity[1].decode()}", body).digest()
            assert base64.b64encode(digest) == integrity[2], url[1]
            checked += 1
    assert checked or b"integrity=" not in page

    download = base + data["download"]
    status, headers, _ = fetch(anonymous, download)
    assert status == 302
    assert headers["Location"].startswith("/connexion/")
    # Uploads are never reachable as files.
    for prefix in ("/media/", "/static/", "/"):
        assert fetch(anonymous, base + prefix + data["media"])[0] in {302, 404}

    carrier = sign_in(base, "porteuse@example.org", data["password"])
    status, headers, body = fetch(carrier, download)
    assert status == 200
    assert headers["Content-Disposition"] == 'attachment; filename="rib.pdf"'
    assert body == data["bytes"].encode("latin-1")

    other = sign_in(base, "autre@example.org", data["password"])
    assert fetch(other, download)[0] == 404
