"""Pages of calls and applications: who may do what, status codes and key content."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quartiers.programming.enums import ApplicationStatus, BudgetSide, CallStatus
from quartiers.programming.models import Application, CallForProjects, FunderOpinion
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory
from tests.contracts.factories import ContractFactory, PartnerFactory
from tests.programming.factories import (
    PDF_BYTES,
    ApplicationFactory,
    AttachmentFactory,
    CallForProjectsFactory,
    CallFunderFactory,
    GridCriterionFactory,
    RequiredAttachmentFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def form_data(response, selector="main form[method=post]", index=0) -> dict:
    """What a browser would send for the page's form (checked boxes only, selected options)."""
    form = soup(response).select(selector)[index]
    data = {}
    for field in form.select("input, select, textarea"):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "file"}:
            continue
        if field.name == "select":
            chosen = [o.get("value", "") for o in field.select("option[selected]")]
            if field.has_attr("multiple"):
                data[name] = chosen
            else:
                data[name] = chosen[0] if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text().removeprefix("\n")
        elif field.get("type") in {"checkbox", "radio"}:
            if field.has_attr("checked"):
                if field.get("type") == "checkbox" and name in data:
                    data[name] = [*data[name], field.get("value", "on")]
                elif field.get("type") == "checkbox" and field.get("value", "on") != "on":
                    data[name] = [field["value"]]
                else:
                    data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


def url(name, obj):
    key = "slug" if hasattr(obj, "slug") else "uuid"
    return reverse(f"programming:{name}", kwargs={key: getattr(obj, key)})


@pytest.fixture
def contract(db):
    return ContractFactory(is_published=False)


@pytest.fixture
def call(contract):
    call = CallForProjectsFactory(contract=contract, title="Appel à projets des Tilleuls")
    CallFunderFactory(call=call, envelope=Decimal("12500"))
    return call


@pytest.fixture
def caf(call):
    return call.funders.get().organisation


@pytest.fixture
def as_role(client, contract):
    """`as_role("carrier")`: the client signed in with that role on `contract` (user returned
    as `client.user`, the organisation as `client.organisation`)."""

    def sign_in(role, **kwargs):
        traits = {} if role == "project_lead" else {role: True}
        assignment = RoleAssignmentFactory(contract=contract, **traits, **kwargs)
        client.force_login(assignment.user)
        client.user, client.organisation = assignment.user, assignment.organisation
        return client

    return sign_in


@pytest.fixture
def carrier(as_role):
    return as_role("carrier")


