"""Deny by default: every URL pattern, every role, the expected status.

Adding a view without declaring its access here makes `test_every_route_is_declared` fail.
The contract is unpublished, so that only its roles may read it.
"""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from quartiers.access import services as access
from quartiers.access.enums import ContractRole
from quartiers.contracts import services as contract_services
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.programming.factories import after_deadline

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
# Organisation of the carrier (an association): admins see every organisation, steering
# roles those of their contracts; others only their own (404, not 403: no hint that it exists).
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

APPLICATION_READERS = expect(200, anonymous=302, no_role=404)
DRAFT_EDITOR = expect(404, anonymous=302, carrier=200, admin=403)
PROGRAMMING_TABLE = expect(
    403,
    anonymous=302,
    project_lead=200,
    prefect_delegate=200,
    funder_instructor=200,
    observer=200,
    admin=200,
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
    "contracts:contract-archive": expect(405),  # POST only (tests/programming/test_deletion.py)
    "contracts:contract-unarchive": expect(405),  # POST only
    "programming:contract-delete": ADMIN_ONLY,  # a confirmation page
    "access:events": STEERING,
    "contracts:warning-review": expect(405),  # POST only, see below
    "protocol_import:import": PROJECT_LEAD,
    "protocol_import:import-new": ADMIN_ONLY,
    # An import job is its author's (the project lead's here) and the admins'; 404 for others.
    "protocol_import:job": expect(404, anonymous=302, project_lead=200, admin=200),
    "access:contract-roles": PROJECT_LEAD,
    "access:contract-role-revoke": expect(405),  # POST only, see below
    "accounts:login": expect(302, anonymous=200),  # signed-in people go to their account
    "accounts:logout": expect(405),  # POST only
    "accounts:password-reset": EVERYONE,
    "accounts:password-reset-done": EVERYONE,
    "accounts:password-reset-confirm": EVERYONE,  # an invalid link page
    "accounts:password-reset-complete": EVERYONE,
    "accounts:my-account": SIGNED_IN,
    "access:my-roles": SIGNED_IN,
    "accounts:password-change": SIGNED_IN,
    "access:organisation-list": SIGNED_IN,
    "access:organisation-detail": ORGANISATION_READERS,
    "access:organisation-edit": ORGANISATION_EDITORS,
    "api:contract-list": EVERYONE,
    "api:contract-detail": API_CONTRACT,
    "api:contract-engagements": API_CONTRACT,
    "api:organisation-list": expect(200, anonymous=403),
    "api:organisation-detail": API_ORGANISATION,
    "api:application-funding-requests": expect(
        403,
        no_role=404,
        project_lead=200,
        prefect_delegate=200,
        funder_instructor=200,
        carrier=200,
        admin=200,
    ),  # the ledger's rules
    "api:schema": EVERYONE,
    "api:docs": EVERYONE,
    "oidc-login": expect(404),  # ProConnect is off unless configured
    "oidc-callback": expect(404),
    "admin:index": expect(302, admin=200),
    # Programming (the contract is unpublished; see programming_world for the objects).
    "programming:call-list": CONTRACT_READERS,
    "programming:call-create": PROJECT_LEAD,
    "programming:call-detail": CONTRACT_READERS,
    "programming:call-edit": PROJECT_LEAD,
    "programming:call-copy": expect(405),
    "programming:call-open": expect(405),
    "programming:call-start-instruction": expect(405),
    "programming:call-ledger": expect(
        403, anonymous=302, project_lead=200, prefect_delegate=200, funder_instructor=200, admin=200
    ),
    "programming:my-applications": SIGNED_IN,
    "programming:application-create": expect(403, anonymous=302, carrier=200),
    # A carrier's application: 404 for those who may not know it exists.
    "programming:application-detail": APPLICATION_READERS,
    # Attachments (the RIB) are personal data: not for the conseil citoyen nor observers.
    "programming:attachment-download": expect(
        200, anonymous=302, no_role=404, citizen_council=403, observer=403
    ),
    "programming:application-edit": DRAFT_EDITOR,
    "programming:application-autosave": expect(405, anonymous=302),  # POST only
    "programming:application-budget": DRAFT_EDITOR,
    "programming:application-attachments": DRAFT_EDITOR,
    "programming:application-submit": expect(405, anonymous=302),
    "programming:application-withdraw": expect(405, anonymous=302),
    "programming:instruction-list": expect(
        403, anonymous=302, project_lead=200, prefect_delegate=200, funder_instructor=200, admin=200
    ),
    "programming:opinion-edit": expect(403, anonymous=302, no_role=404, funder_instructor=200),
    "programming:council-opinion": expect(403, anonymous=302, no_role=404, citizen_council=200),
    "programming:session-create": STEERING,
    "programming:session-detail": STEERING,
    "programming:programming-table": PROGRAMMING_TABLE,
    "programming:programming-export": PROGRAMMING_TABLE,
    "programming:decision-letter": expect(
        403,
        anonymous=302,
        no_role=404,
        project_lead=200,
        prefect_delegate=200,
        carrier=200,
        admin=200,
    ),
    "programming:convention-create": expect(
        403, anonymous=302, no_role=404, project_lead=200, admin=200
    ),
    "programming:payment-create": expect(
        403, anonymous=302, no_role=404, project_lead=200, funder_instructor=200, admin=200
    ),
    "programming:ledger": expect(
        403,
        anonymous=302,
        no_role=404,
        citizen_council=403,
        observer=403,
        project_lead=200,
        prefect_delegate=200,
        funder_instructor=200,
        carrier=200,
        admin=200,
    ),
    "programming:report-create": expect(403, anonymous=302, no_role=404, carrier=200),
    "programming:report-override": expect(405, anonymous=302),
    "programming:decision-notify": expect(405, anonymous=302),  # POST only, see below
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
    association = OrganisationFactory(association=True, name="Association témoin")
    caf = loriol.partners.get(code="CAF").organisation
    people = {"anonymous": None}
    for role in ("no_role", *CONTRACT_ROLES, "admin"):
        user = UserFactory(
            email=f"{role}@example.org", first_name=role, last_name="Test", admin=role == "admin"
        )
        if role in CONTRACT_ROLES:
            organisation = {
                ContractRole.CARRIER: association,
                ContractRole.FUNDER_INSTRUCTOR: caf,
            }.get(role)
            access.grant_role(
                contract=loriol, user=user, role=role, by=None, organisation=organisation
            )
        people[role] = user
    assignment = loriol.role_assignments.get(role=ContractRole.OBSERVER)
    programming = programming_world(loriol, association, caf, people)
    kwargs = {
        **programming,
        "slug": loriol.slug,
        "number": 1,
        "fmt": "csv",
        "code": "CAF",
        "pk": association.pk,
        "uidb64": "MQ",
        "token": "invalid-token",
        "warning": loriol.import_warnings.first().pk,
        "import_job": import_job(loriol, people["project_lead"]).uuid,
    }
    return people, kwargs, assignment


def import_job(contract, author):
    from datetime import timedelta

    from django.utils import timezone

    from quartiers.protocol_import.models import ImportJob

    return ImportJob.objects.create(
        created_by=author,
        contract=contract,
        document_name="protocole.txt",
        token="0" * 32 + ".txt",
        status="failed",
        error="Refusé.",
        expires_at=timezone.now() + timedelta(hours=1),
    )


def programming_world(contract, carrier, funder, people):
    """A call with applications at several stages, for the programming routes."""
    from quartiers.programming import services as programming
    from quartiers.programming.enums import CommitteeKind, DecisionOutcome, PaymentKind
    from quartiers.programming.models import CommitteeSession
    from tests.programming.factories import (
        ApplicationFactory,
        AttachmentFactory,
        CallForProjectsFactory,
        CallFunderFactory,
        GridCriterionFactory,
        submitted_application,
    )

    call = CallForProjectsFactory(contract=contract)
    CallFunderFactory(call=call, organisation=funder)
    GridCriterionFactory(call=call)
    instructed = submitted_application(call, carrier, funders=[funder], amounts=[5000])
    paid = submitted_application(call, carrier, funders=[funder], amounts=[8000])
    draft = ApplicationFactory(call=call, carrier=carrier)
    attachment = AttachmentFactory(application=paid)
    lead = people["project_lead"]
    after_deadline(call)
    programming.start_instruction(call=call, by=lead)
    paid.refresh_from_db()
    technical = CommitteeSession.objects.create(
        call=call, kind=CommitteeKind.TECHNICAL, held_on=call.opens_on
    )
    steering = CommitteeSession.objects.create(
        call=call, kind=CommitteeKind.STEERING, held_on=call.opens_on
    )
    programming.record_technical_opinion(
        session=technical, application=paid, opinion="favourable", by=lead
    )
    programming.record_decision(
        session=steering,
        application=paid,
        funder=funder,
        outcome=DecisionOutcome.GRANTED,
        amount=8000,
        by=lead,
    )
    convention = programming.sign_convention(
        application=paid, funders=[funder], signed_on=call.opens_on, by=lead
    )
    programming.record_payment(
        convention=convention,
        funder=funder,
        kind=PaymentKind.ADVANCE,
        amount=4000,
        paid_on=call.opens_on,
        by=lead,
    )
    return {
        "call": call.uuid,
        "instructed": instructed.uuid,
        "paid": paid.uuid,
        "draft": draft.uuid,
        "session": steering.uuid,
        "convention": convention.pk,
        "attachment": attachment.pk,
        "funder": funder.pk,
    }


# Programming routes: which object of `programming_world` each one is about.
PROGRAMMING_URL_KWARGS = {
    "programming:call-list": lambda k: {"slug": k["slug"]},
    "programming:call-create": lambda k: {"slug": k["slug"]},
    "programming:my-applications": lambda k: {},
    "programming:contract-delete": lambda k: {"slug": k["slug"]},
    "programming:application-edit": lambda k: {"uuid": k["draft"]},
    "programming:application-budget": lambda k: {"uuid": k["draft"]},
    "programming:application-attachments": lambda k: {"uuid": k["draft"]},
    "programming:opinion-edit": lambda k: {"uuid": k["instructed"], "funder": k["funder"]},
    "programming:council-opinion": lambda k: {"uuid": k["instructed"]},
    "programming:session-detail": lambda k: {"uuid": k["session"]},
    "programming:programming-export": lambda k: {"uuid": k["call"], "fmt": "xlsx"},
    "programming:payment-create": lambda k: {"pk": k["convention"]},
    "programming:attachment-download": lambda k: {"uuid": k["paid"], "pk": k["attachment"]},
    "api:application-funding-requests": lambda k: {"uuid": k["paid"]},
}
CALL_ROUTES = {
    "call-detail",
    "call-edit",
    "call-copy",
    "call-open",
    "call-start-instruction",
    "application-create",
    "instruction-list",
    "session-create",
    "programming-table",
    "call-ledger",
}


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
    if name == "access:contract-role-revoke":
        return reverse(name, kwargs={"slug": kwargs["slug"], "pk": assignment.pk})
    if name == "protocol_import:job":
        return reverse(name, kwargs={"uuid": kwargs["import_job"]})
    if name == "contracts:warning-review":
        return reverse(name, kwargs={"slug": kwargs["slug"], "pk": kwargs["warning"]})
    if name in PROGRAMMING_URL_KWARGS:
        return reverse(name, kwargs=PROGRAMMING_URL_KWARGS[name](kwargs))
    if name.startswith("programming:"):
        target = "call" if name.split(":")[1] in CALL_ROUTES else "paid"
        return reverse(name, kwargs={"uuid": kwargs[target]})
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
        "access:contract-role-revoke", kwargs={"slug": kwargs["slug"], "pk": assignment.pk}
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


@pytest.mark.parametrize("role", ROLES)
def test_only_steering_roles_send_the_decision(client, world, role, mailoutbox):
    people, kwargs, _ = world
    if people[role] is not None:
        client.force_login(people[role])
    url = reverse("programming:decision-notify", kwargs={"uuid": kwargs["paid"]})
    response = client.post(url)
    allowed = role in {"project_lead", "prefect_delegate", "admin"}
    expected = {"anonymous": 302, "no_role": 404}.get(role, 302 if allowed else 403)
    assert response.status_code == expected
    assert len(mailoutbox) == (1 if allowed else 0)
    if allowed:
        _name, content, mimetype = mailoutbox[0].attachments[0]
        assert mimetype == "application/pdf" and content.startswith(b"%PDF")
