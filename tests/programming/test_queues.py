"""Work queues: the funder instructor's inbox, a call's consolidated view (filtered, sorted,
paginated, exported as CSV), the conseil citoyen's list, the programming table's pages; who
sees which request, hostile parameters, exact query counts."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quartiers.access.enums import ContractRole
from quartiers.contracts.models import Qpv
from quartiers.core import pagination
from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus, Opinion
from tests.access.factories import RoleAssignmentFactory
from tests.programming.test_instruction_services import make_world, opinion_of

pytestmark = pytest.mark.django_db

INBOX = reverse("programming:instruction-inbox")
INBOX_CSV = reverse("programming:instruction-inbox-export")
COUNCIL = reverse("programming:council-queue")


@pytest.fixture
def world():
    return make_world()


def _opine(application, funder, by, **values):
    opinion = opinion_of(application, funder)
    return services.save_funder_opinion(
        opinion=opinion, expected_version=opinion.version, by=by, **values
    )


def _list_url(world, name="instruction-list"):
    return reverse(f"programming:{name}", kwargs={"uuid": world.call.uuid})


def _rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _titles(response) -> list[str]:
    """The dossiers' titles in a list page, in their order (row headers link to them)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [th.get_text(strip=True) for th in soup.select("tbody th[scope=row]")]


# --------------------------------------------------------------------------- inbox: who sees what


