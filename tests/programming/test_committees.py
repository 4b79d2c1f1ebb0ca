"""Committee sessions: creation, the technical committee's opinions, the steering committee's
decisions. Permissions per role, forms usable without JavaScript, bounded queries."""

import datetime
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus, CommitteeKind, DecisionOutcome, Opinion
from quartiers.programming.models import (
    AgendaItem,
    CommitteeSession,
    Decision,
    FunderOpinion,
    FundingRequest,
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


def _agenda(session):
    return reverse("programming:session-agenda", kwargs={"uuid": session.uuid})


def _page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def _rows(response) -> dict[str, BeautifulSoup]:
    """The table's rows, by their key (`t<application>` or `d<application>-<funder>`)."""
    return {
        tr["id"].removeprefix("ligne-"): tr
        for tr in _page(response).find_all("tr", id=re.compile("^ligne-"))
    }


def _form_data(response) -> dict:
    """What a browser sends for the page's table form, as shown (hidden fields included)."""
    form = _page(response).find("input", attrs={"name": "version"}).find_parent("form")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") == "submit":
            continue
        if field.name == "select":
            selected = field.find("option", selected=True)
            data[name] = selected["value"] if selected else ""
        elif field.name == "textarea":
            data[name] = field.get_text().strip()
        else:
            data[name] = field.get("value", "")
    return data


def _save(client, session, rows: dict[str, dict], **extra):
    """Open the session page, fill `rows` ({key: {field: value}}) and save the table once."""
    data = _form_data(client.get(_detail(session)))
    for key, values in rows.items():
        for name, value in values.items():
            data[f"{key}-{name}"] = value
    data.update(extra)
    return client.post(_detail(session), data)


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


@pytest.mark.parametrize("role", ["carrier", "caf_instructor", "observer", "council"])
def test_other_roles_cannot_record_decisions_or_set_the_agenda(client, world, role):
    examine(world, world.sport)
    session = steering(world)
    client.force_login(world.lead)
    data = _form_data(client.get(_detail(session)))
    data[f"d{world.sport.pk}-{world.caf.pk}-outcome"] = DecisionOutcome.GRANTED
    data[f"d{world.sport.pk}-{world.caf.pk}-amount"] = "1000"
    client.force_login(getattr(world, role))
    assert client.post(_detail(session), data).status_code == 403
    assert client.get(_agenda(session)).status_code == 403
    assert client.post(_agenda(session), {"applications": [world.sport.pk]}).status_code == 403
    assert not Decision.objects.exists() and not AgendaItem.objects.exists()


def test_a_steering_role_of_another_contract_gets_403(client, world):
    session = steering(world)
    other = make_world()
    client.force_login(other.lead)
    for url in (_detail(session), _agenda(session)):
        assert client.get(url).status_code == 403


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


# --------------------------------------------------------------------------- agenda


def test_the_default_agenda_is_what_waits_for_the_committee(client, world):
    technical = examine(world)  # nothing examined yet: both dossiers wait for it
    client.force_login(world.lead)
    assert set(_rows(client.get(_detail(technical)))) == {
        f"t{world.youth.pk}",
        f"t{world.sport.pk}",
    }
    services.record_technical_opinion(
        session=technical, application=world.youth, opinion=Opinion.FAVOURABLE
    )
    session = steering(world)
    response = client.get(_detail(session))
    # The steering committee waits for the examined dossier only, one row per funder asked.
    assert set(_rows(response)) == {
        f"d{world.youth.pk}-{world.caf.pk}",
        f"d{world.youth.pk}-{world.ville.pk}",
    }
    assertContains(response, "par défaut : les dossiers examinés en comité technique")


def test_the_lead_chooses_the_agenda_and_the_session_shows_only_it(client, world):
    examine(world, world.youth, world.sport)
    session = steering(world)
    client.force_login(world.lead)
    page = _page(client.get(_agenda(session)))
    checked = {box["value"] for box in page.find_all("input", type="checkbox", checked=True)}
    assert checked == {str(world.youth.pk), str(world.sport.pk)}  # the default, pre-checked
    data = {
        "applications": [world.sport.pk],
        "version": "0",
        "submission_token": page.find("input", attrs={"name": "submission_token"})["value"],
    }
    response = client.post(_agenda(session), data)
    assert response.status_code == 302 and response["Location"] == _detail(session)
    assert list(session.agenda.values_list("application", flat=True)) == [world.sport.pk]
    assert set(_rows(client.get(_detail(session)))) == {f"d{world.sport.pk}-{world.caf.pk}"}
    # The same form sent again is a replay: nothing more is written.
    again = client.post(_agenda(session), data, follow=True)
    assertContains(again, "déjà été enregistrée")
    assert AgendaItem.history.count() == 1


def test_an_empty_agenda_is_refused(client, world):
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.lead)
    response = client.post(_agenda(session), {"version": "0"})
    assertContains(response, "Choisissez au moins un dossier")
    assert not AgendaItem.objects.exists()


