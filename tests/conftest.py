import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEED = (
    Path(__file__).resolve().parent.parent
    / "quartiers/demo/data/protocole-coeur-de-loriol-2020-2022.txt"
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request, django_db_blocker):
    """Rate-limit counters live in the database cache, which rolls back with each test but
    survives the flush of transactional ones (not a model's table): clear it after those."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames:
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture
def seed_bytes() -> bytes:
    return SEED.read_bytes()


@pytest.fixture
def loriol(db, seed_bytes):
    """The Loriol protocol, imported through the real service and published (as in the demo)."""
    from quartiers.protocol_import import services

    contract = services.apply_import(name=SEED.name, data=seed_bytes).contract
    contract.is_published = True
    contract.save(update_fields=["is_published"])
    return contract


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def project_lead(loriol):
    """A chef de projet of the Loriol contract."""
    from quartiers.access import services as access
    from quartiers.access.enums import ContractRole
    from tests.accounts.factories import UserFactory

    user = UserFactory(email="cheffe@example.org", first_name="C", last_name="P")
    access.grant_role(contract=loriol, user=user, role=ContractRole.PROJECT_LEAD, by=None)
    return user


@pytest.fixture
def as_user(client):
    """`as_user(user)`: the test client, signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
