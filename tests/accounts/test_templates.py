"""Template rules for the pages of people, organisations and roles: DSFR markup only in
components, one h1, unique titles."""

import re
from pathlib import Path

import pytest
from django.core import mail

from quartiers.accounts import services
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.conftest import soup, text_of
from tests.accounts.factories import OrganisationFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "quartiers" / "templates"
PAGES = sorted([*(TEMPLATES / "accounts").glob("*.html"), *(TEMPLATES / "access").glob("*.html")])


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_use_components_for_dsfr_markup(path):
    assert not re.search(r"\bfr-[a-z]", path.read_text()), "use a component"


@pytest.mark.parametrize(
    "path", [*PAGES, TEMPLATES / "components" / "post_button.html"], ids=lambda p: p.name
)
def test_no_inline_script_or_style(path):
    assert not re.search(r"\sstyle=|\son[a-z]+=|<script|<style", path.read_text())


@pytest.fixture
def urls(db, client):
    """Every page of the app, as seen by a chef de projet who belongs to an organisation."""
    assignment = RoleAssignmentFactory(carrier=True)
    RoleAssignmentFactory(user=assignment.user, contract=assignment.contract)
    services.invite_user(email="invitee@example.org", by=assignment.user)
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    confirm = client.get(link, follow=True).redirect_chain[-1][0]
    client.force_login(assignment.user)
    organisation = assignment.organisation
    OrganisationFactory(parent=organisation)
    return [
        "/mon-compte/",
        "/mon-compte/mot-de-passe/",
        "/mon-compte/roles/",
        "/organisations/",
        organisation.get_absolute_url(),
        f"/organisations/{organisation.pk}/modifier/",
        f"/contrats/{assignment.contract.slug}/roles/",
        f"/contrats/{assignment.contract.slug}/journal/",
        "/mot-de-passe/oublie/",
        "/mot-de-passe/oublie/envoye/",
        confirm,
        "/mot-de-passe/choisi/",
    ]


def test_pages_have_unique_titles_one_h1_and_captioned_tables(client, urls):
    titles = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = soup(response)
        titles.append(text_of(page.title))
        assert len(page.find_all("h1")) == 1, url
        for table in page.find_all("table"):
            assert table.find("caption").get_text(strip=True), url
            assert all(th.get("scope") for th in table.find_all("th")), url
        assert not page.find(attrs={"style": True}), url
        for script in page.find_all("script"):
            assert script.get("src") and script.get("nonce"), url
    client.logout()
    for url in ["/connexion/"]:
        titles.append(text_of(soup(client.get(url)).title))
    assert len(set(titles)) == len(titles), titles
    assert all(title.endswith(" — quartiers") for title in titles)