@pytest.mark.parametrize("role", ["lead", "prefect", "carrier", "council", "observer"])
def test_inbox_is_for_funder_instructors_only(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(INBOX).status_code == 403
    assert client.get(INBOX_CSV).status_code == 403


def test_inbox_needs_login(client, world):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_inbox_lists_the_requests_to_my_funder(client, world):
    client.force_login(world.caf_instructor)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert sorted(_titles(response)) == ["Jeunes en action", "Sport pour tous"]
    assertContains(
        response, reverse("programming:opinion-edit", args=[world.youth.uuid, world.caf.pk])
    )
    assertNotContains(
        response, reverse("programming:opinion-edit", args=[world.youth.uuid, world.ville.pk])
    )


def test_inbox_never_shows_another_funders_requests_or_notes(client, world):
    _opine(world.sport, world.caf, world.caf_instructor, private_note="Secret de la CAF")
    _opine(world.youth, world.caf, world.caf_instructor, private_note="Secret de la CAF")
    client.force_login(world.ville_instructor)
    response = client.get(INBOX)
    assert _titles(response) == ["Jeunes en action"]  # « sport » asks the CAF only
    assertNotContains(response, "Secret de la CAF")
    assertNotContains(response, "3\u00a0000,00\u00a0€")  # the CAF's request on « youth »
    rows = _rows(client.get(INBOX_CSV))
    assert [row[2] for row in rows[1:]] == ["Jeunes en action"]
    assert {row[4] for row in rows[1:]} == {"Ville des Tilleuls"}
    assert "Secret de la CAF" not in str(rows)


def test_inbox_ignores_a_funder_i_instruct_for_on_another_contract(client, world):
    other = make_world()
    # The Ville instructor of `world` also instructs for the CAF of `other`'s contract only.
    RoleAssignmentFactory(
        user=world.ville_instructor,
        contract=other.contract,
        role=ContractRole.FUNDER_INSTRUCTOR,
        organisation=other.caf,
    )
    client.force_login(world.ville_instructor)
    rows = _rows(client.get(INBOX_CSV))
    seen = {(row[0], row[2], row[4]) for row in rows[1:]}
    assert seen == {
        (world.contract.name, "Jeunes en action", "Ville des Tilleuls"),
        (other.contract.name, "Jeunes en action", "Caisse d'allocations familiales"),
        (other.contract.name, "Sport pour tous", "Caisse d'allocations familiales"),
    }  # never the CAF of `world`, never the Ville of `other`


def test_inbox_hides_drafts_and_withdrawn_dossiers(client, world):
    services.withdraw_application(application=world.sport, by=world.carrier)
    client.force_login(world.caf_instructor)
    assert _titles(client.get(INBOX)) == ["Jeunes en action"]


# --------------------------------------------------------------------------- inbox: filters


def test_inbox_filters_by_opinion_given_or_not(client, world):
    _opine(world.youth, world.caf, world.caf_instructor, verdict=Opinion.FAVOURABLE)
    client.force_login(world.caf_instructor)
    assert _titles(client.get(INBOX, {"opinion": "given"})) == ["Jeunes en action"]
    assert _titles(client.get(INBOX, {"opinion": "missing"})) == ["Sport pour tous"]


def test_inbox_searches_title_and_carrier_name(client, world):
    world.sport.carrier.name = "Club omnisports du Levant"
    world.sport.carrier.save()
    client.force_login(world.caf_instructor)
    assert _titles(client.get(INBOX, {"q": "jeunes"})) == ["Jeunes en action"]
    assert _titles(client.get(INBOX, {"q": "levant"})) == ["Sport pour tous"]
    assert _titles(client.get(INBOX, {"q": "rien de tel"})) == []
    assertContains(client.get(INBOX, {"q": "rien de tel"}), "Aucune demande ne correspond")


def test_inbox_filters_by_call_status_pillar_theme_qpv_and_carrier(client, world):
    pillar = world.contract.pillars.create(name="Emploi")
    theme = pillar.themes.create(name="Insertion")
    qpv = Qpv.objects.create(contract=world.contract, name="Les Tilleuls")
    world.youth.pillar, world.youth.theme = pillar, theme
    world.youth.save()
    world.youth.qpvs.add(qpv)
    other = make_world()
    RoleAssignmentFactory(
        user=world.caf_instructor,
        contract=other.contract,
        role=ContractRole.FUNDER_INSTRUCTOR,
        organisation=other.caf,
    )
    client.force_login(world.caf_instructor)
    assert len(_titles(client.get(INBOX))) == 4
    assert sorted(_titles(client.get(INBOX, {"call": str(other.call.uuid)}))) == [
        "Jeunes en action",
        "Sport pour tous",
    ]
    assert _titles(client.get(INBOX, {"pillar": pillar.pk})) == ["Jeunes en action"]
    assert _titles(client.get(INBOX, {"theme": theme.pk})) == ["Jeunes en action"]
    assert _titles(client.get(INBOX, {"qpv": qpv.pk})) == ["Jeunes en action"]
    assert _titles(client.get(INBOX, {"carrier": world.sport.carrier_id})) == ["Sport pour tous"]
    assert _titles(client.get(INBOX, {"status": ApplicationStatus.SUBMITTED})) == []
    assert len(_titles(client.get(INBOX, {"status": ApplicationStatus.UNDER_INSTRUCTION}))) == 4


def test_inbox_sorts_by_requested_amount(client, world):
    client.force_login(world.caf_instructor)
    assert _titles(client.get(INBOX, {"sort": "requested"})) == [
        "Sport pour tous",  # 1 000 €
        "Jeunes en action",  # 3 000 €
    ]
    assert _titles(client.get(INBOX, {"sort": "-requested"})) == [
        "Jeunes en action",
        "Sport pour tous",
    ]


def test_inbox_paginates_and_page_links_keep_the_filters(client, world, monkeypatch):
    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    client.force_login(world.caf_instructor)
    first = client.get(INBOX, {"sort": "title"})
    assert _titles(first) == ["Jeunes en action"]
    assertContains(first, 'href="?sort=title&amp;page=2"')
    assert _titles(client.get(INBOX, {"sort": "title", "page": 2})) == ["Sport pour tous"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "-3"},
        {"page": "99999"},
        {"page": "²"},
        {"page": "9" * 5000},
        {"sort": "unknown"},
        {"sort": "application__carrier__password"},
        {"status": "bogus"},
        {"opinion": "maybe"},
        {"call": "not-a-uuid"},
        {"pillar": "abc"},
        {"qpv": "-1"},
        {"carrier": "1 OR 1=1"},
        {"q": "%' OR 1=1 --"},
    ],
)
def test_inbox_and_lists_survive_hostile_parameters(client, world, params):
    client.force_login(world.caf_instructor)
    assert client.get(INBOX, params).status_code == 200
    assert client.get(INBOX_CSV, params).status_code == 200
    assert client.get(_list_url(world), params).status_code == 200
    client.force_login(world.lead)
    assert client.get(_list_url(world), params).status_code == 200
    assert client.get(_list_url(world, "instruction-export"), params).status_code == 200
    assert client.get(_list_url(world, "programming-table"), params).status_code == 200
    client.force_login(world.council)
    assert client.get(COUNCIL, params).status_code == 200


