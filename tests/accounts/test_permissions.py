"""Person-level predicates and the header link they decide."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from quartiers.accounts.permissions import can_use_admin
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _staff_with(codename=None):
    user = UserFactory(is_staff=True)
    if codename:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def test_only_people_with_something_to_administer_get_the_admin():
    assert can_use_admin(UserFactory(admin=True))
    assert can_use_admin(_staff_with("change_organisation"))
    assert not can_use_admin(_staff_with())  # staff, but the admin would show nothing
    # A permission on a table the admin does not list (a history) opens an empty admin too.
    assert not can_use_admin(_staff_with("view_historicalpartner"))
    assert not can_use_admin(UserFactory())
    inactive = UserFactory(admin=True, is_active=False)
    assert not can_use_admin(inactive)


@pytest.mark.parametrize(
    ("user", "shown"),
    [(lambda: UserFactory(admin=True), True), (lambda: _staff_with(), False)],
    ids=["superuser", "staff-without-permission"],
)
def test_the_header_shows_administration_only_when_usable(client, user, shown):
    client.force_login(user())
    page = client.get(reverse("accounts:my-account")).content.decode()
    assert ('href="/admin/"' in page) is shown
