"""Deny by default: every route × every person × GET and POST, against `routes.ROUTES`.

Each request runs in a savepoint rolled back after it, so that an allowed write leaves the
world as it was for the next request; every request writes nothing and sends no e-mail unless
its case says who writes (`Case.writes`), and then it must write.
"""

import copy

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix.conftest import WriteRecorder
from tests.access_matrix.routes import LOGIN, ROUTES, Case
from tests.access_matrix.world import PEOPLE


def project_routes():
    """Names of every route of the project; Django's admin only by its index."""

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


def declaration_gaps(routes, declared):
    """(routes not declared, declared names that are no route, names without a case)."""
    return (
        sorted(set(routes) - set(declared)),
        sorted(set(declared) - set(routes)),
        sorted(name for name, cases in declared.items() if not cases),
    )


def test_every_route_is_declared():
    routes = project_routes()
    assert None not in routes and not any(r.endswith(":None") for r in routes), routes
    undeclared, gone, empty = declaration_gaps(routes, ROUTES)
    assert not undeclared, f"Declare the access of these routes in routes.py: {undeclared}"
    assert not gone, f"Routes declared in routes.py that no longer exist: {gone}"
    assert not empty, f"Declare at least one case for: {empty}"
    for name, cases in ROUTES.items():
        for case in cases:
            for method in ("get", "post"):
                assert set(case.expected(method)) == set(PEOPLE), (name, case.label, method)
            assert case.writes <= set(PEOPLE) and case.hidden_from <= set(PEOPLE), name


def test_a_new_route_or_a_removed_one_is_caught():
    """The check above, seen failing on a planted route and a planted declaration."""
    declared = {"app:kept": [Case()], "app:removed": [Case()], "app:empty": []}
    assert declaration_gaps(["app:kept", "app:new", "app:empty"], declared) == (
        ["app:new"],
        ["app:removed"],
        ["app:empty"],
    )


def outcome(response):
    if response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL)):
        return LOGIN
    return response.status_code


def call(client, method, url, data):
    """(outcome, what it wrote or sent, page text) of one request, rolled back after it; a
    500 is an outcome."""
    cookies = copy.deepcopy(client.cookies)
    mail.outbox = []
    with WriteRecorder() as writes, transaction.atomic():
        try:
            response = client.post(url, data) if method == "post" else client.get(url)
            result = outcome(response)
            text = "" if response.streaming else response.content.decode(errors="replace")
        except Exception as error:
            result, text = f"500 ({type(error).__name__}: {error})", ""
        transaction.set_rollback(True)
    client.cookies = cookies  # a sign-out must not sign the next request out
    sent = {f"e-mail to {', '.join(message.to)}" for message in mail.outbox}
    return result, writes.tables | sent, text


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("person", PEOPLE)
def test_access_matrix(client, world, person, method, db):
    user = world.people[person]
    if user is not None:
        client.force_login(user)
    failures = []
    for name, cases in ROUTES.items():
        for case in cases:
            url = reverse(name, kwargs=case.kwargs(world))
            data = case.data(world) if method == "post" else None
            result, written, text = call(client, method, url, data)
            expected = case.expected(method)[person]
            where = f"{method.upper()} {name} {case.label} {url}".replace("  ", " ")
            if result != expected:
                failures.append(f"{where}: {result}, expected {expected}")
            if method == "post" and person in case.writes:
                if not written:
                    failures.append(f"{where}: wrote nothing, expected a write")
            elif written:
                failures.append(f"{where}: wrote {sorted(written)} ({result})")
            if person in case.hidden_from:
                shown = [hidden for hidden in case.hidden(world) if hidden in text]
                if shown:
                    failures.append(f"{where}: shows {shown}")
    assert not failures, "\n".join(failures)


def test_refusals_are_explained_in_french(client, world, db):
    client.force_login(world.people["no_role"])
    response = client.get(
        reverse("contracts:contract-detail", kwargs={"slug": world.contract.slug})
    )
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    response = client.get("/contrats/inexistant/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_the_steering_roles_send_the_decision_letter(client, world, db, mailoutbox):
    """What the matrix sees as « a write » by the chef de projet is the carrier's e-mail."""
    client.force_login(world.people["project_lead"])
    response = client.post(reverse("programming:decision-notify", kwargs={"uuid": world.paid.uuid}))
    assert response.status_code == 302
    # The dossier's contact and the association's members; not the carrier whose role went.
    (message,) = mailoutbox
    assert "carrier@example.org" in message.to
    assert "revoked_carrier@example.org" not in message.to
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
