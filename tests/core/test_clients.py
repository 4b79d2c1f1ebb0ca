"""The client's address behind the trusted proxies, and the documented proxy set-up."""

import re

import pytest
from django.test import RequestFactory, override_settings

from quartiers.core.clients import client_address
from tests.core.test_security import ROOT

NGINX = "10.0.0.1"  # the proxy, as gunicorn sees it


def request(remote=NGINX, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@override_settings(TRUSTED_PROXY_COUNT=0)
@pytest.mark.parametrize("forwarded", [None, "203.0.113.5", "1.2.3.4, 203.0.113.5"])
def test_without_trusted_proxy_a_forwarded_header_is_ignored(forwarded):
    assert client_address(request(remote="198.51.100.7", forwarded=forwarded)) == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        # The client forged an entry: the proxy appended the real address after it.
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, " 2001:DB8::1 ", "2001:db8::1"),
        # Fewer entries than proxies, or garbage where the proxy writes: the peer's address.
        (2, "203.0.113.5", NGINX),
        (1, None, NGINX),
        (1, "1.2.3.4, pas-une-adresse", NGINX),
        (1, "203.0.113.5\x00", NGINX),
    ],
)
def test_behind_proxies_the_client_is_counted_from_the_right(count, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_address(request(forwarded=forwarded)) == expected


def test_no_address_at_all_is_none():
    assert client_address(request(remote="")) is None


def test_the_documented_nginx_setup_gives_the_real_client(settings):
    """docs/deployment.md: nginx appends the address it sees ($proxy_add_x_forwarded_for) and
    the table sets TRUSTED_PROXY_COUNT to the one proxy; a forged header changes nothing."""
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in guide
    count = re.search(r"^\| `TRUSTED_PROXY_COUNT` \| `(\d+)`", guide, re.MULTILINE)
    assert count, "deployment.md gives TRUSTED_PROXY_COUNT"
    settings.TRUSTED_PROXY_COUNT = int(count[1])

    def through_nginx(client, sent=None):  # what $proxy_add_x_forwarded_for makes
        return request(forwarded=f"{sent}, {client}" if sent else client)

    assert client_address(through_nginx("203.0.113.5")) == "203.0.113.5"
    assert client_address(through_nginx("203.0.113.5", sent="198.51.100.7")) == "203.0.113.5"
