"""The read pages of a contract, on the imported Loriol protocol."""

from itertools import pairwise
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from quartiers.contracts.matrix import ROLE_LABELS
from quartiers.contracts.models import Contract, EngagementRole
from tests.contracts.conftest import shown_engagements, soup, text_of

pytestmark = pytest.mark.django_db


def test_urls_are_lowercase_french():
    assert reverse("contracts:contract-list") == "/contrats/"
    assert reverse("contracts:matrix", kwargs={"slug": "x"}) == "/contrats/x/engagements/"
    assert (
        reverse("contracts:partner-detail", kwargs={"slug": "x", "code": "CONSEIL CITOYEN"})
        == "/contrats/x/partenaires/CONSEIL%20CITOYEN/"
    )


@pytest.mark.parametrize("url", ["/", "/contrats/"])
def test_contract_list(client, loriol, url):
    response = client.get(url)
    assertContains(response, f'<a href="/contrats/{loriol.slug}/">{loriol.name}</a>', html=True)
    row = soup(response).find("a", href=f"/contrats/{loriol.slug}/").find_parent("tr")
    cells = [text_of(td) for td in row.find_all("td")]
    assert cells == [
        loriol.territory,
        loriol.epci.name,
        "2015–2022",  # signed in 2015, prolonged until 2022 by the protocol
        str(loriol.engagements.count()),
    ]


def test_contract_list_without_contract(client, db):
    assertContains(client.get("/contrats/"), "Aucun contrat pour le moment")


def test_contract_detail(client, loriol):
    response = client.get(loriol.get_absolute_url())
    page = soup(response)
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == [loriol.name]
    text = text_of(page)
    assert "Communauté de Communes du Val de Drôme" in text
    assert "Fin initiale : 31 décembre 2020" in text
    assert "nouvelle fin : 31 décembre 2022" in text
    assert "Fin effective : 31 décembre 2022" in text
    for pillar in loriol.pillars.all():
        link = page.find("a", string=pillar.name)
        count = link.find_parent("tr").find("td").get_text(strip=True)
        assert count == str(pillar.engagements.count())
    for priority in loriol.priorities.all():
        assert priority.label in text
    for body in loriol.governance_bodies.all():
        assert body.name in text
    for name in ("matrix", "glossary", "source-document"):
        url = reverse(f"contracts:{name}", kwargs={"slug": loriol.slug})
        assert page.find("a", href=url), name


def test_contract_detail_nests_services_under_their_parent(client, loriol):
    page = soup(client.get(loriol.get_absolute_url()))
    table = page.find("caption", string=lambda s: s and "Partenaires du contrat" in s).parent
    codes = [unquote(a["href"]).rstrip("/").rsplit("/", 1)[1] for a in table.select("tbody th a")]
    partners = {p.code: p for p in loriol.partners.select_related("parent")}
    assert sorted(codes) == sorted(partners)
    top = [code for code in codes if not partners[code].parent_id]
    grid = [code for code in top if partners[code].is_grid_column]
    assert top[: len(grid)] == grid  # grid columns first
    for before, code in pairwise(codes):
        parent = partners[code].parent
        if parent:  # a service comes right after its parent or a sibling service
            assert before == parent.code or partners[before].parent == parent


def test_contract_detail_lists_import_warnings_with_source_lines(client, loriol, project_lead):
    client.force_login(project_lead)
    response = client.get(loriol.get_absolute_url())
    source = reverse("contracts:source-document", kwargs={"slug": loriol.slug})
    for warning in loriol.import_warnings.all():
        assertContains(response, escape(warning.message))
        assertContains(response, f'href="{source}#l-{warning.line}"')


def test_the_public_does_not_see_import_warnings(client, loriol):
    response = client.get(loriol.get_absolute_url())
    assert response.status_code == 200
    assert "Import à vérifier" not in response.content.decode()
    for warning in loriol.import_warnings.all():
        assertNotContains(response, escape(warning.message))


def test_reviewed_warnings_are_not_shown(client, loriol):
    loriol.import_warnings.update(reviewed=True)
    response = client.get(loriol.get_absolute_url())
    assert "Import à vérifier" not in response.content.decode()


def test_matrix_shows_every_engagement_grouped_by_pillar_and_theme(client, loriol):
    response = client.get(reverse("contracts:matrix", kwargs={"slug": loriol.slug}))
    shown = shown_engagements(response)
    assert sorted(shown) == sorted(loriol.engagements.values_list("number", flat=True))
    page = soup(response)
    headers = [text_of(th) for th in page.select('th[scope="rowgroup"]')]
    expected = []
    for pillar in loriol.pillars.all():
        expected.append(pillar.name)
        expected += [t.name for t in pillar.themes.all()]
    assert headers == expected
    columns = [th.get_text(strip=True) for th in page.select("thead th")][1:]
    grid = [p.code for p in loriol.partners.filter(is_grid_column=True)]
    assert columns == [*grid, "Autres"]


