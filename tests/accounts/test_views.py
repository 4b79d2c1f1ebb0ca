"""Mon compte: permissions, status codes, content."""

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from tests.accounts.conftest import soup, text_of
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


# Mon compte


def test_my_account_shows_identity_organisations_and_links_my_roles(as_user):
    caf = OrganisationFactory(funder=True)
    user = UserFactory(first_name="Inès", last_name="Roux")
    MembershipFactory(user=user, organisation=caf)
    page = soup(as_user(user).get("/mon-compte/"))
    main = text_of(page.find("main"))
    assert "Inès Roux" in main
    assert user.email in main
    assert page.find("a", href=caf.get_absolute_url(), string=str(caf))
    assert page.find("a", href="/mon-compte/mot-de-passe/")
    assert page.find("a", href="/mon-compte/roles/")


def test_my_account_changes_my_name(as_user):
    user = UserFactory()
    client = as_user(user)
    response = client.post("/mon-compte/", {"first_name": "Inès", "last_name": "Roux"}, follow=True)
    assertRedirects(response, "/mon-compte/")
    assertContains(response, "Votre nom a été enregistré.")
    user.refresh_from_db()
    assert user.get_full_name() == "Inès Roux"


def test_messages_are_dsfr_alerts(as_user):
    response = as_user(UserFactory()).post(
        "/mon-compte/", {"first_name": "A", "last_name": "B"}, follow=True
    )
    alert = soup(response).select_one(".fr-alert--success")
    assert text_of(alert) == "Votre nom a été enregistré."
