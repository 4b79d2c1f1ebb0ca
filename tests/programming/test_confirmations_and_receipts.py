"""Confirmations and receipts (issue 9, item 7): restoring a withdrawn dossier until the
deadline, the accusé de réception of a filed dossier (PDF, e-mail, fingerprint), and the
confirmation modal of irreversible buttons."""

import datetime
import hashlib
import json
import subprocess
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from quartiers.access.models import Event
from quartiers.contracts import services as contract_services
from quartiers.programming import receipts, services
from quartiers.programming.enums import ApplicationStatus as S
from quartiers.programming.models import (
    Application,
    ApplicationVersion,
    CallForProjects,
    canonical_json,
)
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import (
    ApplicationFactory,
    CallForProjectsFactory,
    CallFunderFactory,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
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
def carrier_role(contract):
    return RoleAssignmentFactory(contract=contract, carrier=True)


@pytest.fixture
def carrier(client, carrier_role):
    client.force_login(carrier_role.user)
    client.user, client.organisation = carrier_role.user, carrier_role.organisation
    return client


def url(name, application, **kwargs):
    return reverse(f"programming:{name}", kwargs={"uuid": application.uuid, **kwargs})


def withdrawn(call, caf, carrier=None, by=None):
    application = submitted_application(call, carrier=carrier, funders=[caf], amounts=[3000])
    services.withdraw_application(application=application, by=by)
    application.refresh_from_db()
    return application


def pass_deadline(call):
    CallForProjects.objects.filter(pk=call.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    call.refresh_from_db()


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


# --------------------------------------------------------------------------- restoring


def test_a_withdrawn_filed_dossier_is_filed_again(call, caf):
    application = withdrawn(call, caf)
    assert services.restore_application(application=application, by=None) == S.SUBMITTED
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    change = application.status_changes.order_by("-pk").first()
    assert (change.from_status, change.to_status) == (S.WITHDRAWN, S.SUBMITTED)
    assert change.comment == "Dossier rétabli"
    assert Event.objects.filter(verb="application_restored").count() == 1


def test_a_withdrawn_draft_is_a_draft_again(call):
    application = ApplicationFactory(call=call)
    services.withdraw_application(application=application)
    services.restore_application(application=application)
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_a_dossier_withdrawn_in_instruction_comes_back_as_a_draft(call, caf):
    """Should a call reopen after a withdrawal in instruction, the dossier is not put back in
    instruction behind the funders' back: the carrier files it again."""
    application = submitted_application(call, funders=[caf])
    services.change_status(application=application, to=S.UNDER_INSTRUCTION)
    services.withdraw_application(application=application)
    assert services.restore_application(application=application) == S.DRAFT


def test_after_the_deadline_restoring_is_refused(call, caf):
    application = withdrawn(call, caf)
    pass_deadline(call)
    with pytest.raises(ValidationError, match="ne peut plus être rétabli") as excinfo:
        services.restore_application(application=application)
    assert "date limite" in " ".join(excinfo.value.messages)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_only_a_withdrawn_dossier_is_restored(call, caf):
    application = submitted_application(call, funders=[caf])
    with pytest.raises(ValidationError, match="n'est pas retiré"):
        services.restore_application(application=application)
    assert application.status_changes.count() == 1  # the submission only


def test_a_dossier_of_an_archived_contract_is_not_restored(call, caf):
    application = withdrawn(call, caf)
    contract_services.set_archived(contract=call.contract, archived=True)
    application = Application.objects.get(pk=application.pk)
    with pytest.raises(ValidationError):
        services.restore_application(application=application)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_the_carrier_restores_from_the_dossier_page(carrier, call, caf):
    application = withdrawn(call, caf, carrier=carrier.organisation)
    page = carrier.get(url("application-detail", application))
    assertContains(page, url("application-restore", application))
    response = carrier.post(url("application-restore", application), follow=True)
    assertContains(response, "Dossier rétabli : il est de nouveau « déposé »")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_my_applications_offers_to_restore_until_the_deadline(carrier, call, caf):
    application = withdrawn(call, caf, carrier=carrier.organisation)
    restore = url("application-restore", application)
    assertContains(carrier.get(reverse("programming:my-applications")), restore)
    pass_deadline(call)
    assertNotContains(carrier.get(reverse("programming:my-applications")), restore)
    page = carrier.get(url("application-detail", application))
    assertNotContains(page, restore)
    assertContains(page, "ne peut plus être rétabli : la date limite de dépôt")


def test_restoring_after_the_deadline_says_why(carrier, call, caf):
    application = withdrawn(call, caf, carrier=carrier.organisation)
    pass_deadline(call)
    response = carrier.post(url("application-restore", application), follow=True)
    assertContains(response, "ne peut plus être rétabli")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_restoring_is_post_only_and_for_the_carrier(client, contract, call, caf, carrier_role):
    application = withdrawn(call, caf, carrier=carrier_role.organisation)
    lead = RoleAssignmentFactory(contract=contract).user
    client.force_login(lead)
    assert client.post(url("application-restore", application)).status_code == 403
    other = RoleAssignmentFactory(contract=contract, carrier=True).user
    client.force_login(other)
    assert client.post(url("application-restore", application)).status_code == 404
    client.force_login(carrier_role.user)
    assert client.get(url("application-restore", application)).status_code == 405
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


# --------------------------------------------------------------------------- the receipt


def test_the_fingerprint_is_the_sha256_of_the_canonical_json():
    version = ApplicationVersion(data={"b": "é", "a": [1, {"d": None, "c": "2"}]})
    expected = '{"a":[1,{"c":"2","d":null}],"b":"é"}'
    assert canonical_json(version.data) == expected
    assert version.fingerprint == hashlib.sha256(expected.encode()).hexdigest()
    reordered = ApplicationVersion(data=json.loads('{"a":[1,{"d":null,"c":"2"}],"b":"é"}'))
    assert reordered.fingerprint == version.fingerprint
    assert ApplicationVersion(data={"a": [1]}).fingerprint != version.fingerprint


def test_the_fingerprint_survives_the_database(call, caf):
    application = submitted_application(call, funders=[caf])
    version = application.versions.get()
    stored = ApplicationVersion.objects.get(pk=version.pk)
    assert stored.fingerprint == version.fingerprint
    assert len(stored.fingerprint) == 64


def test_filing_mails_the_receipt_to_the_contact_and_the_submitter(call, caf, carrier_role):
    application = ApplicationFactory(
        call=call, carrier=carrier_role.organisation, complete=True, funders=[caf]
    )
    version = services.file_application(application=application, by=carrier_role.user)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted(
        {application.contact_email.lower(), carrier_role.user.email.lower()}
    )
    assert "accusé de réception" in message.subject
    assert application.reference in message.body
    assert version.fingerprint in message.body
    filename, content, mimetype = message.attachments[0]
    assert filename.startswith("accuse-de-reception-")
    assert filename.endswith("-v1.pdf") and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


def test_a_refused_filing_sends_no_receipt(call):
    application = ApplicationFactory(call=call)  # incomplete
    with pytest.raises(ValidationError):
        services.file_application(application=application, by=None)
    assert not mail.outbox
    assert not application.versions.exists()


def test_the_receipt_names_the_filing_the_amounts_and_the_fingerprint(call, caf, tmp_path):
    etat = OrganisationFactory(state=True)
    CallFunderFactory(call=call, organisation=etat)
    application = submitted_application(call, funders=[caf, etat], amounts=[3000, 1500])
    version = application.versions.get()
    text = pdf_text(receipts.receipt_pdf(version), tmp_path)
    filed = timezone.localtime(version.submitted_at)
    assert f"{filed:%d/%m/%Y} à {filed:%H:%M:%S}" in text
    assert application.reference in text
    assert call.title in text
    assert application.carrier.name in text
    assert "3 000,00 €" in text and "1 500,00 €" in text
    assert "Total demandé 4 500,00 €" in text
    # pdftotext may cut the 64 digits over two lines: compare without spaces
    assert version.fingerprint in text.replace(" ", "")
    assert receipts.requested_by_funder(version) == sorted(
        [(str(caf), Decimal("3000")), (str(etat), Decimal("1500"))]
    )


def test_after_filing_the_page_gives_the_receipt(carrier, call, caf):
    application = ApplicationFactory(
        call=call, carrier=carrier.organisation, complete=True, funders=[caf]
    )
    response = carrier.post(url("application-submit", application), follow=True)
    version = application.versions.get()
    filed = timezone.localtime(version.submitted_at)
    assertContains(response, f"Dossier déposé le {filed:%d/%m/%Y à %H:%M:%S}")
    assertContains(response, "Accusé de réception envoyé à")
    receipt = url("application-receipt", application, number=1)
    assertContains(response, receipt)
    assertContains(response, version.fingerprint)
    download = carrier.get(receipt)
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert download.content.startswith(b"%PDF")


def test_the_receipt_of_a_version_that_does_not_exist_is_not_found(carrier, call, caf):
    application = submitted_application(call, carrier=carrier.organisation, funders=[caf])
    assert carrier.get(url("application-receipt", application, number=2)).status_code == 404


def test_observers_read_the_dossier_but_not_its_receipt(client, contract, call, caf):
    application = submitted_application(call, funders=[caf])
    client.force_login(RoleAssignmentFactory(contract=contract, observer=True).user)
    page = client.get(url("application-detail", application))
    assert page.status_code == 200
    assertNotContains(page, url("application-receipt", application, number=1))
    assert client.get(url("application-receipt", application, number=1)).status_code == 403


# --------------------------------------------------------------------------- confirmation


def render_button(path="/page/", **params):
    request = RequestFactory().get(path)
    template = Template('{% include "components/post_button.html" %}')
    html = template.render(Context({"request": request, "csrf_token": "t", **params}))
    return BeautifulSoup(html, "html.parser")


def test_a_confirmed_button_opens_a_modal_whose_form_is_the_real_one():
    page = render_button(action="/dossiers/x/retirer/", label="Retirer", confirm="Sûr ?")
    opener = page.select_one("button[data-fr-opened]")
    dialog = page.select_one("dialog")
    assert opener["aria-controls"] == dialog["id"]
    assert opener["type"] == "button"
    assert not dialog.has_attr("open")
    form = dialog.select_one("form[method=post]")
    assert form["action"] == "/dossiers/x/retirer/"
    assert form.select_one("button[type=submit]").get_text(strip=True) == "Retirer"
    assert "Sûr ?" in dialog.get_text()
    assert page.find_all("form") == [form]  # no form outside the modal: one click is not enough
    assert not page.find("script")


def test_without_javascript_the_link_shows_the_modal_open():
    params = {"action": "/dossiers/x/retirer/", "label": "Retirer", "confirm": "Sûr ?"}
    fallback = render_button(**params).select_one("a[href^='?confirmer=']")
    modal_id = fallback["href"].split("=")[1].split("#")[0]
    page = render_button(path=f"/page/?confirmer={modal_id}", **params)
    dialog = page.select_one("dialog")
    assert dialog["id"] == modal_id
    assert dialog.has_attr("open")
    assert "fr-modal--opened" in dialog["class"]


def test_two_confirmations_on_one_page_have_their_own_modal():
    first = render_button(action="/pieces/", name="delete", value=1, label="Retirer", confirm="?")
    second = render_button(action="/pieces/", name="delete", value=2, label="Retirer", confirm="?")
    assert first.select_one("dialog")["id"] != second.select_one("dialog")["id"]
    assert first.select_one("input[name=delete]")["value"] == "1"


def test_without_confirm_the_button_posts_at_once():
    page = render_button(action="/x/", label="Marquer comme vérifié")
    assert page.select_one("form[method=post] button[type=submit]")
    assert not page.find("dialog")


@pytest.mark.parametrize(
    "label",
    ["Déposer le dossier", "Retirer le dossier"],
)
def test_the_dossier_page_confirms_filing_and_withdrawal(carrier, call, caf, label):
    application = ApplicationFactory(
        call=call, carrier=carrier.organisation, complete=True, funders=[caf]
    )
    page = BeautifulSoup(carrier.get(url("application-detail", application)).content, "html.parser")
    openers = [b for b in page.select("button[data-fr-opened]") if label in b.get_text()]
    assert openers, label
    dialog = page.find("dialog", id=openers[0]["aria-controls"])
    assert dialog.select_one("form[method=post]")
