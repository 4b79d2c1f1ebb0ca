"""« Demander un complément »: who may ask, what the carrier may then change, the resubmission,
the thread and the notifications."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.access.services import archive_contract
from quartiers.accounts.models import Notification
from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus as S
from quartiers.programming.enums import BudgetSide, ComplementSection
from quartiers.programming.models import SUBSIDY_ACCOUNT, ComplementRequest, StatusChange
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import (
    CallForProjectsFactory,
    CallFunderFactory,
    after_deadline,
    submitted_application,
)

pytestmark = pytest.mark.django_db

C = ComplementSection


@pytest.fixture
def world():
    contract = ContractFactory()
    caf = OrganisationFactory(funder=True)
    other_funder = OrganisationFactory(funder=True)
    call = CallForProjectsFactory(contract=contract)
    CallFunderFactory(call=call, organisation=caf)
    carrier_role = RoleAssignmentFactory(contract=contract, carrier=True)
    application = submitted_application(
        call, carrier_role.organisation, funders=[caf], amounts=[4000]
    )
    return {
        "contract": contract,
        "call": call,
        "application": application,
        "carrier": carrier_role.user,
        "instructor": RoleAssignmentFactory(
            contract=contract, funder_instructor=True, organisation=caf
        ).user,
        "other_instructor": RoleAssignmentFactory(
            contract=contract, funder_instructor=True, organisation=other_funder
        ).user,
        "lead": RoleAssignmentFactory(contract=contract).user,
        "delegate": RoleAssignmentFactory(contract=contract, prefect_delegate=True).user,
    }


def ask(world, by="instructor", sections=(C.ACTION,), message="Précisez les objectifs."):
    return services.request_complement(
        application=world["application"], sections=list(sections), message=message, by=world[by]
    )


def test_an_instructor_asks_a_complement_the_dossier_waits_for_the_carrier(world):
    request = ask(world)
    application = world["application"]
    application.refresh_from_db()
    assert application.status == S.COMPLEMENT_REQUESTED
    assert request.from_status == S.SUBMITTED and request.is_open
    change = StatusChange.objects.filter(application=application).last()
    assert (change.to_status, change.by) == (S.COMPLEMENT_REQUESTED, world["instructor"])


def test_the_chef_de_projet_may_ask_too(world):
    assert ask(world, by="lead").asked_by == world["lead"]


@pytest.mark.parametrize("who", ["delegate", "other_instructor", "carrier"])
def test_a_wrong_role_is_refused(world, who):
    with pytest.raises(ValidationError, match="instruisez pas"):
        ask(world, by=who)
    assert not ComplementRequest.objects.exists()


def test_asked_twice_the_second_is_refused(world):
    ask(world)
    with pytest.raises(ValidationError, match="déjà demandé"):
        ask(world, by="lead")
    assert ComplementRequest.objects.count() == 1


def test_no_complement_on_a_draft_nor_after_the_decision(world):
    application = world["application"]
    for status in (S.DRAFT, S.DECIDED, S.WITHDRAWN):
        application.status = status
        application.save(update_fields=["status"])
        with pytest.raises(ValidationError):
            ask(world)
    assert not ComplementRequest.objects.exists()


def test_no_complement_on_an_archived_contract(world):
    archive_contract(contract=world["contract"], by=None)
    with pytest.raises(ValidationError, match="archivé"):
        ask(world)


def test_sections_and_message_are_required(world):
    with pytest.raises(ValidationError, match="au moins un point"):
        ask(world, sections=())
    with pytest.raises(ValidationError, match="inconnu"):
        ask(world, sections=("salaries",))
    with pytest.raises(ValidationError, match="Écrivez"):
        ask(world, message="  ")


def test_the_carrier_is_notified_in_app_and_by_mail(world):
    ask(world)
    notification = Notification.objects.get(user=world["carrier"])
    assert "complément" in notification.notice.text
    assert notification.notice.link == world["application"].get_absolute_url()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "complément demandé" in message.subject
    assert "Précisez les objectifs." in message.body
    assert "description de l'action" in message.body


def _edit(application, **values):
    for name, value in values.items():
        setattr(application, name, value)
    services.save_draft(application=application, by=None)


def test_the_carrier_changes_the_sections_asked_only(world):
    ask(world, sections=[C.ACTION])
    application = world["application"]
    application.refresh_from_db()
    _edit(application, objectives="Objectifs précisés.")
    application.refresh_from_db()
    assert application.objectives == "Objectifs précisés."
    with pytest.raises(ValidationError, match="seuls les points demandés"):
        _edit(application, contact_name="Quelqu'un d'autre")
    with pytest.raises(ValidationError, match="seuls les points demandés"):
        services.set_budget(application=application, lines=[])
    with pytest.raises(ValidationError, match="seuls les points demandés"):
        services.add_attachment(
            application=application,
            upload=SimpleUploadedFile("rib.pdf", b"%PDF-1.4", content_type="application/pdf"),
        )


def test_a_budget_asked_changes_amounts_not_funders(world):
    ask(world, sections=[C.BUDGET])
    application = world["application"]
    caf = application.funding_requests.get().funder
    lines = [
        services.BudgetLineData(side=BudgetSide.CHARGE, account="60", amount=Decimal("3000")),
        services.BudgetLineData(
            side=BudgetSide.PRODUCT, account=SUBSIDY_ACCOUNT, amount=Decimal("3000"), funder=caf
        ),
    ]
    services.set_budget(application=application, lines=lines)
    assert application.funding_requests.get().requested == Decimal("3000")
    with pytest.raises(ValidationError, match="financeurs sollicités restent"):
        services.set_budget(application=application, lines=lines[:1])


def test_resubmission_freezes_a_new_version_and_notifies_the_instructors(world):
    ask(world)
    application = world["application"]
    application.refresh_from_db()
    _edit(application, objectives="Objectifs précisés.")
    version = services.resubmit_application(
        application=application, answer="C'est corrigé.", by=world["carrier"]
    )
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert version.number == 2 and version.data["objectives"] == "Objectifs précisés."
    request = ComplementRequest.objects.get()
    assert (request.answer, request.answered_by, request.version) == (
        "C'est corrigé.",
        world["carrier"],
        version,
    )
    told = set(Notification.objects.exclude(user=world["carrier"]).values_list("user", flat=True))
    assert told == {world["instructor"].pk}  # who asked is the instructor of the funder
    with pytest.raises(ValidationError, match="Aucun complément"):
        services.resubmit_application(application=application, by=world["carrier"])


def test_resubmission_after_the_deadline_returns_to_instruction(world):
    call = world["call"]
    after_deadline(call)
    services.start_instruction(call=call)
    ask(world, by="lead")
    application = world["application"]
    application.refresh_from_db()
    services.resubmit_application(application=application, by=world["carrier"])
    application.refresh_from_db()
    assert application.status == S.UNDER_INSTRUCTION  # the deadline does not apply
    told = set(Notification.objects.exclude(user=world["carrier"]).values_list("user", flat=True))
    assert told == {world["instructor"].pk, world["lead"].pk}


def test_the_opinion_cannot_be_saved_while_a_complement_is_asked(world):
    ask(world)
    opinion = world["application"].funding_requests.get().opinion
    with pytest.raises(ValidationError, match="plus en instruction"):
        services.save_funder_opinion(
            opinion=opinion, expected_version=opinion.version, by=world["instructor"], proposed=1
        )


# --------------------------------------------------------------------------- pages


def test_the_instructor_asks_from_the_dossier_page(client, world):
    application = world["application"]
    client.force_login(world["instructor"])
    page = client.get(application.get_absolute_url())
    url = reverse("programming:complement-request", kwargs={"uuid": application.uuid})
    assert url in page.content.decode()
    response = client.post(url, {"sections": [C.PUBLIC], "message": "Le public en QPV ?"})
    assert response.status_code == 302
    page = client.get(application.get_absolute_url())
    assert "Le public en QPV ?" in page.content.decode()
    assert "En attente de la réponse du porteur" in page.content.decode()


def test_the_carrier_form_disables_the_sections_not_asked(client, world):
    ask(world, sections=[C.ACTION])
    application = world["application"]
    client.force_login(world["carrier"])
    url = reverse("programming:application-edit", kwargs={"uuid": application.uuid})
    form = client.get(url).context["form"]
    assert not form.fields["objectives"].disabled
    assert form.fields["contact_name"].disabled
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(objectives="Corrigé.", contact_name="Pirate", qpvs=[], engagements=[])
    data = {k: v for k, v in data.items() if v is not None and v is not False}
    assert client.post(url, data).status_code == 302
    application.refresh_from_db()
    assert application.objectives == "Corrigé."
    assert application.contact_name == "Camille Martin"  # the disabled field is ignored
    budget = reverse("programming:application-budget", kwargs={"uuid": application.uuid})
    assert client.get(budget).status_code == 403


def test_the_carrier_resubmits_from_the_dossier_page(client, world):
    ask(world)
    application = world["application"]
    client.force_login(world["carrier"])
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Renvoyer le dossier complété" in page
    url = reverse("programming:application-resubmit", kwargs={"uuid": application.uuid})
    assert client.post(url, {"answer": "Voilà."}).status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert "Voilà." in client.get(application.get_absolute_url()).content.decode()


def test_the_opinion_page_shows_the_dossier_and_no_form_when_it_cannot_be_saved(client, world):
    application = world["application"]
    funder = application.funding_requests.get().funder
    url = reverse(
        "programming:opinion-edit", kwargs={"uuid": application.uuid, "funder": funder.pk}
    )
    client.force_login(world["instructor"])
    page = client.get(url)
    assert page.context["form"] is not None
    assert "Le dossier en bref" in page.content.decode()
    ask(world)
    page = client.get(url)
    assert page.context["form"] is None
    assert "Un complément a été demandé au porteur" in page.content.decode()
    assert "Enregistrer l&#x27;avis" not in page.content.decode()
    assert client.post(url, {"opinion": "favourable", "version": "0"}).status_code == 302
    assert application.funding_requests.get().opinion.opinion == ""


def test_the_thread_is_hidden_from_the_citizen_council(client, world):
    ask(world)
    council = RoleAssignmentFactory(contract=world["contract"], citizen_council=True).user
    client.force_login(council)
    page = client.get(world["application"].get_absolute_url()).content.decode()
    assert "Précisez les objectifs." not in page


def test_a_stranger_has_no_notification_of_others(client, world):
    ask(world)
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert world["application"].title not in page and "Aucune notification" in page


def test_notifications_are_marked_read(client, world):
    ask(world)
    client.force_login(world["carrier"])
    assert "Notifications (1 non lue)" in client.get("/").content.decode()
    notification = Notification.objects.get(user=world["carrier"])
    stranger = UserFactory()
    url = reverse("accounts:notification-read", kwargs={"pk": notification.pk})
    other = client.__class__()
    other.force_login(stranger)
    assert other.post(url).status_code == 404
    assert client.post(url).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "non lue" not in client.get("/").content.decode()
