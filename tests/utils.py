"""Helpers shared by the tests of every app."""

import threading
from contextlib import contextmanager
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection


@contextmanager
def frozen_at(moment):
    """`timezone.now()` returns `moment` inside the block: services read the clock themselves."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def race(*tasks):
    """Run each task in its own thread, all released at once by a barrier; returns what each
    returned, or the exception it raised, in order."""
    barrier = threading.Barrier(len(tasks))
    outcomes = [None] * len(tasks)

    def run(index, task):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = task()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(tasks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return outcomes


def refusals(outcomes) -> list[str]:
    """The messages of the refused tasks; any other exception fails the test."""
    for outcome in outcomes:
        if isinstance(outcome, Exception) and not isinstance(outcome, ValidationError):
            raise outcome
    return [" ".join(o.messages) for o in outcomes if isinstance(o, ValidationError)]
