"""Invitations per inviting person: enforced by the service, a 429 page in the UI, a window
that slides, and racing requests that never send more than the limit."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from pytest_django.asserts import assertContains

from quartiers.access import services
from quartiers.access.enums import ContractRole
from quartiers.access.models import RoleAssignment
from quartiers.accounts.models import User
from quartiers.core.ratelimit import RateLimited
from tests.access.factories import RoleAssignmentFactory
from tests.contracts.factories import ContractFactory
from tests.utils import race

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TWO_PER_HOUR = override_settings(INVITATIONS_PER_USER=(2, 3600))


def invite(contract, by, email):
    return services.invite_to_contract(
        contract=contract, email=email, role=ContractRole.OBSERVER, by=by
    )


@TWO_PER_HOUR
@pytest.mark.django_db
def test_the_service_refuses_invitations_past_the_limit_and_sends_nothing(contract, lead):
    with time_machine.travel(START, tick=False) as clock:
        invite(contract, lead, "a@example.org")
        invite(contract, lead, "b@example.org")
        with pytest.raises(RateLimited, match="trop d'invitations"):
            invite(contract, lead, "c@example.org")
        assert not User.objects.filter(email="c@example.org").exists()
        assert len(mail.outbox) == 2
        # Another chef de projet of the contract has her own count.
        other = RoleAssignmentFactory(contract=contract).user
        invite(contract, other, "c@example.org")
        clock.shift(timedelta(hours=1, seconds=1))
        invite(contract, lead, "d@example.org")
    assert len(mail.outbox) == 4


@TWO_PER_HOUR
@pytest.mark.django_db
def test_a_refused_grant_does_not_count(contract, lead):
    stranger = ContractFactory()
    for email in ["a@example.org", "b@example.org", "c@example.org"]:
        with pytest.raises(ValidationError) as refused:
            invite(stranger, lead, email)  # not her contract: refused before the limit
        assert not isinstance(refused.value, RateLimited)
    invite(contract, lead, "a@example.org")


@TWO_PER_HOUR
@pytest.mark.django_db
def test_the_roles_page_answers_429_in_french(as_user, contract, lead):
    browser = as_user(lead)
    url = f"/contrats/{contract.slug}/roles/"
    for email in ["a@example.org", "b@example.org"]:
        browser.post(url, {"email": email, "role": ContractRole.OBSERVER})
    response = browser.post(url, {"email": "c@example.org", "role": ContractRole.OBSERVER})
    assertContains(response, "Vous avez envoyé trop d&#x27;invitations", status_code=429)
    assertContains(response, "Réessayez dans 60 minutes", status_code=429)
    assert int(response["Retry-After"]) == 3600
    assert len(mail.outbox) == 2


@TWO_PER_HOUR
@pytest.mark.django_db(transaction=True)
def test_racing_invitations_send_no_more_than_the_limit():
    contract = ContractFactory()
    lead = RoleAssignmentFactory(contract=contract).user
    outcomes = race(*[lambda i=i: invite(contract, lead, f"p{i}@example.org") for i in range(5)])
    for outcome in outcomes:
        if isinstance(outcome, Exception) and not isinstance(outcome, RateLimited):
            raise outcome
    assert sum(isinstance(o, RateLimited) for o in outcomes) == 3
    assert RoleAssignment.objects.filter(role=ContractRole.OBSERVER).count() == 2
    assert len(mail.outbox) == 2