def test_inbox_csv_exports_the_filtered_set(client, world):
    _opine(
        world.youth,
        world.caf,
        world.caf_instructor,
        verdict=Opinion.RESERVED,
        proposed=Decimal("2500"),
    )
    client.force_login(world.caf_instructor)
    response = client.get(INBOX_CSV, {"opinion": "given"})
    assert 'filename="dossiers-a-instruire.csv"' in response["Content-Disposition"]
    header, *rows = _rows(response)
    assert header[:4] == ["Contrat", "Appel à projets", "Dossier", "Porteur"]
    assert len(rows) == 1
    assert rows[0][2] == "Jeunes en action"
    assert rows[0][6:9] == ["3000.00", "2500.00", "réservé"]
    # The page's export link carries the filters.
    assertContains(client.get(INBOX, {"opinion": "given"}), f"{INBOX_CSV}?opinion=given")


# --------------------------------------------------------------------------- consolidated view


def test_consolidated_view_is_filtered_searched_and_paginated(client, world, monkeypatch):
    client.force_login(world.lead)
    assert "Sport pour tous" not in client.get(_list_url(world), {"q": "jeunes"}).content.decode()
    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    page_two = client.get(_list_url(world), {"sort": "-title", "page": 2})
    text = page_two.content.decode()
    assert "Jeunes en action" in text and "Sport pour tous" not in text
    assertContains(page_two, "page 2 sur 2")
    # The foot of the table sums the whole list, not the page: 3 000 + 1 000 for the CAF.
    assertContains(page_two, "4\u00a0000,00\u00a0€")


def test_consolidated_view_opinion_filter_reads_my_funders_only(client, world):
    _opine(world.youth, world.ville, world.ville_instructor, verdict=Opinion.FAVOURABLE)
    client.force_login(world.ville_instructor)
    assert "Jeunes en action" in client.get(_list_url(world), {"opinion": "given"}).content.decode()
    client.force_login(world.lead)  # every funder's opinion: the CAF's is missing
    text = client.get(_list_url(world), {"opinion": "given"}).content.decode()
    assert "Jeunes en action" not in text


def test_consolidated_view_csv_per_role(client, world):
    _opine(world.youth, world.caf, world.caf_instructor, private_note="Secret de la CAF")
    client.force_login(world.lead)
    header, *rows = _rows(client.get(_list_url(world, "instruction-export")))
    assert "Caisse d'allocations familiales (CAF) — demandé" in header
    assert "Ville des Tilleuls — avis" in header
    assert sorted(row[0] for row in rows) == ["Jeunes en action", "Sport pour tous"]
    assert "Secret de la CAF" not in str(rows)
    client.force_login(world.ville_instructor)
    header, *rows = _rows(client.get(_list_url(world, "instruction-export")))
    assert not any(column.startswith("Caisse") for column in header)
    assert [row[0] for row in rows] == ["Jeunes en action"]
    for role in ("carrier", "council", "observer"):
        client.force_login(getattr(world, role))
        assert client.get(_list_url(world, "instruction-export")).status_code == 403


def test_instruction_list_of_another_contracts_call_stays_closed(client, world):
    other = make_world()
    client.force_login(world.caf_instructor)
    assert client.get(_list_url(other)).status_code == 403
    assert client.get(_list_url(other, "instruction-export")).status_code == 403


# --------------------------------------------------------------------------- programming table


def test_programming_table_totals_cover_the_whole_call(client, world, monkeypatch):
    monkeypatch.setattr(pagination, "PER_PAGE", 1)
    client.force_login(world.lead)
    response = client.get(_list_url(world, "programming-table"), {"page": 2})
    text = response.content.decode()
    assert "Sport pour tous" in text and "Jeunes en action" not in text
    assertContains(
        response, "6\u00a0000,00\u00a0€"
    )  # requested over the call: 3 000 + 2 000 + 1 000


# --------------------------------------------------------------------------- conseil citoyen