def draft_of(client, call, **kwargs):
    return ApplicationFactory(call=call, carrier=client.organisation, **kwargs)


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    "name", ["call-list", "call-create", "call-detail", "call-edit", "my-applications"]
)
def test_anonymous_people_are_sent_to_the_login_page(client, call, name):
    target = {
        "call-list": url("call-list", call.contract),
        "call-create": url("call-create", call.contract),
        "my-applications": reverse("programming:my-applications"),
    }.get(name) or url(name, call)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_people_are_sent_to_the_login_page_from_an_application(client, call):
    response = client.get(url("application-detail", ApplicationFactory(call=call)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_people_without_a_role_get_403_on_the_calls_of_an_unpublished_contract(client, call):
    client.force_login(RoleAssignmentFactory().user)  # a role on another contract
    assert client.get(url("call-list", call.contract)).status_code == 403
    assert client.get(url("call-detail", call)).status_code == 403


def test_calls_of_a_published_contract_are_public(client, call):
    call.contract.is_published = True
    call.contract.save(update_fields=["is_published"])
    assertContains(client.get(url("call-list", call.contract)), call.title)
    response = client.get(url("call-detail", call))
    assertContains(response, "Date limite de dépôt")
    assertNotContains(response, "Déposer un dossier")
    assert client.get(url("call-edit", call)).status_code == 302


# --------------------------------------------------------------------------- calls


def test_call_list_hides_draft_calls_from_those_who_do_not_manage_them(as_role, call):
    draft = CallForProjectsFactory(contract=call.contract, year=call.year + 1, draft=True)
    observer = as_role("observer")
    response = observer.get(url("call-list", call.contract))
    assertContains(response, call.title)
    assertNotContains(response, draft.title)
    assertNotContains(response, url("call-create", call.contract))
    lead = as_role("project_lead")
    response = lead.get(url("call-list", call.contract))
    assertContains(response, draft.title)
    assertContains(response, url("call-create", call.contract))


def test_project_lead_creates_a_call_then_completes_it(as_role, contract):
    lead = as_role("project_lead")
    response = lead.get(url("call-create", contract))
    assert response.status_code == 200
    data = form_data(response)
    data.update(
        title="Appel à projets 2031",
        year="2031",
        opens_on="2031-01-05",
        deadline="2031-02-27T12:00",
        min_qpv_share="70",
    )
    response = lead.post(url("call-create", contract), data)
    call = CallForProjects.objects.get(contract=contract, year=2031)
    assertRedirects(response, url("call-edit", call))
    assert call.status == CallStatus.DRAFT
    assert call.min_qpv_share == Decimal("70")
    assert timezone.localtime(call.deadline).hour == 12


def test_creating_a_call_for_a_year_already_taken_shows_the_service_error(as_role, call):
    lead = as_role("project_lead")
    data = form_data(lead.get(url("call-create", call.contract)))
    data.update(
        year=str(call.year),
        title="Doublon",
        opens_on="2031-01-05",
        deadline="2031-02-27T12:00",
    )
    response = lead.post(url("call-create", call.contract), data)
    assertContains(response, f"Un appel à projets {call.year} existe déjà")
    assert CallForProjects.objects.filter(contract=call.contract).count() == 1


def test_project_lead_edits_funders_attachments_and_grid(as_role, call, caf):
    partner = PartnerFactory(contract=call.contract, organisation=OrganisationFactory(funder=True))
    lead = as_role("project_lead")
    page = lead.get(url("call-edit", call))
    assertContains(page, "Financeurs de l’appel")
    data = form_data(page)
    data.update(
        {
            "title": "Appel à projets modifié",
            "financeurs-1-organisation": str(partner.organisation.pk),
            "financeurs-1-envelope": "30000",
            "pieces-0-label": "Statuts à jour",
            "pieces-0-mandatory": "on",
            "criteres-0-label": "Ancrage dans le quartier",
            "criteres-0-weight": "2",
            "criteres-0-max_score": "4",
            "criteres-0-position": "1",
        }
    )
    response = lead.post(url("call-edit", call), data)
    assertRedirects(response, url("call-detail", call))
    call.refresh_from_db()
    assert call.title == "Appel à projets modifié"
    assert {f.organisation for f in call.funders.all()} == {caf, partner.organisation}
    assert [r.label for r in call.required_attachments.all()] == ["Statuts à jour"]
    assert [c.label for c in call.criteria.all()] == ["Ancrage dans le quartier"]


def test_call_edit_refuses_a_deadline_before_the_opening(as_role, call):
    lead = as_role("project_lead")
    data = form_data(lead.get(url("call-edit", call)))
    data.update(opens_on="2031-03-01", deadline="2031-02-01T12:00")
    response = lead.post(url("call-edit", call), data)
    assertContains(response, "La date limite doit suivre l&#x27;ouverture.")


@pytest.mark.parametrize("role", ["observer", "carrier", "funder_instructor", "prefect_delegate"])
def test_only_the_project_lead_manages_calls(as_role, call, role):
    client = as_role(role)
    assert client.get(url("call-create", call.contract)).status_code == 403
    assert client.get(url("call-edit", call)).status_code == 403
    for name in ["call-open", "call-copy", "call-start-instruction"]:
        assert client.post(url(name, call)).status_code == 403
    assert CallForProjects.objects.count() == 1


def test_call_detail_shows_calendar_rules_funders_and_grid(as_role, call):
    RequiredAttachmentFactory(call=call, label="Statuts signés")
    GridCriterionFactory(call=call, label="Pertinence pour le quartier")
    response = as_role("observer").get(url("call-detail", call))
    page = soup(response)
    assert len(page.select("h1")) == 1
    main = text_of(page.find("main"))
    assert "au moins 60 % du public" in main
    assert f"12{NBSP}500,00{NBSP}€" in response.content.decode()
    assert "Statuts signés" in main
    assert "Pertinence pour le quartier" in main
    assert all(t.find("caption") for t in page.select("main table"))
    # an observer neither manages nor applies
    assert "Modifier l’appel" not in main
    assert "Déposer un dossier" not in main


def test_call_detail_buttons_follow_permissions(as_role, call):
    lead = as_role("project_lead")
    main = text_of(soup(lead.get(url("call-detail", call))).find("main"))
    assert "Modifier l’appel" in main and "Reconduire l’an prochain" in main
    assert "Ouvrir aux porteurs" not in main  # already open
    assert "après la date limite" in main  # instruction only after the deadline
    carrier = as_role("carrier")
    main = text_of(soup(carrier.get(url("call-detail", call))).find("main"))
    assert "Déposer un dossier" in main
    assert "Voir tous les dossiers de mes organisations" in main
    assert "Modifier l’appel" not in main
    assert "Renouveler une action" not in main  # nothing to renew


def test_carrier_is_offered_to_renew_last_year_s_action(carrier, call):
    last_call = CallForProjectsFactory(contract=call.contract, year=call.year - 1, closed=True)
    ApplicationFactory(
        call=last_call, carrier=carrier.organisation, status=ApplicationStatus.CLOSED
    )
    response = carrier.get(url("call-detail", call))
    assertContains(response, "Renouveler une action de l’an dernier")


def test_project_lead_opens_a_draft_call(as_role, contract):
    call = CallForProjectsFactory(contract=contract, draft=True)
    lead = as_role("project_lead")
    assertContains(lead.get(url("call-detail", call)), "Ouvrir aux porteurs")
    response = lead.post(url("call-open", call), follow=True)
    assertRedirects(response, url("call-detail", call))
    assertContains(response, "Appel ouvert")
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN


def test_project_lead_copies_a_call_to_next_year(as_role, call):
    lead = as_role("project_lead")
    response = lead.post(url("call-copy", call), follow=True)
    new = CallForProjects.objects.get(year=call.year + 1)
    assertRedirects(response, url("call-detail", new))
    assert new.funders.count() == 1
    # a second copy is refused with the service's message
    response = lead.post(url("call-copy", call), follow=True)
    assertContains(response, "existe déjà")


def test_project_lead_starts_the_instruction_after_the_deadline(as_role, call, caf):
    application = submitted_application(call, funders=[caf])
    CallForProjects.objects.filter(pk=call.pk).update(
        deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    lead = as_role("project_lead")
    assertContains(lead.get(url("call-detail", call)), "Clore et lancer l’instruction")
    response = lead.post(url("call-start-instruction", call), follow=True)
    assertContains(response, "1 dossier en instruction")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_INSTRUCTION


def test_lifecycle_routes_are_post_only(as_role, call):
    lead = as_role("project_lead")
    for name in ["call-open", "call-copy", "call-start-instruction"]:
        assert lead.get(url(name, call)).status_code == 405


# --------------------------------------------------------------------------- new application


def test_carrier_starts_a_new_application(carrier, call):
    page = carrier.get(url("application-create", call))
    assert page.status_code == 200
    assert soup(page).select_one("input[name=carrier][type=hidden]")  # one organisation
    data = form_data(page)
    data["title"] = "Atelier cuisine du monde"
    response = carrier.post(url("application-create", call), data)
    application = Application.objects.get()
    assertRedirects(response, url("application-edit", application))
    assert application.carrier == carrier.organisation
    assert application.status == ApplicationStatus.DRAFT
    assert application.title == "Atelier cuisine du monde"


def test_a_new_action_needs_a_title(carrier, call):
    data = form_data(carrier.get(url("application-create", call)))
    response = carrier.post(url("application-create", call), data)
    assertContains(response, "Indiquez l&#x27;intitulé de l&#x27;action.")
    assert not Application.objects.exists()


def test_carrier_of_several_organisations_chooses_one(carrier, call, contract):
    other = RoleAssignmentFactory(contract=contract, carrier=True, user=carrier.user).organisation
    stranger = OrganisationFactory(association=True)
    page = carrier.get(url("application-create", call))
    options = {o["value"] for o in soup(page).select("select[name=carrier] option") if o["value"]}
    assert options == {str(carrier.organisation.pk), str(other.pk)}
    data = {**form_data(page), "carrier": str(stranger.pk), "title": "Intrus"}
    response = carrier.post(url("application-create", call), data)
    assert response.status_code == 200
    assert not Application.objects.exists()
    data["carrier"] = str(other.pk)
    carrier.post(url("application-create", call), data)
    assert Application.objects.get().carrier == other


def test_carrier_renews_last_year_s_action(carrier, call, caf):
    last_call = CallForProjectsFactory(contract=call.contract, year=call.year - 1, closed=True)
    CallFunderFactory(call=last_call, organisation=caf)
    last = ApplicationFactory(
        call=last_call,
        carrier=carrier.organisation,
        complete=True,
        funders=[caf],
        status=ApplicationStatus.CLOSED,
    )
    page = carrier.get(url("application-create", call))
    data = {**form_data(page), "renewal_of": str(last.pk)}
    response = carrier.post(url("application-create", call), data)
    renewal = Application.objects.get(call=call)
    assertRedirects(response, url("application-edit", renewal))
    assert (renewal.action, renewal.title, renewal.renewal_of) == (last.action, last.title, last)
    assert renewal.budget_lines.count() == last.budget_lines.count()


def test_a_carrier_gets_404_on_a_call_in_preparation(carrier, contract):
    call = CallForProjectsFactory(contract=contract, draft=True)
    assert carrier.get(url("application-create", call)).status_code == 404
    response = carrier.post(url("application-create", call), {"title": "Intrus"})
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_a_closed_call_says_it_takes_no_new_dossier(carrier, contract):
    call = CallForProjectsFactory(contract=contract, closed=True)
    page = carrier.get(url("application-create", call))
    assertContains(page, "il n’accepte pas de nouveau dossier")
    assert not soup(page).select("main form")
    data = {"carrier": str(carrier.organisation.pk), "title": "Tardif"}
    response = carrier.post(url("application-create", call), data)
    assert response.status_code == 200
    assert not Application.objects.exists()


@pytest.mark.parametrize("role", ["observer", "project_lead", "funder_instructor"])
def test_only_carriers_start_applications(as_role, call, role):
    assert as_role(role).get(url("application-create", call)).status_code == 403


# --------------------------------------------------------------------------- the application


def test_carrier_sees_its_application_with_budget_and_history(carrier, call, caf):
    application = submitted_application(
        call, carrier=carrier.organisation, funders=[caf], amounts=[Decimal("12500")]
    )
    response = carrier.get(url("application-detail", application))
    page = soup(response)
    assert len(page.select("h1")) == 1
    main = text_of(page.find("main"))
    for heading in [
        "1. Le porteur",
        "2. Relations avec l’administration",
        "3. Moyens humains",
        "4. L’action",
        "5. Budget prévisionnel de l’action",
        "7. Attestation",
        "Versions déposées",
        "Historique des états",
    ]:
        assert heading in main
    assert "Total des charges 12 500,00 €" in main  # text_of turns non-breaking spaces to spaces
    assert f"12{NBSP}500,00{NBSP}€" in response.content.decode()
    assert "Budget équilibré" in main
    assert "Brouillon → déposé" in main
    assert "Déposer le dossier" not in main  # already submitted
    assert "Retirer le dossier" in main
    assert all(t.find("caption") for t in page.select("main table"))
    assert not page.select("main th:not([scope])")


@pytest.mark.parametrize(
    "name",
    [
        "application-detail",
        "application-edit",
        "application-budget",
        "application-attachments",
    ],
)
def test_another_carrier_never_learns_an_application_exists(as_role, call, caf, name):
    theirs = ApplicationFactory(call=call, complete=True, funders=[caf])
    submitted = submitted_application(call, funders=[caf])
    client = as_role("carrier")
    assert client.get(url(name, theirs)).status_code == 404
    assert client.get(url(name, submitted)).status_code == 404


def test_another_carrier_cannot_submit_or_withdraw(as_role, call, caf):
    theirs = ApplicationFactory(call=call, complete=True, funders=[caf])
    client = as_role("carrier")
    assert client.post(url("application-submit", theirs)).status_code == 404
    assert client.post(url("application-withdraw", theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ApplicationStatus.DRAFT


def test_a_draft_is_the_carrier_s_own_business(as_role, call, caf):
    draft = ApplicationFactory(call=call, complete=True, funders=[caf])
    submitted = submitted_application(call, funders=[caf])
    lead = as_role("project_lead")
    assert lead.get(url("application-detail", draft)).status_code == 404
    assert lead.get(url("application-detail", submitted)).status_code == 200
    assert lead.get(url("application-edit", submitted)).status_code == 403


def test_funder_instructor_sees_applications_asking_their_funder(as_role, call, caf):
    asking = submitted_application(call, funders=[caf])
    other_funder = CallFunderFactory(call=call).organisation
    not_asking = submitted_application(call, funders=[other_funder])
    client = as_role("funder_instructor", organisation=caf)
    assert client.get(url("application-detail", asking)).status_code == 200
    assert client.get(url("application-detail", not_asking)).status_code == 404


def test_carrier_cannot_edit_after_submission(carrier, call, caf):
    application = submitted_application(call, carrier=carrier.organisation, funders=[caf])
    for name in ["application-edit", "application-budget", "application-attachments"]:
        assert carrier.get(url(name, application)).status_code == 403
        assert carrier.post(url(name, application), {}).status_code == 403
    assert carrier.post(url("application-submit", application)).status_code == 403


def test_carrier_saves_the_cerfa_form_as_a_draft(carrier, call, contract):
    qpv = contract.qpvs.create(name="Les Tilleuls", code="QN02601M")
    application = draft_of(carrier, call)
    page = carrier.get(url("application-edit", application))
    assert page.status_code == 200
    legends = [text_of(legend) for legend in soup(page).select("main legend")]
    assert "1. Personne chargée du dossier" in legends
    assert "7. Attestation" in legends
    data = form_data(page)
    data.update(
        objectives="Rompre l'isolement",
        public_total="40",
        public_women="25",
        public_men="15",
        age_6_11="10",
        age_65_plus="30",
        public_qpv_residents="32",
        qpvs=[str(qpv.pk)],
        starts_on="2031-09-01",
        equality_marker="G2",
        attested="on",
        signatory_name="Dominique Durand",
    )
    response = carrier.post(url("application-edit", application), data, follow=True)
    assertRedirects(response, url("application-edit", application))
    assertContains(response, "Brouillon enregistré.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.public_age_bands == {"6-11": 10, "65+": 30}
    assert list(application.qpvs.all()) == [qpv]
    assert application.starts_on == datetime.date(2031, 9, 1)
    assert application.attested
    # the age bands come back in the form
    page = soup(carrier.get(url("application-edit", application)))
    assert page.select_one("input[name=age_65_plus]")["value"] == "30"


def test_qpvs_of_another_contract_cannot_be_chosen(carrier, call):
    foreign = ContractFactory().qpvs.create(name="Ailleurs")
    application = draft_of(carrier, call)
    data = {**form_data(carrier.get(url("application-edit", application))), "qpvs": [foreign.pk]}
    response = carrier.post(url("application-edit", application), data)
    assert response.status_code == 200
    assert not application.qpvs.exists()


def test_carrier_saves_a_budget_line_by_line(carrier, call, caf):
    application = draft_of(carrier, call)
    page = carrier.get(url("application-budget", application))
    data = form_data(page)
    data.update(
        {
            "charges-0-account": "64",
            "charges-0-label": "Animatrice",
            "charges-0-amount": "12500",
            "produits-0-account": "74",
            "produits-0-label": "Subvention",
            "produits-0-amount": "10000",
            "produits-0-funder": str(caf.pk),
        }
    )
    response = carrier.post(url("application-budget", application), data, follow=True)
    assertRedirects(response, url("application-budget", application))
    assertContains(response, "Budget enregistré.")
    assertContains(response, "Le budget enregistré n’est pas équilibré")  # saved: a draft
    assert application.budget_totals()[BudgetSide.CHARGE] == Decimal("12500")
    assert application.budget_lines.get(account="74").funder == caf
    # balance it, and remove nothing else
    data = form_data(response)
    data.update({"produits-1-account": "70", "produits-1-amount": "2500"})
    response = carrier.post(url("application-budget", application), data, follow=True)
    assertContains(response, "Le budget enregistré est équilibré.")
    assert application.budget_lines.count() == 3
    # delete a line
    data = form_data(response)
    data["produits-1-DELETE"] = "on"
    carrier.post(url("application-budget", application), data)
    assert application.budget_lines.count() == 2


def test_adding_a_budget_line_without_javascript_keeps_what_was_typed_and_saves_nothing(
    carrier, call
):
    application = draft_of(carrier, call)
    page = carrier.get(url("application-budget", application))
    assertContains(page, "Aucune ligne de budget enregistrée pour l’instant.")
    assertNotContains(page, "pouvez l’enregistrer")
    data = form_data(page)
    rows = int(data["charges-TOTAL_FORMS"])
    data.update({"charges-0-account": "64", "charges-0-amount": "900", "add": "charges"})
    response = carrier.post(url("application-budget", application), data)
    assert response.status_code == 200
    assertContains(response, "Ligne ajoutée au formulaire. Rien n’est enregistré")
    assert not application.budget_lines.exists()
    page = soup(response)
    assert page.select_one("[name=charges-TOTAL_FORMS]")["value"] == str(rows + 1)
    assert page.select_one(f"[name=charges-{rows}-amount]") is not None
    assert page.select_one("[name=charges-0-amount]")["value"] == "900"
    assert page.select_one("[name=produits-TOTAL_FORMS]")["value"] == data["produits-TOTAL_FORMS"]
    # an unknown side or a broken count adds nothing and breaks nothing
    for hostile in ({"add": "autre"}, {"add": "charges", "charges-TOTAL_FORMS": "x"}):
        response = carrier.post(url("application-budget", application), {**data, **hostile})
        assert response.status_code == 200
    assert not application.budget_lines.exists()


def test_a_refused_budget_says_it_was_not_saved(carrier, call):
    application = draft_of(carrier, call)
    data = form_data(carrier.get(url("application-budget", application)))
    data.update({"charges-0-account": "64", "charges-0-amount": "-5"})
    response = carrier.post(url("application-budget", application), data)
    assertContains(response, "Le budget n’a pas été enregistré : corrigez les lignes signalées.")
    assertNotContains(response, "Budget enregistré.")
    assert not application.budget_lines.exists()


def test_budget_subsidy_lines_must_name_a_funder_of_the_call(carrier, call, caf):
    application = draft_of(carrier, call)
    stranger = OrganisationFactory(funder=True)
    data = form_data(carrier.get(url("application-budget", application)))
    data.update(
        {
            "produits-0-account": "74",
            "produits-0-amount": "500",
            "produits-1-account": "74",
            "produits-1-amount": "500",
            "produits-1-funder": str(stranger.pk),
        }
    )
    response = carrier.post(url("application-budget", application), data)
    assertContains(response, "nomme le financeur sollicité")
    assert not application.budget_lines.exists()
    # accounts are those of the side
    options = [o["value"] for o in soup(response).select("select[name=charges-0-account] option")]
    assert "64" in options and "74" not in options


def test_carrier_attaches_and_removes_pieces(carrier, call):
    required = RequiredAttachmentFactory(call=call, label="Statuts signés")
    application = draft_of(carrier, call)
    page = carrier.get(url("application-attachments", application))
    assertContains(page, "À fournir")
    upload = SimpleUploadedFile("statuts.pdf", PDF_BYTES, content_type="application/pdf")
    response = carrier.post(
        url("application-attachments", application),
        {"required": required.pk, "file": upload},
        follow=True,
    )
    assertRedirects(response, url("application-attachments", application))
    assertContains(response, "Pièce « statuts.pdf » ajoutée.")
    assertContains(response, "Fournie")
    attachment = application.attachments.get()
    assert attachment.required == required
    response = carrier.post(
        url("application-attachments", application), {"delete": attachment.pk}, follow=True
    )
    assertContains(response, "retirée du dossier")
    assert not application.attachments.exists()


def test_a_renamed_executable_is_refused(carrier, call):
    application = draft_of(carrier, call)
    upload = SimpleUploadedFile(
        "statuts.pdf", b"MZ\x90\x00\x03\x00", content_type="application/pdf"
    )
    response = carrier.post(url("application-attachments", application), {"file": upload})
    assertContains(response, "ne contient pas ce que son nom annonce")
    assert not application.attachments.exists()


def test_an_unknown_type_is_refused(carrier, call):
    application = draft_of(carrier, call)
    upload = SimpleUploadedFile("outil.exe", b"MZ\x90", content_type="application/x-msdownload")
    response = carrier.post(url("application-attachments", application), {"file": upload})
    assertContains(response, "format non accepté")


def test_a_carrier_cannot_remove_another_application_s_piece(carrier, call, caf):
    mine = draft_of(carrier, call)
    theirs = AttachmentFactory(application=ApplicationFactory(call=call))
    response = carrier.post(url("application-attachments", mine), {"delete": theirs.pk})
    assert response.status_code == 404
    response = carrier.post(url("application-attachments", mine), {"delete": "x"})
    assert response.status_code == 404
    assert theirs.application.attachments.exists()


def test_an_incomplete_application_shows_what_prevents_the_submission(carrier, call):
    application = draft_of(carrier, call)
    assertContains(carrier.get(url("application-detail", application)), "Avant de déposer")
    response = carrier.post(url("application-submit", application))
    assert response.status_code == 200
    errors = soup(response).select_one("#erreurs-depot")
    assert "Le dossier n’a pas été déposé" in text_of(errors)
    items = [text_of(li) for li in errors.select("li")]
    assert "Les dates de début et de fin de l'action sont requises." in items
    assert "Le budget ne sollicite aucun financeur (compte 74)." in items
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_after_the_deadline_the_submission_is_refused(carrier, call, caf):
    application = draft_of(carrier, call, complete=True, funders=[caf])
    CallForProjects.objects.filter(pk=call.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = carrier.post(url("application-submit", application))
    assertContains(response, "n&#x27;accepte pas de dépôt")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_carrier_submits_a_complete_application(carrier, call, caf):
    application = draft_of(carrier, call, complete=True, funders=[caf])
    assertContains(carrier.get(url("application-detail", application)), "Le dossier est complet")
    response = carrier.post(url("application-submit", application), follow=True)
    assertRedirects(response, url("application-detail", application))
    assertContains(response, "(version 1) : les financeurs sollicités vont l")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.versions.get().submitted_by == carrier.user
    assert FunderOpinion.objects.get(request__application=application).funder == caf


def test_submit_and_withdraw_are_post_only(carrier, call):
    application = draft_of(carrier, call)
    assert carrier.get(url("application-submit", application)).status_code == 405
    assert carrier.get(url("application-withdraw", application)).status_code == 405


def test_carrier_withdraws_its_application(carrier, call, caf):
    application = submitted_application(call, carrier=carrier.organisation, funders=[caf])
    response = carrier.post(url("application-withdraw", application), follow=True)
    assertContains(response, "Dossier retiré.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assertNotContains(response, "Retirer le dossier")


def test_withdrawal_after_the_decision_is_refused(carrier, call):
    application = draft_of(carrier, call, status=ApplicationStatus.DECIDED)
    response = carrier.post(url("application-withdraw", application), follow=True)
    assertContains(response, "Passage impossible")


def test_only_the_carrier_withdraws(as_role, call, caf):
    application = submitted_application(call, funders=[caf])
    lead = as_role("project_lead")
    assert lead.post(url("application-withdraw", application)).status_code == 403


# --------------------------------------------------------------------------- my applications


def test_my_applications_lists_my_organisations_applications_only(carrier, call, caf):
    mine = submitted_application(call, carrier=carrier.organisation, funders=[caf])
    draft = draft_of(carrier, call, title="Brouillon à finir")
    theirs = submitted_application(call, funders=[caf])
    funded = draft_of(
        carrier,
        CallForProjectsFactory(contract=call.contract, year=call.year - 1, closed=True),
        status=ApplicationStatus.PAID,
        ends_on=datetime.date(2020, 1, 31),
    )
    # the same organisation, as a carrier on another contract where I have no role
    elsewhere = ApplicationFactory(carrier=carrier.organisation, title="Ailleurs")
    response = carrier.get(reverse("programming:my-applications"))
    page = soup(response)
    shown = {a.get_text() for a in page.select("main tbody th a")}
    assert shown == {mine.title, draft.title, funded.title}
    assert theirs.title not in shown and elsewhere.title not in shown
    main = text_of(page.find("main"))
    assert "31 juillet 2020" in main  # bilan due six months after the end
    assert "En retard" in main and "Bilan en retard" in main
    assert call.title in main  # open calls of my contracts


def test_my_applications_without_any(client):
    client.force_login(RoleAssignmentFactory(observer=True).user)
    assertContains(client.get(reverse("programming:my-applications")), "aucun dossier")


# --------------------------------------------------------------------------- queries


def _fill(call, carrier, caf, count=4):
    for _ in range(count):
        application = submitted_application(call, carrier=carrier, funders=[caf])
        AttachmentFactory(application=application)


def test_application_detail_queries_do_not_grow(carrier, call, caf, django_assert_max_num_queries):
    application = submitted_application(call, carrier=carrier.organisation, funders=[caf])
    target = url("application-detail", application)
    with CaptureQueriesContext(connection) as few:
        carrier.get(target)
    for _ in range(5):
        AttachmentFactory(application=application)
        application.budget_lines.create(side=BudgetSide.CHARGE, account="60", amount=1)
        application.status_changes.create(from_status="draft", to_status="submitted")
    # the same count with more rows; the instruction and follow-up panels are included
    with django_assert_max_num_queries(min(len(few), 40)):
        carrier.get(target)


def test_draft_detail_queries(carrier, call, caf, django_assert_max_num_queries):
    application = draft_of(carrier, call, complete=True, funders=[caf])
    with django_assert_max_num_queries(40):  # a draft also lists what blocks its submission
        carrier.get(url("application-detail", application))


def test_my_applications_queries_do_not_grow(carrier, call, caf, django_assert_max_num_queries):
    _fill(call, carrier.organisation, caf, count=6)
    with django_assert_max_num_queries(10):
        response = carrier.get(reverse("programming:my-applications"))
    assert len(soup(response).select("main tbody tr")) == 6


def test_admin_pages(admin_client, call, caf):
    application = submitted_application(call, funders=[caf])
    for model, obj in [
        ("callforprojects", call),
        ("application", application),
        ("action", application.action),
    ]:
        prefix = f"admin:programming_{model}"
        assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200
    assert admin_client.get(reverse("admin:programming_application_add")).status_code == 403
    response = admin_client.get(
        reverse("admin:programming_application_change", args=[application.pk])
    )
    assert "status" not in response.context["adminform"].form.fields
    statuses = [
        f for f in response.context["inline_admin_formsets"] if "StatusChange" in str(f.opts)
    ]
    assert statuses and not statuses[0].has_change_permission


def test_the_call_page_lists_paid_dossiers_at_a_constant_query_count(as_role, call):
    """A paid dossier's status in words reads its funding requests: the list prefetches them."""
    client = as_role("citizen_council")
    url = reverse("programming:call-detail", kwargs={"uuid": call.uuid})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    ApplicationFactory(call=call, status=ApplicationStatus.PAID)
    one = queries()
    ApplicationFactory.create_batch(3, call=call, status=ApplicationStatus.PAID)
    assert queries() == one