def test_matrix_cells_show_role_and_state_service(client, loriol):
    role = EngagementRole.objects.get(
        engagement__contract=loriol, service__code="ARS", engagement__number=11
    )
    response = client.get(reverse("contracts:matrix", kwargs={"slug": loriol.slug}))
    page = soup(response)
    columns = [th.get_text(strip=True) for th in page.select("thead th")]
    row = page.find("tr", id="engagement-11")
    cell = row.find_all(["th", "td"])[columns.index(role.partner.code)]
    assert text_of(cell) == f"{ROLE_LABELS[role.role]} · ARS"


def test_matrix_lists_other_partners_in_their_column(client, loriol):
    others = EngagementRole.objects.filter(
        engagement__contract=loriol, partner__is_grid_column=False, partner__parent=None
    ).select_related("engagement", "partner")
    assert others
    page = soup(client.get(reverse("contracts:matrix", kwargs={"slug": loriol.slug})))
    for role in others:
        last = page.find("tr", id=f"engagement-{role.engagement.number}").find_all("td")[-1]
        assert role.partner.code in text_of(last)


def test_matrix_links_each_engagement_to_its_source_line(client, loriol):
    page = soup(client.get(reverse("contracts:matrix", kwargs={"slug": loriol.slug})))
    source = reverse("contracts:source-document", kwargs={"slug": loriol.slug})
    for engagement in loriol.engagements.all():
        row = page.find("tr", id=f"engagement-{engagement.number}")
        assert row.find("a", href=f"{source}#l-{engagement.source_line}")


def _roles_of(contract, code):
    """Engagements where the partner `code` or a service under it has a role (plain Python)."""
    numbers = set()
    roles = EngagementRole.objects.filter(engagement__contract=contract).select_related(
        "engagement", "partner__parent", "service"
    )
    for role in roles:
        codes = {role.partner.code, role.service.code if role.service else None}
        if role.partner.parent:
            codes.add(role.partner.parent.code)
        if code in codes:
            numbers.add((role.engagement.number, role.role))
    return numbers


@pytest.mark.parametrize("code", ["CAF", "ETAT", "ARS", "PE", "CONSEIL CITOYEN"])
def test_matrix_filtered_on_a_partner(client, loriol, code):
    url = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    response = client.get(url, {"partner": code})
    expected = {number for number, _ in _roles_of(loriol, code)}
    assert set(shown_engagements(response)) == expected
    assert f"{len(expected)} engagement" in response.content.decode()


def test_matrix_filtered_on_a_partner_as_lead(client, loriol):
    url = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    response = client.get(url, {"partner": "CAF", "role": "lead"})
    expected = {number for number, role in _roles_of(loriol, "CAF") if role == "lead"}
    assert expected
    assert set(shown_engagements(response)) == expected


def test_matrix_filtered_on_role(client, loriol):
    url = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    response = client.get(url, {"role": "associate"})
    expected = set(
        loriol.engagements.filter(roles__role="associate").values_list("number", flat=True)
    )
    assert expected
    assert set(shown_engagements(response)) == expected


def test_matrix_text_search(client, loriol):
    url = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    response = client.get(url, {"q": "SOINS"})
    expected = {e.number for e in loriol.engagements.all() if "soins" in e.text.lower()}
    assert expected
    assert set(shown_engagements(response)) == expected


def test_matrix_filtered_on_pillar_and_theme(client, loriol):
    url = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    pillar = loriol.pillars.get(name="Cohésion sociale")
    response = client.get(url, {"pillar": pillar.pk})
    assert set(shown_engagements(response)) == set(
        pillar.engagements.values_list("number", flat=True)
    )
    theme = pillar.themes.get(name="Santé")
    response = client.get(url, {"theme": theme.pk})
    assert set(shown_engagements(response)) == set(
        theme.engagements.values_list("number", flat=True)
    )


def test_matrix_with_no_match(client, loriol):
    url = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    response = client.get(url, {"q": "introuvable-zzz"})
    assert shown_engagements(response) == []
    assertContains(response, "Aucun engagement ne correspond à ces filtres.")


def test_matrix_ignores_an_unknown_partner_and_says_so(client, loriol):
    url = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    response = client.get(url, {"partner": "INCONNU"})
    assert len(shown_engagements(response)) == loriol.engagements.count()
    assert response.context["filter"].form.errors["partner"]


def test_matrix_export_links_keep_the_filters(client, loriol):
    url = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    response = client.get(url, {"partner": "CAF", "role": "lead"})
    export = reverse("contracts:matrix-export", kwargs={"slug": loriol.slug, "fmt": "xlsx"})
    assertContains(response, f'href="{export}?partner=CAF&amp;role=lead"')


