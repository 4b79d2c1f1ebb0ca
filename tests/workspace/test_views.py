"""The home page: « Mon espace » for signed-in people, the public contracts for visitors;
the main menu and the dossier's navigation."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from quartiers.access.enums import ContractRole
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import (
    ApplicationFactory,
    CallForProjectsFactory,
    CallFunderFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def menu(response):
    """{label: aria-current} of the main menu's links."""
    nav = soup(response).find("nav", attrs={"aria-label": "Menu principal"})
    return {a.get_text(strip=True): a.get("aria-current") for a in nav.find_all("a")}


def dossier_nav(response):
    nav = soup(response).find("nav", attrs={"aria-label": "Pages du dossier"})
    return [a.get_text(strip=True) for a in nav.find_all("a")] if nav else []


def test_visitors_keep_the_public_list_of_contracts(client):
    contract = ContractFactory()
    response = client.get("/")
    assertContains(response, "<h1>Contrats de ville</h1>", html=True)
    assertContains(response, contract.name)
    assert "Mon espace" not in menu(response)


def test_a_person_without_role_is_told_what_will_appear(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assertContains(response, "<h1>Mon espace</h1>", html=True)
    assertContains(response, "Vous n’avez encore de rôle sur aucun contrat")
    assert menu(response)["Mon espace"] == "page"


def test_the_project_lead_finds_her_filed_dossiers_linked_to_the_instruction(client):
    call = CallForProjectsFactory()
    submitted_application(call)
    lead = RoleAssignmentFactory(contract=call.contract).user
    client.force_login(lead)
    response = client.get("/")
    link = soup(response).find("a", href=reverse("programming:instruction-list", args=[call.uuid]))
    assert link.get_text(strip=True) == f"{call.title} : 1 dossier déposé pas encore en instruction"
    assertContains(response, "Comités à préparer")  # with its empty state
    assertContains(response, "apparaîtront ici quand un appel en instruction aura une date")


def test_the_carrier_finds_its_draft_and_the_observer_its_reading(client):
    call = CallForProjectsFactory()
    draft = ApplicationFactory(call=call)
    carrier = RoleAssignmentFactory(
        contract=call.contract, role=ContractRole.CARRIER, organisation=draft.carrier
    ).user
    client.force_login(carrier)
    response = client.get("/")
    assertContains(response, f"Brouillon : {draft.title}")
    assertNotContains(response, "Tableau de programmation")
    observer = RoleAssignmentFactory(contract=call.contract, role=ContractRole.OBSERVER).user
    client.force_login(observer)
    response = client.get("/")
    assertContains(response, f"{call.title} : tableau de programmation")
    assertNotContains(response, draft.title)


def test_the_home_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(3):
        call = CallForProjectsFactory()
        submitted_application(call)
        for role in ContractRole.values:
            organisation = None
            if role in (ContractRole.CARRIER, ContractRole.FUNDER_INSTRUCTOR):
                organisation = OrganisationFactory()
            RoleAssignmentFactory(
                user=user, contract=call.contract, role=role, organisation=organisation
            )
    client.force_login(user)
    with django_assert_max_num_queries(20):  # the space's 11, the session, the user, the page
        response = client.get("/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/contrats/", "Contrats"),
        ("/mes-dossiers/", "Mes dossiers"),
        ("/organisations/", "Organisations"),
        ("/mon-compte/", None),
    ],
)
def test_the_main_menu_marks_the_section_of_the_page(client, url, current):
    client.force_login(UserFactory())
    marked = {label for label, value in menu(client.get(url)).items() if value}
    assert marked == ({current} if current else set())


def test_a_contract_page_is_in_the_contracts_section(client):
    call = CallForProjectsFactory()
    client.force_login(RoleAssignmentFactory(contract=call.contract).user)
    assert menu(client.get(call.get_absolute_url()))["Contrats"] == "true"


def test_the_dossier_navigation_follows_the_predicates(client):
    caf = OrganisationFactory(funder=True)
    call = CallForProjectsFactory()
    CallFunderFactory(call=call, organisation=caf)
    application = submitted_application(call, funders=[caf], amounts=[1000])
    page = application.get_absolute_url()
    carrier = RoleAssignmentFactory(
        contract=call.contract, role=ContractRole.CARRIER, organisation=application.carrier
    ).user
    instructor = RoleAssignmentFactory(
        contract=call.contract, role=ContractRole.FUNDER_INSTRUCTOR, organisation=caf
    ).user
    council = RoleAssignmentFactory(contract=call.contract, role=ContractRole.CITIZEN_COUNCIL).user
    expected = {
        carrier: ["Dossier", "Suivi financier"],
        instructor: ["Dossier", "Mon avis", "Suivi financier"],
        council: ["Dossier", "Avis du conseil citoyen"],
    }
    for user, labels in expected.items():
        client.force_login(user)
        assert dossier_nav(client.get(page)) == labels
    client.force_login(instructor)
    opinion = reverse("programming:opinion-edit", args=[application.uuid, caf.pk])
    nav = soup(client.get(opinion)).find("nav", attrs={"aria-label": "Pages du dossier"})
    current = nav.find("a", attrs={"aria-current": "page"})
    assert current.get_text(strip=True) == "Mon avis"
