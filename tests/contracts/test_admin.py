"""The admin lets a chef de projet correct every imported model."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from quartiers.contracts.models import Engagement

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in apps.get_app_config("contracts").get_models()
    if not model.__name__.startswith("Historical")
]


def test_every_model_is_registered():
    assert [m for m in MODELS if m not in admin.site._registry] == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages(admin_client, loriol, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{prefix}_add")).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        url = reverse(f"{prefix}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200


def test_admin_search_and_filters(admin_client, loriol):
    url = reverse("admin:contracts_engagement_changelist")
    response = admin_client.get(url, {"q": "soins", "contract__id__exact": loriol.pk})
    expected = sum("soins" in e.text.lower() for e in Engagement.objects.all())
    assert response.context["cl"].result_count == expected


def test_admin_engagement_shows_its_roles_inline(admin_client, loriol):
    engagement = loriol.engagements.get(number=11)
    url = reverse("admin:contracts_engagement_change", args=[engagement.pk])
    response = admin_client.get(url)
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.queryset.count() == engagement.roles.count()


def test_admin_history(admin_client, loriol):
    engagement = loriol.engagements.get(number=1)
    url = reverse("admin:contracts_engagement_history", args=[engagement.pk])
    assert admin_client.get(url).status_code == 200