def test_the_agenda_is_closed_once_decisions_are_recorded(client, world):
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.lead)
    key = f"d{world.youth.pk}-{world.caf.pk}"
    _save(client, session, {key: {"outcome": "granted", "amount": "3000"}})
    assert Decision.objects.filter(session=session).exists()
    assertNotContains(client.get(_detail(session)), "Modifier l'ordre du jour")
    closed = client.get(_agenda(session))
    assertNotContains(closed, "Enregistrer l'ordre du jour")
    assertContains(closed, world.youth.title)  # the agenda, read only
    # The first save fixed the default agenda; it no longer changes.
    assert list(session.agenda.values_list("application", flat=True)) == [world.youth.pk]
    response = client.post(_agenda(session), {"applications": [], "version": "1"})
    assert response.status_code == 302
    assert list(session.agenda.values_list("application", flat=True)) == [world.youth.pk]


# --------------------------------------------------------------------------- technical table


def test_technical_table_shows_the_instruction_without_private_notes(client, world):
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
    session = examine(world)
    client.force_login(world.lead)
    response = client.get(_detail(session))
    assertContains(
        response, f"<h1>Comité technique du {session.held_on:%-d} mars 2025</h1>", html=True
    )
    assertContains(response, "Partagé avec le comité.")
    assertNotContains(response, "Jamais en séance.")
    assertContains(response, "2\u00a0500,00\u00a0€")


def test_technical_opinions_of_the_whole_agenda_are_saved_at_once(client, world):
    session = examine(world)
    client.force_login(world.prefect)
    response = _save(
        client,
        session,
        {
            f"t{world.youth.pk}": {"opinion": Opinion.RESERVED, "comment": "À revoir."},
            f"t{world.sport.pk}": {"opinion": Opinion.FAVOURABLE},
        },
    )
    assert response.status_code == 302 and response["Location"] == _detail(session)
    opinions = {o.application: o for o in TechnicalOpinion.objects.filter(session=session)}
    assert (opinions[world.youth].opinion, opinions[world.youth].comment) == (
        Opinion.RESERVED,
        "À revoir.",
    )
    assert opinions[world.sport].opinion == Opinion.FAVOURABLE
    world.youth.refresh_from_db()
    assert world.youth.status == ApplicationStatus.EXAMINED
    page = client.get(_detail(session))
    assertContains(page, "Séance enregistrée : 2 avis.")
    row = _rows(page)[f"t{world.youth.pk}"]
    assert row.find("option", selected=True)["value"] == Opinion.RESERVED


# --------------------------------------------------------------------------- decision table


