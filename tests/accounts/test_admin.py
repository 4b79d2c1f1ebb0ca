"""Admin of people, organisations and roles: writes of roles and organisations use the services."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from quartiers.accounts.enums import ContractRole
from quartiers.accounts.models import Event, Organisation, RoleAssignment, User
from tests.accounts.factories import (
    MembershipFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from tests.contracts.factories import ContractFactory

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
    assignment = RoleAssignmentFactory(funder_instructor=True)
    MembershipFactory()
    Event.objects.create(verb="test", summary="Un événement")
    return assignment


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
    assert add == (403 if model is Event else 200)


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
    event = Event.objects.get(verb="organisation_created")
    assert (event.actor, event.data) == (admin_user, {"organisation": organisation.pk})
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


def test_role_admin_grants_through_the_service(admin_client, admin_user):
    contract, user, caf = ContractFactory(), UserFactory(), OrganisationFactory(funder=True)
    response = admin_client.post(
        reverse("admin:accounts_roleassignment_add"),
        {
            "user": user.pk,
            "contract": contract.pk,
            "role": ContractRole.FUNDER_INSTRUCTOR,
            "organisation": caf.pk,
        },
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get()
    assert assignment.granted_by == admin_user
    assert user.organisations.get() == caf
    assert Event.objects.get(verb="role_granted").actor == admin_user


def test_role_admin_requires_the_organisation(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": UserFactory().pk, "contract": ContractFactory().pk, "role": "carrier"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"]
    assert not RoleAssignment.objects.exists()


def test_role_admin_revokes_through_the_service(admin_client, admin_user):
    assignment = RoleAssignmentFactory(observer=True)
    url = reverse("admin:accounts_roleassignment_delete", args=[assignment.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not RoleAssignment.objects.exists()
    assert Event.objects.get(verb="role_revoked").actor == admin_user


def test_role_admin_bulk_revoke_logs_each_one(admin_client):
    assignments = RoleAssignmentFactory.create_batch(2, observer=True)
    response = admin_client.post(
        reverse("admin:accounts_roleassignment_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in assignments],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert Event.objects.filter(verb="role_revoked").count() == 2


def test_role_admin_filters(admin_client):
    assignment = RoleAssignmentFactory(observer=True)
    RoleAssignmentFactory()
    url = reverse("admin:accounts_roleassignment_changelist")
    response = admin_client.get(
        url, {"contract__id__exact": assignment.contract_id, "role__exact": "observer"}
    )
    assert response.context["cl"].result_count == 1


def test_events_are_read_only(admin_client):
    event = Event.objects.create(verb="test", summary="Un événement")
    url = reverse("admin:accounts_event_change", args=[event.pk])
    response = admin_client.post(url, {"verb": "changed", "summary": "x"})
    assert response.status_code == 403
    delete = reverse("admin:accounts_event_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.verb == "test"
