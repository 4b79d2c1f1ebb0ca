"""The (application, funder) pair as a row: written by the services, read by every page.

A 74 budget line of 0 € naming a funder is refused, so a funder's instructors see an
application (list row, page, API) exactly when it has a funding request for their funder.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from quartiers.programming import services
from quartiers.programming.enums import BudgetSide
from quartiers.programming.forms.applications import BudgetForms
from quartiers.programming.models import SUBSIDY_ACCOUNT, FundingRequest
from tests.programming.factories import ApplicationFactory, CallFunderFactory
from tests.programming.followup_helpers import funded_application
from tests.programming.test_instruction_services import make_world

pytestmark = pytest.mark.django_db

Line = services.BudgetLineData


def _subsidy(funder, amount):
    return Line(side=BudgetSide.PRODUCT, account=SUBSIDY_ACCOUNT, amount=amount, funder=funder)


def _charges(amount):
    return Line(side=BudgetSide.CHARGE, account="64", amount=Decimal(amount))


# --------------------------------------------------------------------------- the budget


def test_the_budget_keeps_one_request_per_funder_asked():
    application = ApplicationFactory()
    caf, ville = (CallFunderFactory(call=application.call).organisation for _ in range(2))
    services.set_budget(
        application=application,
        lines=[
            _charges("6000"),
            _subsidy(caf, Decimal("1000")),
            _subsidy(caf, Decimal("2000")),
            _subsidy(ville, Decimal("3000")),
        ],
    )
    assert dict(application.funding_requests.values_list("funder", "requested")) == {
        caf.pk: Decimal("3000"),
        ville.pk: Decimal("3000"),
    }
    services.set_budget(
        application=application, lines=[_charges("500"), _subsidy(ville, Decimal("500"))]
    )
    assert dict(application.funding_requests.values_list("funder", "requested")) == {
        ville.pk: Decimal("500")
    }


@pytest.mark.parametrize("amount", [Decimal("0"), None])
def test_a_subsidy_of_nothing_naming_a_funder_is_refused_by_the_budget(amount):
    application = ApplicationFactory()
    caf = CallFunderFactory(call=application.call).organisation
    with pytest.raises(ValidationError) as refused:
        services.set_budget(application=application, lines=[_subsidy(caf, amount)])
    assert "montant" in " ".join(refused.value.messages)
    assert not application.funding_requests.exists()
    assert not application.budget_lines.exists()


def test_the_budget_form_says_why_a_zero_subsidy_is_refused():
    application = ApplicationFactory()
    caf = CallFunderFactory(call=application.call).organisation
    data = {}
    for prefix in ("charges", "produits", "emplois-86", "ressources-87"):
        data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {"produits-0-account": "74", "produits-0-amount": "0", "produits-0-funder": caf.pk}
    forms = BudgetForms(application, data)
    assert not forms.is_valid()
    errors = " ".join(
        message
        for section in forms.sections
        for form in section.forms
        for message in form.non_field_errors()
    )
    assert f"La subvention demandée à {caf} est de 0 €" in errors


def test_the_database_refuses_a_zero_subsidy_naming_a_funder():
    application = ApplicationFactory()
    caf = CallFunderFactory(call=application.call).organisation
    with pytest.raises(IntegrityError), transaction.atomic():
        application.budget_lines.create(
            side=BudgetSide.PRODUCT, account=SUBSIDY_ACCOUNT, amount=0, funder=caf
        )


def test_requests_are_frozen_at_submission():
    world = make_world(instruct=False)
    with pytest.raises(ValidationError):
        services.set_budget(application=world.youth, lines=[_charges("1")])
    assert world.youth.funding_requests.count() == 2


def test_committed_never_exceeds_granted_nor_paid_committed():
    application = funded_application(funders=[CallFunderFactory().organisation], amounts=[900])
    request = application.funding_requests.get()
    assert (request.granted, request.committed, request.paid) == (Decimal("900"),) * 3
    for field, value in [("committed", Decimal("901")), ("paid", Decimal("901"))]:
        with pytest.raises(IntegrityError), transaction.atomic():
            FundingRequest.objects.filter(pk=request.pk).update(**{field: value})


# --------------------------------------------------------------------------- the leak


def test_an_instructor_of_a_funder_not_asked_sees_neither_the_row_nor_the_page(client):
    """The Ville is a funder of the call; « Sport pour tous » asks the CAF only (and a 0 € line
    for the Ville cannot be written any more)."""
    world = make_world()
    assert not world.sport.funding_requests.filter(funder=world.ville).exists()
    client.force_login(world.ville_instructor)
    listing = client.get(reverse("programming:instruction-list", kwargs={"uuid": world.call.uuid}))
    assert "Jeunes en action" in listing.content.decode()
    assert "Sport pour tous" not in listing.content.decode()
    assert str(world.sport.carrier) not in listing.content.decode()
    page = reverse("programming:application-detail", kwargs={"uuid": world.sport.uuid})
    assert client.get(page).status_code == 404
    api = reverse("api:application-funding-requests", kwargs={"uuid": world.sport.uuid})
    assert client.get(api).status_code == 404


# --------------------------------------------------------------------------- the API


def _api(application):
    return reverse("api:application-funding-requests", kwargs={"uuid": application.uuid})


def _opine(world, application, funder, by, proposed):
    opinion = FundingRequest.objects.get(application=application, funder=funder).opinion
    services.save_funder_opinion(
        opinion=opinion, expected_version=opinion.version, by=by, proposed=proposed
    )


@pytest.mark.parametrize(
    ("who", "status", "sees_proposed"),
    [
        ("lead", 200, True),
        ("caf_instructor", 200, True),
        ("carrier", 200, False),
        ("council", 403, None),
        ("observer", 403, None),
    ],
)
def test_the_api_shows_the_ledger_s_amounts_under_the_page_s_rules(
    client, who, status, sees_proposed
):
    world = make_world()
    _opine(world, world.youth, world.caf, world.caf_instructor, Decimal("2500"))
    client.force_login(getattr(world, who))
    response = client.get(_api(world.youth))
    assert response.status_code == status
    if status != 200:
        return
    rows = {row["funder"]: row for row in response.json()}
    caf = rows[world.caf.name]
    assert (caf["requested"], caf["granted"], caf["committed"], caf["paid"]) == (
        "3000.00",
        "0.00",
        "0.00",
        "0.00",
    )
    assert caf["proposed"] == ("2500.00" if sees_proposed else None)
    assert set(rows) == {world.caf.name, world.ville.name}


def test_the_api_needs_a_signed_in_reader(client):
    world = make_world()
    assert client.get(_api(world.youth)).status_code in {401, 403}