def test_all_decisions_are_recorded_in_one_save(client, world):
    examine(world, world.youth, world.sport)
    session = steering(world)
    client.force_login(world.lead)
    response = _save(
        client,
        session,
        {
            f"d{world.youth.pk}-{world.caf.pk}": {"outcome": "granted", "amount": "2500"},
            f"d{world.youth.pk}-{world.ville.pk}": {
                "outcome": "refused",
                "motivation": "Hors priorités.",
            },
            f"d{world.sport.pk}-{world.caf.pk}": {"outcome": "granted", "amount": "1000"},
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _detail(session)  # the page's top, where the message is
    decisions = {(d.application, d.funder): d for d in Decision.objects.filter(session=session)}
    assert len(decisions) == 3
    assert decisions[world.youth, world.caf].request.granted == Decimal("2500")
    assert decisions[world.youth, world.ville].motivation == "Hors priorités."
    for application in (world.youth, world.sport):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DECIDED
    page = client.get(_detail(session))
    content = page.content.decode()
    # The confirmation comes before the table (at the top of the page).
    assert content.index("Séance enregistrée : 3 décisions.") < content.index("<h1>")


def test_one_invalid_row_saves_nothing_and_is_shown_in_its_row_and_the_summary(client, world):
    examine(world, world.youth, world.sport)
    session = steering(world)
    client.force_login(world.lead)
    refused = f"d{world.youth.pk}-{world.ville.pk}"
    response = _save(
        client,
        session,
        {
            f"d{world.youth.pk}-{world.caf.pk}": {"outcome": "granted", "amount": "2500"},
            refused: {"outcome": "refused", "motivation": ""},
            f"d{world.sport.pk}-{world.caf.pk}": {"outcome": "granted", "amount": "5000"},
        },
    )
    assert response.status_code == 200
    assert not Decision.objects.exists()
    assert FundingRequest.objects.filter(granted__gt=0).count() == 0
    rows = _rows(response)
    assert "Une décision « refusé » est motivée" in rows[refused].get_text()
    too_much = rows[f"d{world.sport.pk}-{world.caf.pk}"]
    assert "dépasse le montant demandé" in too_much.get_text()
    # The valid row keeps what was typed.
    assert rows[f"d{world.youth.pk}-{world.caf.pk}"].find("input")["value"] == "2500"
    summary = _page(response).find(id="erreurs")
    assert "2 lignes à corriger : rien n'a été enregistré." in summary.get_text()
    assert {a["href"] for a in summary.find_all("a")} == {
        f"#ligne-{refused}",
        f"#ligne-d{world.sport.pk}-{world.caf.pk}",
    }


def test_granted_without_amount_is_refused_in_its_row(client, world):
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.prefect)
    key = f"d{world.youth.pk}-{world.caf.pk}"
    response = _save(client, session, {key: {"outcome": "granted", "amount": ""}})
    assert response.status_code == 200
    assert "Une subvention accordée a un montant." in _rows(response)[key].get_text()
    assert not Decision.objects.exists()


def test_a_table_sent_twice_is_recorded_once(client, world):
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.lead)
    data = _form_data(client.get(_detail(session)))
    data[f"d{world.youth.pk}-{world.caf.pk}-outcome"] = "granted"
    data[f"d{world.youth.pk}-{world.caf.pk}-amount"] = "2000"
    assert client.post(_detail(session), data).status_code == 302
    again = client.post(_detail(session), data, follow=True)
    assertContains(again, "déjà été enregistrée")
    assert Decision.history.count() == 1


def test_a_table_prepared_before_another_save_is_refused(client, world):
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.lead)
    stale = _form_data(client.get(_detail(session)))
    key = f"d{world.youth.pk}-{world.caf.pk}"
    assert _save(client, session, {key: {"outcome": "granted", "amount": "1"}}).status_code == 302
    client.force_login(world.prefect)
    stale[f"d{world.youth.pk}-{world.ville.pk}-outcome"] = "refused"
    stale[f"d{world.youth.pk}-{world.ville.pk}-motivation"] = "Non."
    response = client.post(_detail(session), stale)
    assertContains(response, "a enregistré cette séance pendant que vous la prépariez")
    assert not Decision.objects.filter(request__funder=world.ville).exists()


def test_an_archived_contract_shows_the_session_without_forms(client, world):
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.lead)
    data = _form_data(client.get(_detail(session)))
    world.contract.archived_at = timezone.now()
    world.contract.save(update_fields=["archived_at"])
    response = client.get(_detail(session))
    assertContains(response, "Ce contrat est archivé")
    assertNotContains(response, "Enregistrer les décisions")
    data[f"d{world.youth.pk}-{world.caf.pk}-outcome"] = "granted"
    response = client.post(_detail(session), data, follow=True)
    assertContains(response, "Ce contrat est archivé")
    assert not Decision.objects.exists()


