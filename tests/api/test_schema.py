"""The OpenAPI schema and its Swagger UI (served from our static files, CSP-compatible)."""

import json

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.settings import api_settings

from quartiers.api.permissions import DenyAll

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/contrats/", "/api/contrats/{slug}/engagements/", "/api/organisations/"} <= set(
        schema["paths"]
    )
    parameters = schema["paths"]["/api/contrats/{slug}/engagements/"]["get"]["parameters"]
    assert {"partner", "role"} <= {p["name"] for p in parameters}


def test_swagger_ui_uses_local_assets_and_the_nonce(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "cdn." not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style" not in html
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert html.count(f'nonce="{nonce}"') == html.count("<script") == 3

    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_views_deny_by_default():
    assert [DenyAll] == api_settings.DEFAULT_PERMISSION_CLASSES
    assert DenyAll().has_permission(request=None, view=None) is False


def test_json_only(client, published):
    response = client.get(reverse("api:contract-list"), HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == "application/json"
