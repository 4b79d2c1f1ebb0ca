"""Deny by default: every URL pattern, every role, the expected status.

Adding a view without declaring its access here makes `test_every_route_is_declared` fail.
The contract is unpublished, so that only its roles may read it.
"""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from quartiers.accounts import services
from quartiers.accounts.enums import ContractRole
from quartiers.contracts import services as contract_services

ROLES = (
    "anonymous",
    "no_role",
    "project_lead",
    "prefect_delegate",
    "funder_instructor",
    "carrier",
    "citizen_council",
    "observer",
    "admin",
)
CONTRACT_ROLES = ROLES[2:8]


def expect(default, **overrides):
    """Expected status per role: `default` for every role, then the overrides."""
    table = dict.fromkeys(ROLES, default)
    table.update(overrides)
    return table


EVERYONE = expect(200)
SIGNED_IN = expect(200, anonymous=302)
CONTRACT_READERS = expect(200, anonymous=302, no_role=403)
STEERING = expect(403, anonymous=302, project_lead=200, prefect_delegate=200, admin=200)
PROJECT_LEAD = expect(403, anonymous=302, project_lead=200, admin=200)
ADMIN_ONLY = expect(403, anonymous=302, admin=200)
# Organisation of the carrier (an association): steering roles and admins see every
# organisation; others only their own (404, not 403: no hint that it exists).
ORGANISATION_READERS = expect(
    404, anonymous=302, project_lead=200, prefect_delegate=200, carrier=200, admin=200
)
ORGANISATION_EDITORS = expect(
    404, anonymous=302, project_lead=403, prefect_delegate=403, carrier=200, admin=200
)
API_CONTRACT = expect(200, anonymous=404, no_role=404)
API_ORGANISATION = expect(
    404, anonymous=403, project_lead=200, prefect_delegate=200, carrier=200, admin=200
)

EXPECTED = {
    "contracts:home": EVERYONE,
    "contracts:contract-list": EVERYONE,
    "contracts:contract-detail": CONTRACT_READERS,
    "contracts:matrix": CONTRACT_READERS,
    "contracts:engagement-detail": CONTRACT_READERS,
    "contracts:matrix-export": CONTRACT_READERS,
    "contracts:partner-detail": CONTRACT_READERS,
    "contracts:glossary": CONTRACT_READERS,
    "contracts:source-document": CONTRACT_READERS,
    "contracts:events": STEERING,
    "contracts:warning-review": expect(405),  # POST only, see below
    "protocol_import:import": PROJECT_LEAD,
    "protocol_import:import-new": ADMIN_ONLY,
    "accounts:contract-roles": PROJECT_LEAD,
    "accounts:contract-role-revoke": expect(405, anonymous=302),  # POST only, see below
    "accounts:login": expect(302, anonymous=200),  # signed-in people go to their account
    "accounts:logout": expect(405),  # POST only
    "accounts:password-reset": EVERYONE,
    "accounts:password-reset-done": EVERYONE,
    "accounts:password-reset-confirm": EVERYONE,  # an invalid link page
    "accounts:password-reset-complete": EVERYONE,
    "accounts:my-account": SIGNED_IN,
    "accounts:password-change": SIGNED_IN,
    "accounts:organisation-list": SIGNED_IN,
    "accounts:organisation-detail": ORGANISATION_READERS,
    "accounts:organisation-edit": ORGANISATION_EDITORS,
    "api:contract-list": EVERYONE,
    "api:contract-detail": API_CONTRACT,
    "api:contract-engagements": API_CONTRACT,
    "api:organisation-list": expect(200, anonymous=403),
    "api:organisation-detail": API_ORGANISATION,
    "api:schema": EVERYONE,
    "api:docs": EVERYONE,
    "oidc-login": expect(404),  # ProConnect is off unless configured
    "oidc-callback": expect(404),
    "admin:index": expect(302, admin=200),
}


