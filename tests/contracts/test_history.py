"""Who changed what, and when: the history shown on engagement and partner pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from quartiers.access import services as access
from quartiers.access.enums import ContractRole
from quartiers.contracts.models import Engagement, Partner
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(loriol):
    return UserFactory(email="editrice@example.org", first_name="Édith", last_name="Correctrice")


def test_an_engagement_change_shows_author_date_and_field(client, loriol, project_lead, editor):
    engagement = Engagement.objects.get(contract=loriol, number=2)
    engagement.text = "Texte corrigé à la main."
    engagement._history_user = editor
    engagement.save()

    client.force_login(project_lead)
    url = reverse("contracts:engagement-detail", kwargs={"slug": loriol.slug, "number": 2})
    page = client.get(url).content.decode()
    assert "Historique des modifications" in page
    assert "Édith Correctrice" in page
    assert "modification" in page
    assert "Texte corrigé à la main." in page
    # Shown in the site's time zone (Paris): just before midnight UTC it is already tomorrow.
    assert f"{timezone.localtime(engagement.history.first().history_date):%d/%m/%Y}" in page
    assert "rôle de VILLE" in page  # role records name their partner


def test_a_partner_change_shows_in_its_history(client, loriol, project_lead, editor):
    partner = Partner.objects.get(contract=loriol, code="SIEA")
    partner.name = "Syndicat intercommunal d'enseignement artistique"
    partner._history_user = editor
    partner.save()

    client.force_login(project_lead)
    url = reverse("contracts:partner-detail", kwargs={"slug": loriol.slug, "code": "SIEA"})
    page = client.get(url).content.decode()
    assert "Édith Correctrice" in page
    assert "Syndicat intercommunal d&#x27;enseignement artistique" in page


def test_history_is_for_steering_roles_only(client, loriol, editor):
    access.grant_role(contract=loriol, user=editor, role=ContractRole.OBSERVER, by=None)
    client.force_login(editor)
    url = reverse("contracts:engagement-detail", kwargs={"slug": loriol.slug, "number": 2})
    page = client.get(url).content.decode()
    assert "Historique des modifications" not in page