def test_partner_page(client, loriol):
    caf = loriol.partners.get(code="CAF")
    response = client.get(reverse("contracts:partner-detail", args=[loriol.slug, "CAF"]))
    page = soup(response)
    assert page.find("h1").get_text(strip=True) == str(caf)
    table = page.find("caption", string=lambda s: s and "a un rôle" in s).parent
    rows = table.select("tbody tr")
    assert len(rows) == EngagementRole.objects.filter(partner=caf).count()
    assert "Chef de file" in text_of(rows[0])
    for contribution in caf.contributions.all():
        assert page.find("h3", string=contribution.title or "Contribution")
        first_paragraph = contribution.text.split("\n")[0].strip()
        assert first_paragraph[:40] in page.get_text()


def test_partner_page_of_the_state_lists_its_services(client, loriol):
    response = client.get(reverse("contracts:partner-detail", args=[loriol.slug, "ETAT"]))
    state = loriol.partners.get(code="ETAT")
    for service in state.services.all():
        assertInHTML(
            f'<a href="/contrats/{loriol.slug}/partenaires/{service.code}/">{service}</a>',
            response.content.decode(),
        )
    rows = soup(response).select("main table tbody tr")
    assert len(rows) == EngagementRole.objects.filter(partner=state).count()


def test_partner_page_of_a_state_service(client, loriol):
    response = client.get(reverse("contracts:partner-detail", args=[loriol.slug, "ARS"]))
    rows = soup(response).select("main table tbody tr")
    assert len(rows) == EngagementRole.objects.filter(service__code="ARS").count()
    assertContains(response, "Rattaché à")


def test_partner_code_with_a_space(client, loriol):
    url = reverse("contracts:partner-detail", args=[loriol.slug, "CONSEIL CITOYEN"])
    assert client.get(url).status_code == 200


def test_glossary(client, loriol):
    response = client.get(reverse("contracts:glossary", kwargs={"slug": loriol.slug}))
    page = soup(response)
    rows = page.select("main table tbody tr")
    assert len(rows) == loriol.glossary.count()
    text = text_of(page)
    for entry in loriol.glossary.all():
        assert entry.meaning in text


def test_source_document(client, loriol):
    response = client.get(reverse("contracts:source-document", kwargs={"slug": loriol.slug}))
    page = soup(response)
    lines = page.select('tr[id^="l-"]')
    assert len(lines) == len(loriol.source_document.lines)
    matrix = reverse("contracts:matrix", kwargs={"slug": loriol.slug})
    for engagement in loriol.engagements.all():
        line = page.find("tr", id=f"l-{engagement.source_line}")
        assert "q-source-line--marked" in line["class"]
        assert line.find("a", href=f"{matrix}#engagement-{engagement.number}")
    first = page.find("tr", id="l-3").find("td").get_text()
    assert first == loriol.source_document.lines[2]


def test_source_document_missing(client, loriol):
    Contract.objects.filter(pk=loriol.pk).update(source_document=None)
    url = reverse("contracts:source-document", kwargs={"slug": loriol.slug})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/contrats/inconnu/",
        "/contrats/inconnu/engagements/",
        "/contrats/inconnu/engagements/export.csv",
        "/contrats/inconnu/glossaire/",
        "/contrats/inconnu/document/",
        "/contrats/inconnu/partenaires/CAF/",
        "/contrats/coeur-de-loriol/partenaires/INCONNU/",
        "/contrats/coeur-de-loriol/engagements/export.pdf",
    ],
)
def test_not_found(client, loriol, url):
    assert client.get(url).status_code == 404


def test_page_titles_are_unique(client, loriol, contract_urls):
    urls = ["/contrats/", *contract_urls.values(), contract_urls["partner-detail"][:-4] + "ETAT/"]
    titles = [text_of(soup(client.get(url)).title) for url in urls]
    assert len(set(titles)) == len(titles)
    assert all(title.endswith(" — quartiers") for title in titles)
    assert f"Matrice des engagements — {loriol.name} — quartiers" in titles, titles


def test_pages_have_one_h1_and_captioned_tables(client, loriol, contract_urls):
    for url in ["/contrats/", *contract_urls.values()]:
        page = soup(client.get(url))
        assert len(page.find_all("h1")) == 1, url
        for table in page.find_all("table"):
            assert table.find("caption").get_text(strip=True), url
            assert all(th.get("scope") for th in table.find_all("th")), url


def test_pages_have_no_inline_script_or_style(client, loriol, contract_urls):
    for url in ["/contrats/", *contract_urls.values()]:
        page = soup(client.get(url))
        assert not page.find(attrs={"style": True}), url
        assert not page.find(attrs={"onclick": True}), url
        for script in page.find_all("script"):
            assert script.get("src") and script.get("nonce"), url


def test_pages_are_public(client, loriol, contract_urls):
    for url in ["/", *contract_urls.values()]:
        assert client.get(url).status_code == 200, url