def project_routes():
    """(name, pattern) of every route of the project; Django's admin only by its index."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner == "admin":
                    yield "admin:index"
                    continue
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return list(dict.fromkeys(walk(get_resolver().url_patterns)))


def test_every_route_is_declared():
    routes = project_routes()
    assert None not in routes and not any(r.endswith(":None") for r in routes), routes
    undeclared = sorted(set(routes) - set(EXPECTED))
    assert not undeclared, f"Declare the access of these routes: {undeclared}"
    assert not set(EXPECTED) - set(routes), "Routes declared here no longer exist"


@pytest.fixture
def world(db, loriol):
    contract_services.publish_contract(contract=loriol, published=False)
    association = services.demo_organisation(name="Association témoin")
    caf = loriol.partners.get(code="CAF").organisation
    people = {"anonymous": None}
    for role in ("no_role", *CONTRACT_ROLES, "admin"):
        user = services.ensure_user(
            email=f"{role}@example.org",
            password="motdepasse-de-test",
            first_name=role,
            last_name="Test",
            is_superuser=role == "admin",
            is_staff=role == "admin",
        )
        if role in CONTRACT_ROLES:
            organisation = {
                ContractRole.CARRIER: association,
                ContractRole.FUNDER_INSTRUCTOR: caf,
            }.get(role)
            services.grant_role(
                contract=loriol, user=user, role=role, by=None, organisation=organisation
            )
        people[role] = user
    assignment = loriol.role_assignments.get(role=ContractRole.OBSERVER)
    kwargs = {
        "slug": loriol.slug,
        "number": 1,
        "fmt": "csv",
        "code": "CAF",
        "pk": association.pk,
        "uidb64": "MQ",
        "token": "invalid-token",
        "warning": loriol.import_warnings.first().pk,
    }
    return people, kwargs, assignment


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role):
    people, kwargs, assignment = world
    if people[role] is not None:
        client.force_login(people[role])
    failures = []
    for name in project_routes():
        url = _reverse(name, kwargs, assignment)
        status = client.get(url).status_code
        expected = EXPECTED[name][role]
        if status != expected:
            failures.append(f"{name} {url}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


def _reverse(name, kwargs, assignment):
    """A URL for `name`, trying the keyword sets our routes use (most specific first)."""
    if name == "accounts:contract-role-revoke":
        return reverse(name, kwargs={"slug": kwargs["slug"], "pk": assignment.pk})
    if name == "contracts:warning-review":
        return reverse(name, kwargs={"slug": kwargs["slug"], "pk": kwargs["warning"]})
    for keys in (
        ("slug", "number"),
        ("slug", "fmt"),
        ("slug", "code"),
        ("uidb64", "token"),
        ("slug",),
        ("pk",),
        (),
    ):
        try:
            return reverse(name, kwargs={k: kwargs[k] for k in keys})
        except NoReverseMatch:
            continue
    raise AssertionError(f"Cannot build a URL for {name}")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_project_lead_may_revoke_a_role(client, world, role):
    people, kwargs, assignment = world
    if people[role] is not None:
        client.force_login(people[role])
    url = reverse(
        "accounts:contract-role-revoke", kwargs={"slug": kwargs["slug"], "pk": assignment.pk}
    )
    response = client.post(url)
    allowed = role in {"project_lead", "admin"}
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    assert assignment.__class__.objects.filter(pk=assignment.pk).exists() is not allowed


def test_refusals_are_explained_in_french(client, world):
    people, kwargs, _ = world
    client.force_login(people["no_role"])
    response = client.get(reverse("contracts:contract-detail", kwargs={"slug": kwargs["slug"]}))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    response = client.get("/contrats/inexistant/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_steering_roles_mark_import_warnings_reviewed(client, world, role):
    people, kwargs, _ = world
    if people[role] is not None:
        client.force_login(people[role])
    url = reverse(
        "contracts:warning-review", kwargs={"slug": kwargs["slug"], "pk": kwargs["warning"]}
    )
    response = client.post(url)
    allowed = role in {"project_lead", "prefect_delegate", "admin"}
    expected = 302 if allowed or role == "anonymous" else 403
    assert response.status_code == expected
    from quartiers.contracts.models import ImportWarning

    assert ImportWarning.objects.get(pk=kwargs["warning"]).reviewed is allowed
