"""The rate limiter on the shared (database) cache: counts, refusals, the sliding window,
racing workers, and the rate settings."""

import importlib.util
import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_rate
from quartiers.core import ratelimit
from quartiers.core.ratelimit import RateLimit, RateLimited
from tests.core.test_security import production_env, run_python
from tests.utils import race

RULE = RateLimit(name="test", setting="TEST_RATE", message="Trop d'essais.")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def three_per_hour(settings):
    settings.TEST_RATE = (3, 3600)


@pytest.mark.django_db
def test_hit_counts_up_to_the_limit_then_refuses_with_the_wait(three_per_hour):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            ratelimit.hit(RULE, "a")
            clock.shift(timedelta(minutes=10))
        with pytest.raises(RateLimited) as refused:
            ratelimit.hit(RULE, "a")
    # The first event expires at 10:00, it is 9:30.
    assert refused.value.retry_after == 30 * 60
    assert refused.value.messages == ["Trop d'essais. Réessayez dans 30 minutes."]
    ratelimit.hit(RULE, "b")  # another key has its own count


@pytest.mark.django_db
def test_the_window_slides_one_event_at_a_time(three_per_hour):
    with time_machine.travel(START, tick=False) as clock:
        ratelimit.hit(RULE, "a")
        clock.shift(timedelta(minutes=30))
        ratelimit.hit(RULE, "a")
        ratelimit.hit(RULE, "a")
        clock.shift(timedelta(minutes=29))
        with pytest.raises(RateLimited):
            ratelimit.hit(RULE, "a")
        clock.shift(timedelta(minutes=2))  # the first event is an hour old
        ratelimit.hit(RULE, "a")
        with pytest.raises(RateLimited):
            ratelimit.hit(RULE, "a")
        clock.shift(timedelta(minutes=31))  # the two of 9:30 expired, not the one of 10:01
        ratelimit.hit(RULE, "a")
        ratelimit.hit(RULE, "a")
        with pytest.raises(RateLimited):
            ratelimit.hit(RULE, "a")


@pytest.mark.django_db
def test_check_counts_nothing_and_record_never_refuses(three_per_hour):
    for _ in range(5):
        ratelimit.check(RULE, "a")
    for _ in range(5):
        ratelimit.record(RULE, "a")
    with pytest.raises(RateLimited):
        ratelimit.check(RULE, "a")


@pytest.mark.django_db
def test_a_long_wait_is_said_in_hours(settings):
    settings.TEST_RATE = (1, 86400)
    ratelimit.hit(RULE, "a")
    with pytest.raises(RateLimited, match="Réessayez dans 24 heures"):
        ratelimit.hit(RULE, "a")


@pytest.mark.django_db(transaction=True)
def test_racing_workers_never_pass_more_than_the_limit(three_per_hour):
    """Eight requests at once, each with its own connection (another worker): three pass."""
    outcomes = race(*[lambda: ratelimit.hit(RULE, "a")] * 8)
    for outcome in outcomes:
        if outcome is not None and not isinstance(outcome, RateLimited):
            raise outcome
    assert outcomes.count(None) == 3
    with pytest.raises(RateLimited):
        ratelimit.check(RULE, "a")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("20/15m", (20, 900)), ("5/h", (5, 3600)), (" 50 / 1d ", (50, 86400)), ("3/30s", (3, 30))],
)
def test_rates_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_RATE", raw)
    assert env_rate("SOME_RATE", "1/1s") == expected


@pytest.mark.parametrize("raw", ["20", "0/1h", "5/0m", "5/1w", "cinq/1h", "-1/1h"])
def test_malformed_rates_are_refused(monkeypatch, raw):
    monkeypatch.setenv("SOME_RATE", raw)
    with pytest.raises(ImproperlyConfigured, match="is not a rate"):
        env_rate("SOME_RATE", "1/1s")


def test_an_unset_rate_takes_its_default():
    assert "SOME_RATE" not in os.environ
    assert env_rate("SOME_RATE", "20/15m") == (20, 900)


CACHE_OF = """
import django; django.setup()
from django.conf import settings
print(settings.CACHES["default"]["BACKEND"], settings.TRUSTED_PROXY_COUNT)
"""


def test_production_defaults_a_database_cache_and_no_trusted_proxy(tmp_path):
    result = run_python(CACHE_OF, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.db.DatabaseCache", "0"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"TRUSTED_PROXY_COUNT": "-1"}, "cannot be negative"),
        ({"TRUSTED_PROXY_COUNT": "un"}, "is not a whole number"),
        ({"PASSWORD_RESETS_PER_EMAIL": "3 par heure"}, "is not a rate"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "install quartiers[redis]"),
    ],
)
def test_malformed_identity_settings_stop_the_start_up(tmp_path, extra, message):
    if "REDIS_URL" in extra and importlib.util.find_spec("redis") is not None:
        pytest.skip("redis-py is installed here")
    result = run_python("import django; django.setup()", {**production_env(tmp_path), **extra})
    assert result.returncode != 0
    assert message in result.stderr
