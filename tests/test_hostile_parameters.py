"""No 500 on hostile parameters: every URL pattern gets NUL bytes, non-ASCII digits, huge
numbers, negative numbers, non-UUIDs and 2 000 characters in each of its path parameters, and
the query and form parameters the views read, as a platform admin and as a carrier.

The audit found `/contrats/<slug>/partenaires/%00/` (PostgreSQL refuses NUL in text) and
`delete=²` on the attachments page (`"²".isdigit()` is true, `int("²")` fails). Expected:
anything but a server error; the test client re-raises a view's exception, which fails too.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from quartiers.access import services as access
from quartiers.access.enums import ContractRole
from quartiers.governance import minutes
from quartiers.governance import services as governance
from quartiers.participation import fund as fph
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.participation import factories as participation
from tests.programming.factories import ApplicationFactory, AttachmentFactory, CallFunderFactory
from tests.programming.followup_helpers import funded_application
from tests.protocol_import.factories import ImportJobFactory

# Percent-encoded, as they travel in a path: NUL, NUL inside a slug, superscript two, Arabic
# three, fullwidth one, a 30-digit number, a negative one, a non-UUID, 2 000 characters.
HOSTILE_PATH = [
    "%00",
    "lor%00iol",
    "%C2%B2",
    "%D9%A3",
    "%EF%BC%91",
    "9" * 30,
    "-1",
    "zz",
    "x" * 2000,
]
# The same, as query or form values.
HOSTILE_VALUES = ["\x00", "a\x00b", "²", "٣", "１", "9" * 30, "-1", "x" * 2000]
# Parameters the views read (request.GET/POST, filters, forms of the pages).
PARAMETERS = [
    "delete",
    "row",
    "apply",
    "comment",
    "pillar",
    "theme",
    "partner",
    "role",
    "q",
    "page",
    "année",
    "annee",
    "year",
    "next",
    "carrier",
    "title",
    "renewal_of",
    "funders",
    "funder",
    "organisation",
    "user",
    "email",
    "kind",
    "amount",
    "years",
    "signed_on",
    "confirm",
    "add",
    "seats",
    "seed",
    "typed",
    "college",
    "gender",
    "left_on",
    "term_starts_on",
    "created_on",
    "carrying_organisation",
    "volontaire",
    "volunteer",
    "decision",
    "votes_for",
    "votes_against",
    "decided_on",
    "amount_granted",
    "meeting",
    "total_cost",
    "amount_requested",
    "contact_email",
    "paid_on",
    "participants",
    "expenses",
    "envelope",
    "cap_per_project",
    "max_share",
    "is_open",
]
DRAFT_PAGES = ["edit", "autosave", "budget", "attachments", "submit"]
NOT_SERVER_ERRORS = {200, 301, 302, 400, 403, 404, 405}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def routes():
    """(name, route template) of every URL pattern; Django's admin is left to Django."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                yield from walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name, route

    return list(walk(get_resolver().url_patterns, "/", None))


