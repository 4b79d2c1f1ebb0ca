"""Admin of people and organisations: writes of organisations use the services."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from quartiers.accounts.models import Notice, Notification, Organisation, User
from quartiers.accounts.services import notify
from tests.accounts.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in apps.get_app_config("accounts").get_models()
    if not model.__name__.startswith("Historical")
]


def test_every_model_is_registered():
    assert [m for m in MODELS if m not in admin.site._registry] == []


@pytest.fixture
def data(db):
    membership = MembershipFactory()
    notify(users=[membership.user], text="Un avis", link="/")


WRITTEN_BY_NOTIFY = {Notice, Notification}  # read-only in the admin

# Django's read-only password widget reads an optional `password_url` variable.
PAGES = [
    pytest.param(m, marks=pytest.mark.ignore_template_errors) if m is User else m for m in MODELS
]


@pytest.mark.parametrize("model", PAGES, ids=lambda m: m.__name__)
def test_admin_pages(admin_client, data, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    obj = model.objects.first()
    url = reverse(f"{prefix}_change", args=[obj.pk])
    assert admin_client.get(url).status_code == 200
    add = admin_client.get(reverse(f"{prefix}_add")).status_code
    assert add == (403 if model in WRITTEN_BY_NOTIFY else 200)


def test_user_admin_is_email_based(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouvelle@Example.org",
            "usable_password": "true",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="nouvelle@example.org")
    assert user.check_password("un-mot-de-passe-solide")
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "nouvelle"})
    assert response.context["cl"].result_count == 1


def test_organisation_admin_saves_through_the_service(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "Régie de quartier", "acronym": "", "kind": "association", "siret": ""},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Régie de quartier")
    assert organisation.history.get().history_user == admin_user


def test_organisation_admin_rejects_a_wrong_siret(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "Régie", "kind": "other", "siret": "73282932000075"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["siret"]


def test_organisation_admin_search(admin_client):
    OrganisationFactory(name="Caisse d'allocations familiales de la Drôme", acronym="CAF")
    OrganisationFactory(name="Autre")
    url = reverse("admin:accounts_organisation_changelist")
    assert admin_client.get(url, {"q": "caf"}).context["cl"].result_count == 1


def test_only_a_platform_admin_marks_the_state_or_gives_a_public_nature(client):
    from django.contrib.auth.models import Permission

    from tests.accounts.factories import UserFactory

    staff = UserFactory(staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_organisation"))
    client.force_login(staff)
    url = reverse("admin:accounts_organisation_add")
    assert "is_state" not in client.get(url).context["adminform"].form.fields
    response = client.post(
        url, {"name": "Fausse préfecture", "kind": "state", "siret": "", "is_state": "on"}
    )
    assert response.status_code == 200
    assert "administrateur de la plateforme" in response.context["adminform"].form.errors["kind"][0]
    assert not Organisation.objects.exists()


def test_the_platform_admin_marks_the_state(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "État", "kind": "state", "siret": "", "is_state": "on"},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(is_state=True).name == "État"
