"""Helpers shared by the tests of every app."""

from contextlib import contextmanager
from unittest import mock


@contextmanager
def frozen_at(moment):
    """`timezone.now()` returns `moment` inside the block: services read the clock themselves."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield
