"""Pages after the decision, per role: panel, letter, conventions, payments, ledgers, bilan."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from quartiers.access.models import Event
from quartiers.contracts.models import Qpv
from quartiers.programming import services
from quartiers.programming.enums import ApplicationStatus as S
from quartiers.programming.enums import DecisionOutcome
from quartiers.programming.models import Convention, Payment
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import OrganisationFactory
from tests.contracts.factories import ContractFactory
from tests.programming.factories import ApplicationFactory, CallForProjectsFactory
from tests.programming.followup_helpers import (
    TODAY,
    decided_application,
    funded_application,
)

pytestmark = pytest.mark.django_db


class World:
    """One contract, its people, and an application of `carrier` asking the CAF and the État."""

    def __init__(self):
        self.contract = ContractFactory()
        self.qpv = Qpv.objects.create(contract=self.contract, name="Les Tilleuls")
        self.caf = OrganisationFactory(funder=True)
        self.etat = OrganisationFactory(state=True)
        self.carrier = RoleAssignmentFactory(carrier=True, contract=self.contract)
        self.other_carrier = RoleAssignmentFactory(carrier=True, contract=self.contract)
        self.lead = RoleAssignmentFactory(contract=self.contract)
        self.delegate = RoleAssignmentFactory(prefect_delegate=True, contract=self.contract)
        self.caf_instructor = RoleAssignmentFactory(
            funder_instructor=True, contract=self.contract, organisation=self.caf
        )
        self.other_instructor = RoleAssignmentFactory(
            funder_instructor=True, contract=self.contract
        )
        self.council = RoleAssignmentFactory(citizen_council=True, contract=self.contract)

    def decided(self, **kwargs):
        return decided_application(
            contract=self.contract,
            carrier=self.carrier.organisation,
            funders=[self.caf, self.etat],
            amounts=[3000, 7000],
            **kwargs,
        )

    def funded(self, **kwargs):
        return funded_application(
            contract=self.contract,
            carrier=self.carrier.organisation,
            funders=[self.caf, self.etat],
            amounts=[3000, 7000],
            **kwargs,
        )


@pytest.fixture
def world():
    return World()


def _get(client, assignment, url):
    client.force_login(assignment.user)
    return client.get(url)


# --------------------------------------------------------------------------- the panel


def test_the_carrier_sees_the_decision_on_the_application_page(client, world):
    application = world.decided(outcomes={world.etat: DecisionOutcome.REFUSED})
    response = _get(client, world.carrier, application.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Décision du comité de pilotage" in content
    assert "3\u00a0000,00\u00a0€" in content
    assert "Refusé" in content
    assert reverse("programming:decision-letter", kwargs={"uuid": application.uuid}) in content
    # the carrier neither signs conventions nor files a bilan before the convention
    assert reverse("programming:convention-create", kwargs={"uuid": application.uuid}) not in (
        content
    )
    assert reverse("programming:report-create", kwargs={"uuid": application.uuid}) not in content


def test_the_panel_offers_the_bilan_once_funded(client, world):
    application = world.funded()
    content = _get(client, world.carrier, application.get_absolute_url()).content.decode()
    due = services.report_due_on(application)
    assert "Bilan attendu" in content
    assert f"au plus tard le {due.day} " in content
    assert reverse("programming:report-create", kwargs={"uuid": application.uuid}) in content
    lead_content = _get(client, world.lead, application.get_absolute_url()).content.decode()
    assert reverse("programming:report-create", kwargs={"uuid": application.uuid}) not in (
        lead_content
    )


def test_the_project_lead_gets_the_convention_button(client, world):
    application = world.decided()
    content = _get(client, world.lead, application.get_absolute_url()).content.decode()
    assert reverse("programming:convention-create", kwargs={"uuid": application.uuid}) in content


def test_nothing_after_the_decision_on_a_draft(client, world):
    application = ApplicationFactory(
        call=CallForProjectsFactory(contract=world.contract), carrier=world.carrier.organisation
    )
    content = _get(client, world.carrier, application.get_absolute_url()).content.decode()
    assert "Décision et suivi" not in content


def _render_panel(application, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load followup_tags %}{% followup_panel application %}")
    return template.render(Context({"request": request, "application": application}))


def test_the_panel_makes_a_constant_number_of_queries(world):
    small = world.funded()
    funders = [OrganisationFactory(funder=True) for _ in range(3)]
    large = funded_application(
        contract=world.contract,
        carrier=world.carrier.organisation,
        funders=[world.caf, world.etat, *funders],
        amounts=[1000] * 5,
    )
    user = world.lead.user
    _render_panel(small, user)  # warms the role caches

    def count(application):
        fresh = (
            type(application)
            .objects.select_related("call__contract", "carrier")
            .get(pk=application.pk)
        )
        with CaptureQueriesContext(connection) as queries:
            _render_panel(fresh, user)
        return len(queries)

    assert count(small) == count(large) <= 15


# --------------------------------------------------------------------------- decision letter


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("carrier", 200),
        ("lead", 200),
        ("delegate", 200),
        ("caf_instructor", 403),
        ("council", 403),
        ("other_carrier", 404),
        ("other_instructor", 404),
    ],
)
def test_decision_letter_access(client, world, who, status):
    application = world.decided()
    url = reverse("programming:decision-letter", kwargs={"uuid": application.uuid})
    response = _get(client, getattr(world, who), url)
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]


def test_no_decision_letter_before_the_decision(client, world):
    draft = ApplicationFactory(
        call=CallForProjectsFactory(contract=world.contract), carrier=world.carrier.organisation
    )
    url = reverse("programming:decision-letter", kwargs={"uuid": draft.uuid})
    assert _get(client, world.carrier, url).status_code == 404


# --------------------------------------------------------------------------- conventions


def test_the_project_lead_signs_a_multi_funder_convention(client, world):
    application = world.decided()
    url = reverse("programming:convention-create", kwargs={"uuid": application.uuid})
    page = _get(client, world.lead, url)
    assert page.status_code == 200
    assert "3\u00a0000,00\u00a0€ accordés" in page.content.decode()
    response = client.post(
        url,
        {"funders": [world.caf.pk, world.etat.pk], "years": "3", "signed_on": "2026-03-01"},
    )
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    convention = Convention.objects.get(application=application)
    assert (convention.amount, convention.years) == (Decimal("10000"), 3)
    application.refresh_from_db()
    assert application.status == S.CONVENTION_SIGNED


@pytest.mark.parametrize(
    ("who", "status"), [("carrier", 403), ("caf_instructor", 403), ("other_carrier", 404)]
)
def test_only_the_project_lead_signs_conventions(client, world, who, status):
    application = world.decided()
    url = reverse("programming:convention-create", kwargs={"uuid": application.uuid})
    assert _get(client, getattr(world, who), url).status_code == status
    assert client.post(url, {"funders": [world.caf.pk], "signed_on": "2026-03-01"}).status_code == (
        status
    )
    assert not Convention.objects.exists()


def test_convention_form_reports_broken_rules(client, world):
    application = world.decided()
    url = reverse("programming:convention-create", kwargs={"uuid": application.uuid})
    client.force_login(world.lead.user)
    response = client.post(url, {"funders": [], "years": "5", "signed_on": ""})
    assert response.status_code == 200
    assert not Convention.objects.exists()


# --------------------------------------------------------------------------- payments


def test_a_funder_instructor_records_its_own_payment(client, world):
    application = world.funded(paid=False)
    convention = application.conventions.get()
    url = reverse("programming:payment-create", kwargs={"pk": convention.pk})
    page = _get(client, world.caf_instructor, url)
    assert page.status_code == 200
    assert str(world.etat) not in page.content.decode()  # only the CAF's own money
    response = client.post(
        url, {"funder": world.caf.pk, "kind": "advance", "amount": "1500", "paid_on": "2026-04-01"}
    )
    assert response.status_code == 302
    assert Payment.objects.get().amount == Decimal("1500")
    # the État is not the instructor's to pay
    response = client.post(
        url, {"funder": world.etat.pk, "kind": "single", "amount": "10", "paid_on": "2026-04-01"}
    )
    assert response.status_code == 200
    assert Payment.objects.count() == 1


def test_payment_above_the_grant_is_refused(client, world):
    application = world.funded(paid=False)
    convention = application.conventions.get()
    url = reverse("programming:payment-create", kwargs={"pk": convention.pk})
    client.force_login(world.lead.user)
    response = client.post(
        url, {"funder": world.caf.pk, "kind": "single", "amount": "3000.01", "paid_on": "2026-4-1"}
    )
    assert response.status_code == 200
    assert "il reste 3\u00a0000,00\u00a0€ à verser" in response.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("carrier", 403), ("council", 403), ("other_carrier", 404), ("other_instructor", 404)],
)
def test_payment_page_access(client, world, who, status):
    convention = world.funded(paid=False).conventions.get()
    url = reverse("programming:payment-create", kwargs={"pk": convention.pk})
    assert _get(client, getattr(world, who), url).status_code == status


# --------------------------------------------------------------------------- ledgers


@pytest.mark.parametrize(
    ("who", "status", "proposed"),
    [
        ("lead", 200, True),
        ("caf_instructor", 200, True),
        ("carrier", 200, False),
        ("council", 403, None),
        ("other_carrier", 404, None),
    ],
)
def test_application_ledger(client, world, who, status, proposed):
    application = world.funded()
    url = reverse("programming:ledger", kwargs={"uuid": application.uuid})
    response = _get(client, getattr(world, who), url)
    assert response.status_code == status
    if status == 200:
        content = response.content.decode()
        assert "10\u00a0000,00\u00a0€" in content  # total paid
        assert ('<th scope="col">Proposé</th>' in content) is proposed


@pytest.mark.parametrize(
    ("who", "status"),
    [("lead", 200), ("delegate", 200), ("caf_instructor", 200), ("carrier", 403), ("council", 403)],
)
def test_call_ledger(client, world, who, status):
    application = world.funded()
    url = reverse("programming:call-ledger", kwargs={"uuid": application.call.uuid})
    response = _get(client, getattr(world, who), url)
    assert response.status_code == status
    if status == 200:
        assert escape(str(world.caf)) in response.content.decode()


# --------------------------------------------------------------------------- bilan


def test_the_carrier_files_the_bilan(client, world):
    application = world.funded()
    url = reverse("programming:report-create", kwargs={"uuid": application.uuid})
    page = _get(client, world.carrier, url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "10\u00a0000,00\u00a0€" in content  # the planned charges
    assert "Les Tilleuls" in content  # one field per QPV of the contract
    data = {
        "summary": "Vingt ateliers.",
        "participants_total": "40",
        "participants_women": "25",
        "participants_men": "15",
        "age_6_11": "12",
        "age_26_64": "28",
        f"qpv_{world.qpv.pk}": "33",
        "realised_charges": "9800",
        "realised_products": "9800",
        "notes": "",
        "objectives_reached": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.REPORT_RECEIVED
    report = application.report
    assert report.participants_by_qpv == {"Les Tilleuls": 33}
    assert report.participants_age_bands == {
        "0-5": 0,
        "6-11": 12,
        "12-17": 0,
        "18-25": 0,
        "26-64": 28,
        "65+": 0,
    }
    page = client.get(application.get_absolute_url())
    assert "Bilan reçu" in page.content.decode()


def test_bilan_form_checks_the_participants(client, world):
    application = world.funded()
    url = reverse("programming:report-create", kwargs={"uuid": application.uuid})
    client.force_login(world.carrier.user)
    response = client.post(
        url,
        {
            "summary": "x",
            "participants_total": "10",
            "participants_women": "8",
            "participants_men": "8",
            f"qpv_{world.qpv.pk}": "11",
            "realised_charges": "1",
            "realised_products": "1",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Femmes et hommes dépassent le total" in content
    assert "habitants des QPV dépassent" in content
    application.refresh_from_db()
    assert application.status == S.PAID


@pytest.mark.parametrize(
    ("who", "status"), [("lead", 403), ("caf_instructor", 403), ("other_carrier", 404)]
)
def test_only_the_carrier_files_its_bilan(client, world, who, status):
    application = world.funded()
    url = reverse("programming:report-create", kwargs={"uuid": application.uuid})
    assert _get(client, getattr(world, who), url).status_code == status
    assert client.post(url, {"summary": "x", "participants_total": 1}).status_code == status


def test_no_bilan_form_before_the_convention(client, world):
    application = world.decided()
    url = reverse("programming:report-create", kwargs={"uuid": application.uuid})
    response = _get(client, world.carrier, url)
    assert response.status_code == 200
    assert "Pas encore de bilan à déposer" in response.content.decode()
    assert client.post(url, {"summary": "x", "participants_total": "1"}).status_code == 200
    application.refresh_from_db()
    assert application.status == S.DECIDED


# --------------------------------------------------------------------------- dérogation


@pytest.fixture
def blocked_draft(world):
    """The carrier's bilan of last year is overdue; its new draft is blocked."""
    funded = world.funded()
    funded.ends_on = TODAY - datetime.timedelta(days=365)
    funded.save(update_fields=["ends_on"])
    call = CallForProjectsFactory(contract=world.contract, year=funded.call.year + 1)
    return ApplicationFactory(
        call=call, carrier=world.carrier.organisation, complete=True, funders=[world.caf]
    )


