"""Admin of roles per contract and the journal: roles are granted and revoked by the services."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from quartiers.access.enums import ContractRole
from quartiers.access.models import Event, RoleAssignment
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory, PartnerFactory

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in apps.get_app_config("access").get_models()
    if not model.__name__.startswith("Historical")
]


def test_every_model_is_registered():
    assert [m for m in MODELS if m not in admin.site._registry] == []


@pytest.fixture
def data(db):
    Event.objects.create(verb="test", summary="Un événement")
    return RoleAssignmentFactory(funder_instructor=True)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages(admin_client, data, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    obj = model.objects.first()
    url = reverse(f"{prefix}_change", args=[obj.pk])
    assert admin_client.get(url).status_code == 200
    add = admin_client.get(reverse(f"{prefix}_add")).status_code
    assert add == (403 if model is Event else 200)


def test_role_admin_grants_through_the_service(admin_client, admin_user):
    contract, user, caf = ContractFactory(), UserFactory(), OrganisationFactory(funder=True)
    response = admin_client.post(
        reverse("admin:access_roleassignment_add"),
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
        reverse("admin:access_roleassignment_add"),
        {"user": UserFactory().pk, "contract": ContractFactory().pk, "role": "carrier"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"]
    assert not RoleAssignment.objects.exists()


def test_role_admin_revokes_through_the_service(admin_client, admin_user):
    assignment = RoleAssignmentFactory(observer=True)
    url = reverse("admin:access_roleassignment_delete", args=[assignment.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not RoleAssignment.objects.exists()
    assert Event.objects.get(verb="role_revoked").actor == admin_user


def test_role_admin_bulk_revoke_logs_each_one(admin_client):
    assignments = RoleAssignmentFactory.create_batch(2, observer=True)
    response = admin_client.post(
        reverse("admin:access_roleassignment_changelist"),
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
    url = reverse("admin:access_roleassignment_changelist")
    response = admin_client.get(
        url, {"contract__id__exact": assignment.contract_id, "role__exact": "observer"}
    )
    assert response.context["cl"].result_count == 1


def test_events_are_read_only(admin_client):
    event = Event.objects.create(verb="test", summary="Un événement")
    url = reverse("admin:access_event_change", args=[event.pk])
    response = admin_client.post(url, {"verb": "changed", "summary": "x"})
    assert response.status_code == 403
    delete = reverse("admin:access_event_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.verb == "test"


@pytest.fixture
def staff_lead(client):
    """A chef de projet with the admin's rights on roles (as the demo's is staff)."""
    lead = RoleAssignmentFactory().user
    lead.is_staff = True
    lead.save()
    lead.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="access", codename__endswith="roleassignment"
        )
    )
    client.force_login(lead)
    return lead


def test_the_admin_refuses_what_the_service_refuses(client, staff_lead):
    contract = staff_lead.role_assignments.get().contract
    caf = OrganisationFactory(funder=True)
    PartnerFactory(contract=contract, organisation=caf)
    response = client.post(
        reverse("admin:access_roleassignment_add"),
        {
            "user": staff_lead.pk,
            "contract": contract.pk,
            "role": ContractRole.FUNDER_INSTRUCTOR,
            "organisation": caf.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not RoleAssignment.objects.filter(role=ContractRole.FUNDER_INSTRUCTOR).exists()
    assert not caf.members.exists()


def test_the_admin_refuses_to_revoke_a_role_of_another_contract(client, staff_lead):
    elsewhere = RoleAssignmentFactory(observer=True)
    url = reverse("admin:access_roleassignment_delete", args=[elsewhere.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:access_roleassignment_changelist"),
        {"action": "delete_selected", "_selected_action": [elsewhere.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=elsewhere.pk).exists()
    assert not Event.objects.filter(verb="role_revoked").exists()
