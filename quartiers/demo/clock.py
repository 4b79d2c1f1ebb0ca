"""The demo's clock: the programming services read `timezone.now()`; the demo replays the years
before its load day by stopping that clock at a fictitious moment while it calls them.

Patching `django.utils.timezone.now` reaches every reader that looks the function up at call
time: `timezone.now()`, `timezone.localdate()`, `auto_now` / `auto_now_add` fields and
django-simple-history. A field declared with `default=timezone.now` (`User.date_joined`)
holds the original function and keeps the real date: the demo passes the people's
`date_joined` itself.
"""

from contextlib import contextmanager

from django.utils import timezone


@contextmanager
def frozen_at(moment):
    """`timezone.now()` returns `moment` (an aware datetime) inside the block."""
    running = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = running