@pytest.mark.parametrize("role", ["lead", "caf_instructor", "carrier", "observer"])
def test_council_queue_is_for_the_conseil_citoyen_only(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(COUNCIL).status_code == 403


def test_council_queue_shows_given_or_not(client, world):
    services.give_council_opinion(
        application=world.youth, opinion=Opinion.FAVOURABLE, by=world.council
    )
    client.force_login(world.council)
    response = client.get(COUNCIL)
    assert sorted(_titles(response)) == ["Jeunes en action", "Sport pour tous"]
    assertContains(response, "Pas encore donné", count=1)
    assertContains(response, reverse("programming:council-opinion", args=[world.sport.uuid]))
    assert _titles(client.get(COUNCIL, {"opinion": "given"})) == ["Jeunes en action"]
    assert _titles(client.get(COUNCIL, {"opinion": "missing"})) == ["Sport pour tous"]


def test_council_queue_of_another_contract_is_empty(client, world):
    other = make_world()
    client.force_login(other.council)
    assert _titles(client.get(COUNCIL)) == ["Jeunes en action", "Sport pour tous"]
    assert {a.contract_id for a in [other.youth, other.sport]} == {other.contract.pk}
    assertNotContains(client.get(COUNCIL), str(world.youth.uuid))


# --------------------------------------------------------------------------- menu and call nav


def test_menu_and_call_nav_link_the_queues_for_their_roles(client, world):
    client.force_login(world.caf_instructor)
    response = client.get(_list_url(world, "call-detail"))
    assertContains(response, f'href="{INBOX}"')
    assertContains(response, f'href="{INBOX}?call={world.call.uuid}"')
    assertNotContains(response, f'href="{COUNCIL}"')
    client.force_login(world.council)
    response = client.get(_list_url(world, "call-detail"))
    assertContains(response, f'href="{COUNCIL}"')
    assertContains(response, f'href="{COUNCIL}?call={world.call.uuid}"')
    assertNotContains(response, f'href="{INBOX}"')
    client.force_login(world.lead)
    response = client.get(_list_url(world, "call-detail"))
    assertNotContains(response, f'href="{INBOX}')
    assertNotContains(response, f'href="{COUNCIL}')


# --------------------------------------------------------------------------- exact query counts

# Whatever the number of rows (2 or 8 dossiers), each list page sends exactly this many queries.
# Every signed-in page also counts its unread notifications (the header): one query each.
QUERIES = {
    # session, user, held roles (menu), filter choices (call, pillar, theme, qpv, carrier),
    # count, page of requests, their funding requests (status words)
    ("inbox", "caf_instructor"): 12,
    # session, user, call, roles, funders, count, page, consolidation (criteria, dossiers,
    # requests, technical opinions, budget total, call funders, totals ×2), held roles,
    # sessions, filter choices (pillar, theme, qpv, carrier)
    ("instruction-list", "lead"): 22,
    ("instruction-list", "caf_instructor"): 21,  # its funders, no call funders nor sessions
    ("programming-table", "lead"): 17,
    ("council-queue", "council"): 11,
}


def _url(name, world):
    if name == "inbox":
        return INBOX
    if name == "council-queue":
        return COUNCIL
    return _list_url(world, name)


@pytest.mark.parametrize(("name", "role"), list(QUERIES))
@pytest.mark.parametrize("extra", [0, 6])
def test_list_pages_send_a_constant_number_of_queries(
    client, django_assert_num_queries, name, role, extra
):
    world = make_world(extra_applications=extra)
    client.force_login(getattr(world, role))
    client.get(_url(name, world))  # the session is read; warm the first request
    with django_assert_num_queries(QUERIES[name, role]):
        response = client.get(_url(name, world))
    assert response.status_code == 200


# --------------------------------------------------------------------------- breadcrumbs


@pytest.mark.parametrize(
    ("who", "url", "title"),
    [
        ("caf_instructor", INBOX, "Dossiers à instruire"),
        ("council", COUNCIL, "Avis du conseil citoyen"),
    ],
)
def test_the_queues_trail_starts_at_my_space(client, world, who, url, title):
    from tests.core.test_breadcrumb import trail

    client.force_login(getattr(world, who))
    assert trail(client.get(url)) == [("Mon espace", reverse("workspace:home")), (title, None)]
