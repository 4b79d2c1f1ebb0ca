"""Committee sessions: creation, the technical committee's opinions, the steering committee's
decisions. Permissions per role, forms usable without JavaScript, bounded queries."""

import datetime
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus, CommitteeKind, DecisionOutcome, Opinion
from quartiers.programming.models import (
    CommitteeSession,
    Decision,
    FunderOpinion,
    TechnicalOpinion,
)
from tests.programming.test_instruction_services import examine, make_world, steering

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _detail(session):
    return reverse("programming:session-detail", kwargs={"uuid": session.uuid})


def _create(world):
    return reverse("programming:session-create", kwargs={"uuid": world.call.uuid})


def _forms(response) -> dict[str, BeautifulSoup]:
    """The page's row forms, by their `row` key."""
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return {
        form.find("input", attrs={"name": "row"})["value"]: form
        for form in page.find_all("form", method="post")
        if form.find("input", attrs={"name": "row"})
    }


def test_urls_are_lowercase_french(world):
    session = steering(world)
    assert _create(world) == f"/appels/{world.call.uuid}/seances/nouvelle/"
    assert _detail(session) == f"/seances/{session.uuid}/"


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("lead", 200),
        ("prefect", 200),
        ("caf_instructor", 403),
        ("carrier", 403),
        ("council", 403),
        ("observer", 403),
    ],
)
def test_sessions_are_for_steering_roles(client, world, role, status):
    session = steering(world)
    client.force_login(getattr(world, role))
    assert client.get(_detail(session)).status_code == status
    assert client.get(_create(world)).status_code == status


def test_carrier_cannot_record_a_decision(client, world):
    examine(world, world.sport)
    session = steering(world)
    client.force_login(world.carrier)
    response = client.post(
        _detail(session),
        {
            "row": f"copil-{world.sport.pk}-{world.caf.pk}",
            f"copil-{world.sport.pk}-{world.caf.pk}-outcome": DecisionOutcome.GRANTED,
            f"copil-{world.sport.pk}-{world.caf.pk}-amount": "1000",
        },
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_anonymous_people_are_sent_to_login(client, world):
    session = steering(world)
    for url in (_detail(session), _create(world)):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]


# --------------------------------------------------------------------------- creation


def test_steering_role_creates_a_session(client, world):
    client.force_login(world.lead)
    assertContains(client.get(_create(world)), "<h1>Nouvelle séance de comité</h1>", html=True)
    response = client.post(
        _create(world), {"kind": CommitteeKind.TECHNICAL, "held_on": "2025-03-12"}
    )
    session = CommitteeSession.objects.get(call=world.call)
    assert response.status_code == 302 and response["Location"] == _detail(session)
    assert (session.kind, session.held_on) == (CommitteeKind.TECHNICAL, datetime.date(2025, 3, 12))


def test_session_form_errors_are_shown(client, world):
    client.force_login(world.lead)
    response = client.post(_create(world), {"kind": "assemblée", "held_on": ""})
    assert response.status_code == 200
    assert not CommitteeSession.objects.exists()


# --------------------------------------------------------------------------- technical committee


def test_technical_session_lists_applications_with_one_form_each(client, world):
    services.save_funder_opinion(
        opinion=FunderOpinion.objects.get(
            request__application=world.youth, request__funder=world.caf
        ),
        expected_version=0,
        by=world.caf_instructor,
        verdict=Opinion.FAVOURABLE,
        proposed=Decimal("2500"),
        shared_comment="Partagé avec le comité.",
        private_note="Jamais en séance.",
    )
    session = examine(world)  # an empty technical session
    client.force_login(world.lead)
    response = client.get(_detail(session))
    assertContains(
        response, f"<h1>Comité technique du {session.held_on:%-d} mars 2025</h1>", html=True
    )
    assertContains(response, "Partagé avec le comité.")
    assertNotContains(response, "Jamais en séance.")
    assertContains(response, "2\u00a0500,00\u00a0€")
    assert set(_forms(response)) == {f"ct-{world.youth.pk}", f"ct-{world.sport.pk}"}


