"""Pages of the fonds de participation des habitants: per role and method, the public page's
privacy, the group's private link, files served only to the committee."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quartiers.access.enums import ContractRole
from quartiers.core.formats import euros
from quartiers.participation import fund as fph
from quartiers.participation.enums import MicroProjectStatus
from quartiers.participation.models import MicroProject
from tests.access.factories import RoleAssignmentFactory
from tests.participation import factories
from tests.participation.factories import PNG, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fund(loriol):
    return factories.fund(loriol)


def person(contract, role):
    return RoleAssignmentFactory(contract=contract, role=role).user


def public_url(contract):
    return reverse("participation:fund-public", kwargs={"slug": contract.slug})


def request_url(contract):
    return reverse("participation:fph-request", kwargs={"slug": contract.slug})


def detail_url(project, page="detail"):
    return reverse(
        f"participation:micro-project-{page}",
        kwargs={"slug": project.contract.slug, "uuid": project.uuid},
    )


def vote_data(**kwargs):
    """The committee's vote as the form posts it: accepted, 5 for, none against."""
    return {
        "decision": "accepted",
        "votes_for": "5",
        "votes_against": "0",
        "votes_abstention": "0",
        "decided_on": timezone.localdate().isoformat(),
        **kwargs,
    }


def form_data(**kwargs):
    values = factories.request_values(**kwargs)
    return {k: str(v) for k, v in values.items()}


# --------------------------------------------------------------------------- public


def test_the_public_page_shows_supported_projects_and_no_resident(client, fund):
    supported = factories.accepted(fund, contact_first_name="Zéphyrine", contact_phone="0600")
    waiting = factories.submitted(fund, title="Projet en attente")
    response = client.get(public_url(fund.contract))
    html = response.content.decode()
    assert response.status_code == 200
    assert supported.title in html and waiting.title not in html
    for private in ("Zéphyrine", "samia@example.org", "0600", supported.group_name):
        assert private not in html
    assert euros(Decimal("4600")) in html  # what remains


def test_anonymous_files_a_request_and_gets_the_link(client, fund, mailoutbox):
    page = client.get(request_url(fund.contract))
    assert page.status_code == 200
    token = re.search(r'name="submission_token" value="([^"]+)"', page.content.decode())[1]
    data = {**form_data(total_cost="1 000,00", amount_requested="760"), "submission_token": token}
    response = client.post(request_url(fund.contract), data)
    assert response.status_code == 302
    assert response.url == reverse(
        "participation:fph-request-sent", kwargs={"slug": fund.contract.slug}
    )
    project = MicroProject.objects.get()
    assert project.amount_requested == Decimal("760") and project.total_cost == Decimal("1000")
    # The same form sent again (a double click): one request, one e-mail.
    client.post(request_url(fund.contract), data)
    assert MicroProject.objects.count() == 1 and len(mailoutbox) == 1
    link = re.search(r"https?://\S+", mailoutbox[0].body)[0]
    follow = client.get(link.split("testserver")[-1] if "testserver" in link else _path(link))
    assert follow.status_code == 200
    assert "Confirmer ma demande" in follow.content.decode()


