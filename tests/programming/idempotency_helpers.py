"""The creating forms, each ready to be sent twice: who sends it, where, with what, and how
many objects it made. Shared by the view tests and the concurrency tests."""

from dataclasses import dataclass

from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from quartiers.access.enums import ContractRole
from quartiers.access.models import Event
from quartiers.core import idempotency
from quartiers.programming.models import (
    Application,
    Attachment,
    CallForProjects,
    CommitteeSession,
    Convention,
    Payment,
)
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import PDF_BYTES, ApplicationFactory, CallForProjectsFactory
from tests.programming.followup_helpers import TODAY, decided_application, funded_application


@dataclass
class Form:
    user: object
    url: str
    fields: dict
    count: object  # count() -> how many objects the form created
    upload: bool = False

    def client(self) -> Client:
        browser = Client()
        browser.force_login(self.user)
        return browser

    def token(self) -> str:
        """The token of the form as this person's browser renders it."""
        page = BeautifulSoup(self.client().get(self.url).content.decode(), "html.parser")
        return page.select_one(f"main input[name={idempotency.TOKEN_FIELD}]")["value"]

    def data(self, token: str) -> dict:
        data = {**self.fields, idempotency.TOKEN_FIELD: token}
        if self.upload:  # a file is read once: each request gets its own
            data["file"] = SimpleUploadedFile("statuts.pdf", PDF_BYTES, "application/pdf")
        return data

    def post(self, token: str, browser: Client | None = None, **kwargs):
        return (browser or self.client()).post(self.url, self.data(token), **kwargs)


def payment() -> Form:
    """Two identical payments within the cap were both recorded on a double click."""
    contract = ContractFactory()
    etat = OrganisationFactory(state=True)
    lead = RoleAssignmentFactory(contract=contract).user
    application = funded_application(paid=False, contract=contract, funders=[etat], amounts=[3000])
    convention = application.conventions.get()
    return Form(
        user=lead,
        url=reverse("programming:payment-create", kwargs={"pk": convention.pk}),
        fields={
            "funder": etat.pk,
            "kind": "advance",
            "amount": "1000",
            "paid_on": TODAY.isoformat(),
        },
        count=lambda: Payment.objects.filter(request__convention=convention).count(),
    )


def convention() -> Form:
    contract = ContractFactory()
    etat = OrganisationFactory(state=True)
    lead = RoleAssignmentFactory(contract=contract).user
    application = decided_application(contract=contract, funders=[etat], amounts=[2100])
    return Form(
        user=lead,
        url=reverse("programming:convention-create", kwargs={"uuid": application.uuid}),
        fields={"funders": [etat.pk], "years": "1", "signed_on": TODAY.isoformat()},
        count=lambda: Convention.objects.filter(application=application).count(),
    )


def call() -> Form:
    contract = ContractFactory()
    lead = RoleAssignmentFactory(contract=contract).user
    return Form(
        user=lead,
        url=reverse("programming:call-create", kwargs={"slug": contract.slug}),
        fields={
            "title": "Appel à projets 2031",
            "year": "2031",
            "opens_on": "2031-01-05",
            "deadline": "2031-02-27T12:00",
            "min_qpv_share": "50",
        },
        count=lambda: CallForProjects.objects.filter(contract=contract).count(),
    )


def start() -> Form:
    call = CallForProjectsFactory()
    carrier = RoleAssignmentFactory(contract=call.contract, carrier=True)
    return Form(
        user=carrier.user,
        url=reverse("programming:application-create", kwargs={"uuid": call.uuid}),
        fields={"carrier": carrier.organisation.pk, "title": "Jardin partagé"},
        count=lambda: Application.objects.filter(call=call).count(),
    )


def session() -> Form:
    call = CallForProjectsFactory()
    lead = RoleAssignmentFactory(contract=call.contract).user
    return Form(
        user=lead,
        url=reverse("programming:session-create", kwargs={"uuid": call.uuid}),
        fields={"kind": "technical", "held_on": TODAY.isoformat()},
        count=lambda: CommitteeSession.objects.filter(call=call).count(),
    )


def attachment() -> Form:
    call = CallForProjectsFactory()
    carrier = RoleAssignmentFactory(contract=call.contract, carrier=True)
    application = ApplicationFactory(call=call, carrier=carrier.organisation)
    return Form(
        user=carrier.user,
        url=reverse("programming:application-attachments", kwargs={"uuid": application.uuid}),
        fields={"required": ""},
        count=lambda: Attachment.objects.filter(application=application).count(),
        upload=True,
    )


def invitation() -> Form:
    contract = ContractFactory()
    lead = RoleAssignmentFactory(contract=contract).user
    return Form(
        user=lead,
        url=reverse("access:contract-roles", kwargs={"slug": contract.slug}),
        fields={
            "email": "nouvelle@example.org",
            "first_name": "Awa",
            "last_name": "Diallo",
            "role": ContractRole.OBSERVER,
            "organisation": "",
        },
        # the role itself is get_or_create: a twin submission shows as a second invitation
        # e-mail, which goes with its journal entry
        count=lambda: Event.objects.filter(contract=contract, verb="user_invited").count(),
    )


FORMS = {
    "payment": payment,
    "convention": convention,
    "call": call,
    "start": start,
    "session": session,
    "attachment": attachment,
    "invitation": invitation,
}
