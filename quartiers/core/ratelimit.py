"""Rate limits kept in the shared cache (settings.CACHES: Redis or the database).

A limit of N events per window is N slots per key: an event claims a free slot with the
cache's `add`, which is atomic on every backend we configure (Redis `SET NX`, the database
cache's unique key), so two requests at once never take the same slot and no more than N
events pass in any window, however many workers race. Each slot expires a window after it was
taken, which makes the window a sliding one. Rules name the setting that holds their
`(events, seconds)` pair, so that tests and deployments change it without touching code.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class RateLimit:
    name: str
    setting: str  # names an (events, seconds) pair in settings
    message: str  # French, completed by « Réessayez dans … »

    @property
    def rate(self) -> tuple[int, int]:
        return getattr(settings, self.setting)


class RateLimited(ValidationError):
    """The limit is reached: nothing was counted; `retry_after` is in seconds."""

    def __init__(self, limit: RateLimit, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            f"{limit.message} Réessayez dans {_duration(retry_after)}.", code="rate_limited"
        )


def hit(limit: RateLimit, key: str) -> None:
    """Count one event for `key`, or raise RateLimited (counting nothing) if none is left."""
    if not _claim(limit, key):
        raise RateLimited(limit, _retry_after(limit, key))


def record(limit: RateLimit, key: str) -> None:
    """Count one event for `key` if the limit is not reached yet (failures after the fact)."""
    _claim(limit, key)


def check(limit: RateLimit, key: str) -> None:
    """Raise RateLimited if `key` has no event left, without counting one."""
    slots = _slots(limit, key)
    if len(cache.get_many(slots)) == len(slots):
        raise RateLimited(limit, _retry_after(limit, key))


def _slots(limit: RateLimit, key: str) -> list[str]:
    events, _ = limit.rate
    # Hashed: keys are e-mail addresses and IPv6 addresses, and cache keys must be short.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return [f"ratelimit:{limit.name}:{digest}:{slot}" for slot in range(events)]


def _claim(limit: RateLimit, key: str) -> bool:
    _, seconds = limit.rate
    slots = _slots(limit, key)
    taken = cache.get_many(slots)  # also drops the expired ones from the database cache
    for slot in slots:
        # A slot seen free may be taken meanwhile: `add` says so, and we try the next one.
        if slot not in taken and cache.add(slot, time.time(), timeout=seconds):
            return True
    return False


def _retry_after(limit: RateLimit, key: str) -> int:
    """Seconds until the oldest event of the window expires (at least one)."""
    _, seconds = limit.rate
    taken = cache.get_many(_slots(limit, key)).values()
    if not taken:
        return 1
    return max(1, math.ceil(min(taken) + seconds - time.time()))


def _duration(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes > 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} heures"


def refusal(request, error: RateLimited) -> HttpResponse:
    """The page that says a limit is reached: 429, with Retry-After."""
    response = render(request, "429.html", {"message": error.message}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response