def test_technical_opinion_is_recorded_from_the_page(client, world):
    session = examine(world)
    client.force_login(world.prefect)
    prefix = f"ct-{world.youth.pk}"
    response = client.post(
        _detail(session),
        {"row": prefix, f"{prefix}-opinion": Opinion.RESERVED, f"{prefix}-comment": "À revoir."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_detail(session)}#dossier-{world.youth.uuid}"
    opinion = TechnicalOpinion.objects.get(session=session, application=world.youth)
    assert (opinion.opinion, opinion.comment) == (Opinion.RESERVED, "À revoir.")
    world.youth.refresh_from_db()
    assert world.youth.status == ApplicationStatus.EXAMINED
    # The form now shows the recorded opinion.
    form = _forms(client.get(_detail(session)))[prefix]
    assert form.find("option", selected=True)["value"] == Opinion.RESERVED
    assert form.find("textarea").get_text().strip() == "À revoir."


def test_unknown_row_is_refused_without_writing(client, world):
    session = examine(world)
    client.force_login(world.lead)
    response = client.post(_detail(session), {"row": "ct-999999"}, follow=True)
    assertContains(response, "ne correspond à aucun dossier")
    assert not TechnicalOpinion.objects.exists()


# --------------------------------------------------------------------------- steering committee


def test_steering_session_has_a_form_per_asked_funder_of_examined_applications(client, world):
    examine(world, world.youth)  # « sport » is not examined
    session = steering(world)
    client.force_login(world.lead)
    response = client.get(_detail(session))
    assert set(_forms(response)) == {
        f"copil-{world.youth.pk}-{world.caf.pk}",
        f"copil-{world.youth.pk}-{world.ville.pk}",
    }
    assertContains(response, "pas encore été examiné en comité technique")
    assertContains(response, "Décision de Ville des Tilleuls")


def test_steering_role_records_decisions_and_the_application_becomes_decided(client, world):
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.lead)
    for funder, outcome, amount in [
        (world.caf, DecisionOutcome.GRANTED, "2500"),
        (world.ville, DecisionOutcome.REFUSED, ""),
    ]:
        prefix = f"copil-{world.youth.pk}-{funder.pk}"
        response = client.post(
            _detail(session),
            {
                "row": prefix,
                f"{prefix}-outcome": outcome,
                f"{prefix}-amount": amount,
                f"{prefix}-motivation": "Motivé.",
            },
        )
        assert response.status_code == 302
    decisions = {d.funder: d for d in Decision.objects.filter(request__application=world.youth)}
    assert decisions[world.caf].request.granted == Decimal("2500")
    assert decisions[world.ville].outcome == DecisionOutcome.REFUSED
    assert decisions[world.ville].session == session
    world.youth.refresh_from_db()
    assert world.youth.status == ApplicationStatus.DECIDED


def test_granted_without_amount_shows_the_rule_and_keeps_the_input(client, world):
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.prefect)
    prefix = f"copil-{world.youth.pk}-{world.caf.pk}"
    response = client.post(
        _detail(session),
        {
            "row": prefix,
            f"{prefix}-outcome": DecisionOutcome.GRANTED,
            f"{prefix}-amount": "",
            f"{prefix}-motivation": "Ma motivation.",
        },
    )
    assert response.status_code == 200
    form = _forms(response)[prefix]
    assert "Une subvention accordée a un montant." in form.get_text()
    assert form.find("textarea").get_text().strip() == "Ma motivation."
    assert not Decision.objects.exists()


def test_a_refusal_without_motivation_is_shown_next_to_the_motivation(client, world):
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.lead)
    prefix = f"copil-{world.youth.pk}-{world.ville.pk}"
    response = client.post(
        _detail(session),
        {"row": prefix, f"{prefix}-outcome": DecisionOutcome.REFUSED, f"{prefix}-amount": ""},
    )
    assert response.status_code == 200
    form = _forms(response)[prefix]
    group = form.find("textarea").find_parent(class_=lambda c: c and "fr-input-group" in c.split())
    assert "Une décision « refusé » est motivée" in group.get_text()
    assert not Decision.objects.exists()


def test_session_detail_queries_do_not_grow_with_applications(
    client, django_assert_max_num_queries
):
    world = make_world(extra_applications=6)
    examine(world, world.youth, *world.extra)
    session = steering(world)
    client.force_login(world.lead)
    with django_assert_max_num_queries(14):
        response = client.get(_detail(session))
    assert len(_forms(response)) == 2 * 7  # two funders asked by each examined application
    sections = re.findall(r'<section id="dossier-', response.content.decode())
    assert len(sections) == 8  # one per application