def test_the_project_lead_sees_the_blocked_draft_and_overrides(client, world, blocked_draft):
    url = reverse("programming:report-override", kwargs={"uuid": blocked_draft.uuid})
    page = _get(client, world.lead, blocked_draft.get_absolute_url())
    assert page.status_code == 200
    assert url in page.content.decode()
    response = client.post(url, {"reason": "Bilan promis pour la fin du mois."})
    assert response.status_code == 302
    blocked_draft.refresh_from_db()
    assert blocked_draft.report_override == "Bilan promis pour la fin du mois."
    assert Event.objects.filter(verb="report_block_overridden", actor=world.lead.user).exists()
    services.submit_application(application=blocked_draft)


def test_the_carrier_sees_why_its_draft_is_blocked(client, world, blocked_draft):
    content = _get(client, world.carrier, blocked_draft.get_absolute_url()).content.decode()
    assert "Bilan en retard" in content
    assert reverse("programming:report-override", kwargs={"uuid": blocked_draft.uuid}) not in (
        content
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("carrier", 403), ("delegate", 404), ("caf_instructor", 404), ("other_carrier", 404)],
)
def test_only_the_project_lead_overrides(client, world, blocked_draft, who, status):
    client.force_login(getattr(world, who).user)
    url = reverse("programming:report-override", kwargs={"uuid": blocked_draft.uuid})
    assert client.post(url, {"reason": "Pourquoi pas."}).status_code == status
    blocked_draft.refresh_from_db()
    assert blocked_draft.report_override == ""


def test_override_is_post_only(client, world, blocked_draft):
    url = reverse("programming:report-override", kwargs={"uuid": blocked_draft.uuid})
    assert _get(client, world.lead, url).status_code == 405


def test_a_draft_that_is_not_blocked_stays_the_carriers_business(client, world):
    draft = ApplicationFactory(
        call=CallForProjectsFactory(contract=world.contract), carrier=world.carrier.organisation
    )
    assert _get(client, world.lead, draft.get_absolute_url()).status_code == 404


def test_the_call_ledger_makes_a_constant_number_of_queries(client, world):
    application = world.funded()
    url = reverse("programming:call-ledger", kwargs={"uuid": application.call.uuid})
    client.force_login(world.lead.user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    call = application.call
    services.open_call(call=call)  # reopened, with a new deadline, for two late applications
    call.deadline = timezone.now() + datetime.timedelta(days=1)
    call.save(update_fields=["deadline"])
    for _ in range(2):
        submitted = ApplicationFactory(
            call=application.call, complete=True, funders=[world.caf, world.etat]
        )
        services.submit_application(application=submitted)
    assert count() == before
