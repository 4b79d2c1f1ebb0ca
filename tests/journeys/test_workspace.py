"""Journey: three roles sign in from `/`, land on « Mon espace » and click what waits for them
to reach the page where the work is done."""

import pytest
from playwright.sync_api import expect

from quartiers.access.enums import ContractRole
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory
from tests.journeys.navigation import sign_in, sign_in_from_home, sign_out
from tests.programming.factories import (
    ApplicationFactory,
    CallForProjectsFactory,
    CallFunderFactory,
    after_deadline,
    submitted_application,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_role_reaches_its_work_from_its_space(live_server, page):
    caf = OrganisationFactory(funder=True, name="CAF de la Drôme")
    call = CallForProjectsFactory(title="Appel à projets de l’année")
    CallFunderFactory(call=call, organisation=caf)
    filed = submitted_application(call, funders=[caf], amounts=[3000])
    draft = ApplicationFactory(call=call, carrier=filed.carrier, title="Ateliers du samedi")
    after_deadline(call)
    contract = call.contract
    carrier = RoleAssignmentFactory(
        contract=contract, role=ContractRole.CARRIER, organisation=filed.carrier
    ).user
    instructor = RoleAssignmentFactory(
        contract=contract, role=ContractRole.FUNDER_INSTRUCTOR, organisation=caf
    ).user
    lead = RoleAssignmentFactory(contract=contract).user

    # The carrier: her draft, to complete.
    sign_in_from_home(page, live_server.url, carrier.email)
    page.get_by_role("main").get_by_role("link", name=f"Brouillon : {draft.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Formulaire du dossier « {draft.title} »"
    )
    sign_out(page)

    # The CAF's instructor: the request awaiting her opinion, with the committee date.
    sign_in(page, instructor.email)
    page.get_by_role("main").get_by_role(
        "link", name=f"{call.title} : 1 demande à {caf.name} en attente de votre avis"
    ).click()  # her inbox, on this call, the requests awaiting her opinion
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers à instruire")
    expect(page.get_by_role("main")).to_contain_text(filed.title)
    sign_out(page)

    # The chef de projet: the deadline passed, the call is to close; then back to her space.
    sign_in(page, lead.email)
    page.get_by_role("main").get_by_role(
        "link", name=f"{call.title} : date limite passée, clore et démarrer l’instruction"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(call.title)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon espace"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