def test_committee_stage_wording_follows_the_records(client, world):
    """No « pas encore examiné » under an opinion: the stage reads the actual records."""
    examine(world, world.youth)
    session = steering(world)
    client.force_login(world.lead)
    response = client.get(_detail(session))
    assertContains(response, "favorable (séance du 1 mars 2025)")
    assertNotContains(response, "pas encore examiné")


def test_session_page_queries_are_constant(client, django_assert_num_queries):
    def count(extra):
        world = make_world(extra_applications=extra)
        examine(world, world.youth, *world.extra)
        session = steering(world)
        client.force_login(world.lead)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(_detail(session))
        assert len(_rows(response)) == 2 * (1 + extra)
        return len(queries)

    small, large = count(1), count(8)
    assert small == large
    world = make_world(extra_applications=3)
    examine(world, world.youth, *world.extra)
    session = steering(world)
    client.force_login(world.lead)
    with django_assert_num_queries(small):
        client.get(_detail(session))


def test_a_large_agenda_is_paginated_and_each_page_saved_at_once(client, monkeypatch):
    from quartiers.programming.views import committees

    monkeypatch.setattr(committees, "SESSION_PER_PAGE", 2)
    world = make_world(extra_applications=2)
    examine(world, world.youth, *world.extra)
    session = steering(world)
    client.force_login(world.lead)
    first = client.get(_detail(session))
    assertContains(first, "Dossiers 1 à 2 sur 3")
    second = client.get(_detail(session) + "?page=2")
    keys = {key.split("-")[0] for key in _rows(second)}
    assert len(keys) == 1 and keys.isdisjoint(k.split("-")[0] for k in _rows(first))
    data = _form_data(second)
    key = next(iter(_rows(second)))
    data.update({f"{key}-outcome": DecisionOutcome.GRANTED, f"{key}-amount": "1000"})
    response = client.post(_detail(session) + "?page=2", data)
    assert response.status_code == 302
    assert response["Location"] == _detail(session) + "?page=2"
    assert Decision.objects.filter(session=session).count() == 1


# --------------------------------------------------------------------------- programming table


def test_programming_table_names_the_session_held_or_says_none_is(client, world):
    examine(world, world.youth)
    client.force_login(world.lead)
    url = reverse("programming:programming-table", kwargs={"uuid": world.call.uuid})
    none_yet = "Aucune séance du comité de pilotage n&#x27;a encore décidé de ces dossiers."
    assertContains(client.get(url), none_yet)
    session = services.create_committee_session(
        call=world.call, kind=CommitteeKind.STEERING, held_on=datetime.date(2025, 4, 3)
    )
    services.record_decision(
        session=session,
        application=world.youth,
        funder=world.caf,
        outcome=DecisionOutcome.GRANTED,
        amount=Decimal("100"),
    )
    assertContains(client.get(url), "Comité de pilotage du 3 avril 2025")


def test_the_technical_label_never_contradicts_the_status(world):
    from quartiers.programming import exports
    from quartiers.programming.models import Application

    # An imported dossier may be past the comité technique with no opinion recorded.
    Application.objects.filter(pk=world.sport.pk).update(status=ApplicationStatus.EXAMINED)
    examine(world, world.youth)
    rows = {row.application: row for row in exports.consolidate(world.call).rows}
    assert rows[world.youth].technical_label == "favorable (séance du 1 mars 2025)"
    assert rows[world.sport].technical_label == "aucun avis enregistré"
    other = make_world()
    (row,) = [r for r in exports.consolidate(other.call).rows if r.application == other.sport]
    assert row.technical_label == "pas encore examiné"


def test_the_application_page_reads_the_recorded_technical_stage(client, world):
    from quartiers.programming.models import Application

    Application.objects.filter(pk=world.sport.pk).update(status=ApplicationStatus.EXAMINED)
    client.force_login(world.lead)
    response = client.get(world.sport.get_absolute_url())
    assertContains(response, "Comité technique : aucun avis enregistré.")
    assertNotContains(response, "pas encore examiné")
