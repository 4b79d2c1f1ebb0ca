import re

import pytest
from django.db import connection, transaction

from tests.access_matrix.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once per module inside a transaction rolled back at its end; each test
    runs in a savepoint of it (pytest-django's `db`), each request of the matrix in another."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# Not business data: the session of the test client and django-axes' sign-in logs.
UNWATCHED = re.compile(r"django_session|axes_")
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class WriteRecorder:
    """The tables written by the SQL sent through Django's connection while it is active."""

    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and not UNWATCHED.match(match.group(1)):
            self.tables.add(match.group(1))
        return execute(sql, params, many, context)

    def __enter__(self):
        self.tables = set()
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