@pytest.fixture
def world(db, loriol, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    carrier = OrganisationFactory(association=True)
    caf = loriol.partners.get(code="CAF").organisation
    application = funded_application(
        contract=loriol, carrier=carrier, funders=[caf], amounts=[5000]
    )
    CallFunderFactory(call=application.call, organisation=caf)
    attachment = AttachmentFactory(application=application)
    draft = ApplicationFactory(call=application.call, carrier=carrier)
    AttachmentFactory(application=draft)
    admin = UserFactory(admin=True)
    user = UserFactory()
    access.grant_role(
        contract=loriol, user=user, role=ContractRole.CARRIER, by=None, organisation=carrier
    )
    assignment = loriol.role_assignments.get(user=user)
    council = participation.council(loriol)
    member = participation.member(council)
    volunteer_list = participation.volunteer_list(loriol)
    draw = participation.draw(volunteer_list)
    steering = loriol.bodies.get(code="COPIL")
    membership = governance.add_member(
        body=steering, partner=loriol.partners.get(code="CAF"), role="member", voting=True, by=None
    )
    meeting = governance.plan_meeting(body=steering, date=datetime.date(2027, 3, 17), by=None)
    entry = governance.add_agenda_entry(meeting=meeting, title="Point", by=None)
    document = minutes.add_document(
        meeting=meeting,
        upload=SimpleUploadedFile("note.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
        by=None,
    )
    fund = participation.fund(loriol)
    reported = participation.paid(fund)
    key = participation.requested(fund, title="Autre projet")[1]
    reported = fph.file_report(
        project=reported,
        text="Bilan.",
        participants=3,
        expenses=Decimal("10"),
        receipts=[participation.upload()],
    )
    valid = {
        "slug": loriol.slug,
        "number": "1",
        "fmt": "csv",
        "code": "CAF",
        "uidb64": "MQ",
        "token": "invalid-token",
        "funder": str(caf.pk),
        "earlier": str(meeting.uuid),  # the meeting whose minutes another one approves
        "key": key,
        "year": str(fund.year),
    }
    # Which object a `uuid` or `pk` stands for, by the path segment before it / the route.
    uuids = {
        "appels": application.call.uuid,
        "dossiers": application.uuid,
        "seances": application.call.uuid,
        "imports": ImportJobFactory(created_by=admin, contract=loriol).uuid,
        "volontaires": volunteer_list.uuid,
        "tirages": draw.uuid,
        "tirages-au-sort": draw.uuid,
        "reunions": meeting.uuid,
        "projets": reported.uuid,
        # The carrier's pages of a draft (budget, attachments, autosave, submission).
        **{f"programming:application-{page}": draft.uuid for page in DRAFT_PAGES},
    }
    pks = {
        "programming:attachment-download": attachment.pk,
        "programming:payment-create": application.conventions.get().pk,
        "contracts:warning-review": loriol.import_warnings.first().pk,
        "access:contract-role-revoke": assignment.pk,
        **{f"participation:member-{page}": member.pk for page in ("edit", "leave", "erase")},
        "governance:member-remove": membership.pk,
        "governance:person-remove": governance.add_person(
            body=steering, name="Personne Qualifiée", role="member", voting=True, by=None
        ).pk,
        "governance:agenda-entry-remove": entry.pk,
        "governance:document-download": document.pk,
        "governance:document-remove": document.pk,
        "governance:document-publish": document.pk,
        "participation:micro-project-file": reported.files.get().pk,
    }
    return {"admin": admin, "carrier": user}, valid, uuids, pks, carrier.pk


def url_of(route, name, valid, uuids, pks, organisation, hostile=None):
    """`route` with valid values, except the parameter named `hostile[0]` set to hostile[1]."""

    def value(match):
        param = match["name"]
        if hostile and hostile[0] == param:
            return hostile[1]
        if param == "uuid" and name in uuids:
            return str(uuids[name])
        if param == "uuid":
            segment = route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            return str(uuids[segment])
        if param == "pk":
            return str(pks.get(name, organisation))
        return valid[param]

    return PARAMETER.sub(value, route)


def check(client, method, url, failures, **data):
    status = getattr(client, method)(url, data).status_code
    if status not in NOT_SERVER_ERRORS:
        failures.append(f"{method.upper()} {url[:120]} {str(data)[:80]}: {status}")


@pytest.mark.parametrize("role", ["admin", "carrier"])
def test_hostile_path_parameters(client, world, role):
    people, valid, uuids, pks, organisation = world
    client.force_login(people[role])
    failures = []
    for name, route in routes():
        for match in PARAMETER.finditer(route):
            for hostile in HOSTILE_PATH:
                url = url_of(route, name, valid, uuids, pks, organisation, (match["name"], hostile))
                check(client, "get", url, failures)
                check(client, "post", url, failures)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["admin", "carrier"])
def test_hostile_query_and_form_parameters(client, world, role):
    people, valid, uuids, pks, organisation = world
    client.force_login(people[role])
    failures = []
    for name, route in routes():
        if name in {"accounts:logout", "programming:application-withdraw"}:
            continue  # would end the session / the dossier the other routes need
        url = url_of(route, name, valid, uuids, pks, organisation)
        for value in HOSTILE_VALUES:
            check(client, "get", url, failures, **dict.fromkeys(PARAMETERS, value))
            check(client, "post", url, failures, **dict.fromkeys(PARAMETERS, value))
    assert not failures, "\n".join(failures)


def test_an_archived_contract_answers_every_route_without_a_server_error(client, world, loriol):
    """Every write service refuses an archived contract: its pages say so, never a 500."""
    people, valid, uuids, pks, organisation = world
    access.archive_contract(contract=loriol, by=None)
    client.force_login(people["admin"])
    failures = []
    for name, route in routes():
        if name in {"accounts:logout", "programming:contract-delete"}:
            continue
        url = url_of(route, name, valid, uuids, pks, organisation)
        check(client, "get", url, failures)
        check(client, "post", url, failures)
    assert not failures, "\n".join(failures)
