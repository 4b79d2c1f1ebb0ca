"""Who is asking: the client's address behind the trusted reverse proxies."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The address of the client that sent `request`, as seen by the outermost trusted proxy.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    `settings.TRUSTED_PROXY_COUNT` = N the client is the N-th entry from the right; whatever
    lies further left was written by the client and may be forged. With 0 (no proxy), the
    header is ignored and the peer's address (REMOTE_ADDR) is the client. A header with fewer
    entries than trusted proxies, or an entry that is not an address, cannot be trusted
    either: the peer's address is used. django-axes calls this (AXES_CLIENT_IP_CALLABLE), and so
    do the rate limits, so that both count the same person.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(hops) < count:
        return remote
    return _address(hops[-count]) or remote


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