def _path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_request_over_the_rules_is_shown_again_with_its_reason(client, fund):
    response = client.post(
        request_url(fund.contract), form_data(total_cost="2000", amount_requested="900")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le fonds accorde au plus 760,00" in html
    assert 'value="Fête des voisins de la rue des Lilas"' in html  # nothing typed is lost
    response = client.post(request_url(fund.contract), form_data(amount_requested="12,345"))
    assert "Écrivez un montant en euros" in response.content.decode()
    assert not MicroProject.objects.exists()


def test_the_public_form_is_rate_limited(client, fund, settings):
    settings.FPH_REQUESTS_PER_ADDRESS = (2, 3600)
    for i in range(2):
        assert client.post(request_url(fund.contract), form_data(title=f"P{i}")).status_code == 302
    response = client.post(request_url(fund.contract), form_data(title="P3"))
    assert response.status_code == 429 and "Réessayez dans" in response.content.decode()
    assert MicroProject.objects.count() == 2


def test_without_an_open_fund_the_form_says_so(client, loriol):
    response = client.get(request_url(loriol))
    assert "ne reçoit pas de demande" in response.content.decode()
    assert client.post(request_url(loriol), form_data()).status_code == 200
    assert not MicroProject.objects.exists()


# --------------------------------------------------------------------------- the group's link


def follow_url(key, page="follow"):
    return reverse(f"participation:fph-{page}", kwargs={"key": key})


def test_the_link_confirms_once(client, fund):
    project, key = factories.requested(fund)
    assert client.get(follow_url(key, "confirm")).status_code == 405
    response = client.post(follow_url(key, "confirm"), follow=True)
    assert "Demande confirmée" in response.content.decode()
    response = client.post(follow_url(key, "confirm"), follow=True)
    assert "déjà confirmée" in response.content.decode()
    project.refresh_from_db()
    assert project.status == MicroProjectStatus.SUBMITTED


def test_a_wrong_key_is_not_found(client, fund):
    factories.requested(fund)
    assert client.get(follow_url("pas-la-bonne-cle")).status_code == 404
    assert client.post(follow_url("pas-la-bonne-cle", "confirm")).status_code == 404


def test_the_group_files_its_bilan_through_its_link(client, fund):
    project, key = factories.requested(fund)
    fph.confirm_micro_project(project=project)
    project.refresh_from_db()
    assert client.get(follow_url(key, "report")).status_code == 302  # not paid yet
    fph.decide_micro_project(project=project, by=None, **factories.vote())
    project.refresh_from_db()
    fph.record_payment(
        project=project, by=None, paid_on=timezone.localdate(), amount=Decimal("400")
    )
    hostile = {
        "text": "Super.",
        "participants": "30",
        "expenses": "390",
        "receipts": [upload("fausse.pdf", b"MZ", "application/pdf")],
    }
    response = client.post(follow_url(key, "report"), hostile)
    assert response.status_code == 200
    assert "ne contient pas ce que son nom annonce" in response.content.decode()
    good = {
        **hostile,
        "receipts": [upload()],
        "photos": [upload("fete.png", PNG, "image/png")],
    }
    response = client.post(follow_url(key, "report"), good, follow=True)
    html = response.content.decode()
    assert "Bilan déposé" in html and "Décompte du bilan" in html
    project.refresh_from_db()
    assert project.status == MicroProjectStatus.REPORTED and project.files.count() == 2


# --------------------------------------------------------------------------- committee


def test_the_committee_sees_confirmed_requests_only(client, fund):
    factories.requested(fund, title="Pas encore confirmée")
    submitted = factories.submitted(fund)
    client.force_login(person(fund.contract, ContractRole.CITIZEN_COUNCIL))
    response = client.get(
        reverse("participation:fund-committee", kwargs={"slug": "coeur-de-loriol"})
    )
    html = response.content.decode()
    assert submitted.title in html and "Pas encore confirmée" not in html
    assert "1 demande attend encore" in html


def test_an_erased_contact_is_said_so_on_the_committee_s_page(client, fund):
    project = fph.decide_micro_project(
        project=factories.submitted(fund),
        by=None,
        **factories.vote(accepted=False, votes_for=0, votes_against=5, comment="Non."),
    )
    client.force_login(person(fund.contract, ContractRole.CITIZEN_COUNCIL))
    assert project.contact_email in client.get(detail_url(project)).content.decode()
    later = timezone.now() + datetime.timedelta(days=366)
    assert fph.purge_personal_data(now=later).contacts == 1
    html = client.get(detail_url(project)).content.decode()
    assert project.contact_email not in html and project.contact_first_name not in html
    assert f"Coordonnées effacées le {timezone.localdate(later):%-d}" in html


@pytest.mark.parametrize(
    "role, status",
    [
        (None, 302),
        (ContractRole.OBSERVER, 403),
        (ContractRole.CARRIER, 403),
        (ContractRole.FUNDER_INSTRUCTOR, 403),
        (ContractRole.PREFECT_DELEGATE, 403),
        (ContractRole.CITIZEN_COUNCIL, 302),
        (ContractRole.PROJECT_LEAD, 302),
    ],
)
def test_who_may_vote(client, fund, role, status):
    project = factories.submitted(fund)
    if role:
        user = RoleAssignmentFactory(
            contract=fund.contract,
            role=role,
            organisation=fund.contract.partners.get(code="CAF").organisation
            if role in (ContractRole.CARRIER, ContractRole.FUNDER_INSTRUCTOR)
            else None,
        ).user
        client.force_login(user)
    data = vote_data()
    response = client.post(detail_url(project, "decide"), data)
    assert response.status_code == status
    project.refresh_from_db()
    accepted = role in (ContractRole.CITIZEN_COUNCIL, ContractRole.PROJECT_LEAD)
    assert (project.status == MicroProjectStatus.ACCEPTED) is accepted
    if role is None:
        assert "/connexion/" in response.url


def test_an_acceptance_beyond_the_envelope_is_explained(client, loriol):
    tight = factories.fund(loriol, envelope=Decimal("500"))
    first = factories.submitted(tight)
    project = factories.submitted(tight, title="Deuxième")
    fph.decide_micro_project(
        project=first, by=None, **factories.vote(amount_granted=Decimal("300"))
    )
    client.force_login(person(loriol, ContractRole.PROJECT_LEAD))
    data = vote_data()
    response = client.post(detail_url(project, "decide"), data)
    assert response.status_code == 200
    assert "L&#x27;enveloppe restante (200,00" in response.content.decode()


def test_a_vote_at_a_meeting_is_shown_with_its_register_number(client, loriol):
    from quartiers.governance import services as governance

    fund = factories.fund(loriol)
    committee = governance.create_body(
        contract=loriol, kind="fph_committee", name="Comité FPH", by=None
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    meeting = governance.plan_meeting(body=committee, date=yesterday, by=None)
    project = factories.submitted(fund)
    client.force_login(person(loriol, ContractRole.PROJECT_LEAD))
    data = vote_data(meeting=str(meeting.pk))
    response = client.post(detail_url(project, "decide"), data)
    assert response.status_code == 200  # dated today, voted yesterday: shown again
    assert f"datée du jour de la réunion ({yesterday:%d/%m/%Y})" in response.content.decode()
    data["decided_on"] = yesterday.isoformat()
    response = client.post(detail_url(project, "decide"), data, follow=True)
    number = f"FPH-{yesterday.year}-001"
    assert f"décision n° {number} du registre" in response.content.decode()
    register = client.get(reverse("governance:decision-list", kwargs={"slug": loriol.slug}))
    assert number in register.content.decode()


def test_another_contracts_project_is_not_found(client, fund):
    project = factories.submitted(fund)
    other = factories.fund()
    lead = person(other.contract, ContractRole.PROJECT_LEAD)
    client.force_login(lead)
    url = reverse(
        "participation:micro-project-detail",
        kwargs={"slug": other.contract.slug, "uuid": project.uuid},
    )
    assert client.get(url).status_code == 404
    url = reverse(
        "participation:micro-project-decide",
        kwargs={"slug": other.contract.slug, "uuid": project.uuid},
    )
    assert client.post(url, {"decision": "accepted"}).status_code == 404


def test_an_unconfirmed_request_has_no_committee_page(client, fund):
    project, _key = factories.requested(fund)
    client.force_login(person(fund.contract, ContractRole.PROJECT_LEAD))
    assert client.get(detail_url(project)).status_code == 404


def test_payment_over_the_grant_is_refused_in_french(client, fund):
    project = factories.accepted(fund)
    client.force_login(person(fund.contract, ContractRole.PROJECT_LEAD))
    response = client.post(
        detail_url(project, "pay"),
        {"paid_on": timezone.localdate().isoformat(), "amount": "401"},
    )
    assert "dépasse le montant accordé" in response.content.decode()
    project.refresh_from_db()
    assert project.status == MicroProjectStatus.ACCEPTED


def test_bilan_files_are_served_to_the_committee_only(client, fund):
    project = factories.paid(fund)
    project = fph.file_report(
        project=project,
        text="Bien.",
        participants=3,
        expenses=Decimal("100"),
        receipts=[upload()],
        photos=[upload("fete.png", PNG, "image/png")],
    )
    photo = project.files.get(kind="photo")
    url = reverse(
        "participation:micro-project-file",
        kwargs={"slug": fund.contract.slug, "uuid": project.uuid, "pk": photo.pk},
    )
    assert client.get(url).status_code == 302  # anonymous: the login page
    client.force_login(person(fund.contract, ContractRole.OBSERVER))
    assert client.get(url).status_code == 403
    client.force_login(person(fund.contract, ContractRole.CITIZEN_COUNCIL))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "attachment" in response["Content-Disposition"]
    # Not on the public page, not even its name.
    assert "fete.png" not in client.get(public_url(fund.contract)).content.decode()


def test_the_project_lead_creates_the_fund_of_a_year(client, loriol):
    client.force_login(person(loriol, ContractRole.PROJECT_LEAD))
    url = reverse("participation:fund-create", kwargs={"slug": loriol.slug})
    data = {"year": "2026", "envelope": "5 000", "cap_per_project": "760", "max_share": "80"}
    assert client.post(url, {**data, "is_open": "on"}).status_code == 302
    response = client.post(url, data)
    assert "existe déjà" in response.content.decode()
