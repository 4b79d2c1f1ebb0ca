"""Co-instruction pages: instruction list, funder's opinion form, conseil citoyen's opinion, and
the instruction panel of the application page. Permissions per role, key content, queries."""

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from quartiers.programming import services
from quartiers.programming.enums import Opinion
from quartiers.programming.models import CouncilOpinion
from tests.programming.test_instruction_services import examine, make_world, opinion_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _list_url(world):
    return reverse("programming:instruction-list", kwargs={"uuid": world.call.uuid})


def _opinion_url(application, funder):
    return reverse(
        "programming:opinion-edit", kwargs={"uuid": application.uuid, "funder": funder.pk}
    )


def _squash(text: str) -> str:
    """Whitespace collapsed, non-breaking spaces kept (amounts are « 1\u00a0000,00\u00a0€ »)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _text(response) -> str:
    return _squash(BeautifulSoup(response.content.decode(), "html.parser").get_text(" "))


def _opine(world, application, funder, by, **values):
    opinion = opinion_of(application, funder)
    return services.save_funder_opinion(
        opinion=opinion, expected_version=opinion.version, by=by, **values
    )


def test_urls_are_lowercase_french(world):
    assert _list_url(world) == f"/appels/{world.call.uuid}/instruction/"
    assert (
        _opinion_url(world.youth, world.caf) == f"/dossiers/{world.youth.uuid}/avis/{world.caf.pk}/"
    )
    assert (
        reverse("programming:council-opinion", kwargs={"uuid": world.youth.uuid})
        == f"/dossiers/{world.youth.uuid}/avis-conseil-citoyen/"
    )


# --------------------------------------------------------------------------- instruction list


@pytest.mark.parametrize("role", ["carrier", "council", "observer"])
def test_instruction_list_is_closed_to_other_roles(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(_list_url(world)).status_code == 403


def test_instruction_list_needs_login(client, world):
    response = client.get(_list_url(world))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_funder_instructor_sees_the_applications_asking_their_funder(client, world):
    _opine(world, world.youth, world.caf, world.caf_instructor, verdict=Opinion.RESERVED)
    client.force_login(world.caf_instructor)
    response = client.get(_list_url(world))
    assertContains(response, "<h1>Instruction des dossiers</h1>", html=True)
    text = _text(response)
    assert "Dossiers sollicitant Caisse d'allocations familiales (CAF)" in text
    assert "Jeunes en action" in text and "Sport pour tous" in text
    assert "3\u00a0000,00\u00a0€" in text and "1\u00a0000,00\u00a0€" in text
    assert "réservé" in text and "à instruire" in text
    assert "Vue consolidée" not in text  # steering roles only
    assertContains(response, _opinion_url(world.youth, world.caf))
    assertNotContains(response, _opinion_url(world.youth, world.ville))


def test_other_funder_instructor_sees_only_their_applications(client, world):
    client.force_login(world.ville_instructor)
    text = _text(client.get(_list_url(world)))
    assert "Jeunes en action" in text
    assert "Sport pour tous" not in text  # asks the CAF only
    assert "2\u00a0000,00\u00a0€" in text


@pytest.mark.parametrize("role", ["lead", "prefect"])
def test_steering_roles_see_the_consolidated_view(client, world, role):
    _opine(
        world,
        world.youth,
        world.caf,
        world.caf_instructor,
        verdict=Opinion.FAVOURABLE,
        proposed=Decimal("2500"),
        scores={str(c.pk): 4 for c in world.criteria},
    )
    client.force_login(getattr(world, role))
    response = client.get(_list_url(world))
    text = _text(response)
    assert "Vue consolidée" in text
    assert "Jeunes en action" in text and "Sport pour tous" in text
    assert "proposé : 2\u00a0500,00\u00a0€" in text
    assert "100,0 / 100" in text  # average grid score
    assert "Créer une séance" in text
    assertContains(response, reverse("programming:session-create", args=[world.call.uuid]))


def test_instruction_list_queries_do_not_grow_with_applications(
    client, django_assert_max_num_queries
):
    world = make_world(extra_applications=6)
    for user in (world.lead, world.caf_instructor):
        client.force_login(user)
        # 21–22 whatever the number of rows (pinned exactly in test_queues.py)
        with django_assert_max_num_queries(22):
            response = client.get(_list_url(world))
        assert response.status_code == 200
        assert len(re.findall(r"Atelier de quartier", response.content.decode())) >= 6


# --------------------------------------------------------------------------- opinion form


@pytest.mark.parametrize(
    ("role", "funder", "status"),
    [
        ("caf_instructor", "caf", 200),
        ("caf_colleague", "caf", 200),
        ("caf_instructor", "ville", 403),
        ("ville_instructor", "caf", 403),
        ("ville_instructor", "ville", 200),
        ("lead", "caf", 403),
        ("council", "caf", 403),
        ("carrier", "caf", 403),
    ],
)
def test_only_the_funders_instructors_open_its_opinion(client, world, role, funder, status):
    client.force_login(getattr(world, role))
    response = client.get(_opinion_url(world.youth, getattr(world, funder)))
    assert response.status_code == status


def test_opinion_of_a_funder_not_asked_is_refused(client, world):
    client.force_login(world.ville_instructor)  # may not even see « sport »: 404, no hint
    assert client.get(_opinion_url(world.sport, world.ville)).status_code == 404
    client.force_login(world.caf_instructor)
    assert client.get(_opinion_url(world.sport, world.ville)).status_code == 403


def test_opinion_form_shows_the_grid_and_saves(client, world):
    project, public = world.criteria
    client.force_login(world.caf_instructor)
    response = client.get(_opinion_url(world.youth, world.caf))
    assertContains(response, "<h1>Avis de Caisse d'allocations familiales (CAF)</h1>", html=True)
    assertContains(response, "Qualité du projet (note sur 4)")
    assertContains(response, 'name="version" value="0"')
    response = client.post(
        _opinion_url(world.youth, world.caf),
        {
            "opinion": Opinion.FAVOURABLE,
            "proposed": "2800",
            "shared_comment": "Bon projet.",
            "private_note": "Vérifier le bilan 2024.",
            f"score_{project.pk}": "3",
            f"score_{public.pk}": "",
            "version": "0",
        },
    )
    assertRedirects(response, _list_url(world), fetch_redirect_response=False)
    saved = opinion_of(world.youth, world.caf)
    assert (saved.opinion, saved.request.proposed) == (Opinion.FAVOURABLE, Decimal("2800"))
    assert saved.private_note == "Vérifier le bilan 2024."
    assert saved.scores == {str(project.pk): 3}
    assert (saved.version, saved.updated_by) == (1, world.caf_instructor)


def test_a_score_above_the_maximum_is_a_form_error(client, world):
    project, _ = world.criteria
    client.force_login(world.caf_instructor)
    response = client.post(
        _opinion_url(world.youth, world.caf), {f"score_{project.pk}": "9", "version": "0"}
    )
    assert response.status_code == 200
    assertContains(response, "inférieure ou égale à 4")
    assert opinion_of(world.youth, world.caf).version == 0


def test_a_proposal_above_the_request_is_shown_next_to_the_amount(client, world):
    client.force_login(world.caf_instructor)
    response = client.post(
        _opinion_url(world.youth, world.caf),
        {"opinion": Opinion.FAVOURABLE, "proposed": "3500", "version": "0"},
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    group = page.find("input", attrs={"name": "proposed"}).find_parent(
        class_=lambda c: c and "fr-input-group" in c.split()
    )
    assert "dépasse le montant demandé par le porteur" in group.get_text()
    assert page.find("input", attrs={"name": "proposed"})["value"] == "3500"
    assert opinion_of(world.youth, world.caf).version == 0


def test_stale_opinion_keeps_the_input_and_shows_the_saved_values(client, world):
    client.force_login(world.caf_instructor)
    url = _opinion_url(world.youth, world.caf)
    assertContains(client.get(url), 'name="version" value="0"')  # read version 0
    _opine(  # meanwhile, a colleague saves
        world,
        world.youth,
        world.caf,
        world.caf_colleague,
        verdict=Opinion.UNFAVOURABLE,
        shared_comment="Avis de ma collègue.",
    )
    mine = {
        "opinion": Opinion.FAVOURABLE,
        "proposed": "1500",
        "shared_comment": "Mon analyse détaillée.",
        "private_note": "",
        "version": "0",
    }
    response = client.post(url, mine)
    assert response.status_code == 200
    text = _text(response)
    assert "Un autre instructeur a modifié cet avis entre-temps" in text
    assert "Avis enregistré entre-temps" in text
    assert "Avis de ma collègue." in text and "défavorable" in text  # the saved values
    assertContains(response, "Mon analyse détaillée.</textarea>")  # my input, kept
    assertContains(response, 'value="1500"')
    assertContains(response, 'name="version" value="1"')  # saving again replaces knowingly
    saved = opinion_of(world.youth, world.caf)
    assert (saved.opinion, saved.shared_comment) == (Opinion.UNFAVOURABLE, "Avis de ma collègue.")

    response = client.post(url, {**mine, "version": "1"})
    assert response.status_code == 302
    saved = opinion_of(world.youth, world.caf)
    assert (saved.opinion, saved.shared_comment, saved.version) == (
        Opinion.FAVOURABLE,
        "Mon analyse détaillée.",
        2,
    )


def test_opinion_after_instruction_is_refused_with_a_message(client, world):
    examine(world, world.youth)  # now « examiné »
    client.force_login(world.caf_instructor)
    url = _opinion_url(world.youth, world.caf)
    response = client.get(url)
    assert response.context["form"] is None  # no form where it can no longer be saved
    assertContains(response, "l&#x27;avis ne peut plus être modifié")
    response = client.post(url, {"shared_comment": "Trop tard ?", "version": "0"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assertContains(response, "l&#x27;avis ne peut plus être modifié")
    assert opinion_of(world.youth, world.caf).shared_comment == ""


# --------------------------------------------------------------------------- instruction panel


@pytest.fixture
def opinions(world):
    _opine(
        world,
        world.youth,
        world.caf,
        world.caf_instructor,
        verdict=Opinion.FAVOURABLE,
        shared_comment="Commentaire CAF partagé.",
        private_note="Note secrète CAF.",
    )
    _opine(
        world,
        world.youth,
        world.ville,
        world.ville_instructor,
        verdict=Opinion.RESERVED,
        shared_comment="Commentaire Ville partagé.",
        private_note="Note secrète Ville.",
    )
    services.give_council_opinion(
        application=world.youth,
        opinion=Opinion.FAVOURABLE,
        comment="Le conseil soutient.",
        by=world.council,
    )
    return world


def _panel(user, application) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load instruction_tags %}{% instruction_panel application %}")
    html = template.render(Context({"request": request, "application": application}))
    return _squash(BeautifulSoup(html, "html.parser").get_text(" "))


def test_panel_shows_each_funder_its_own_private_note_only(opinions):
    world = opinions
    caf = _panel(world.caf_instructor, world.youth)
    assert "Note secrète CAF." in caf and "Note secrète Ville." not in caf
    assert "Commentaire CAF partagé." in caf and "Commentaire Ville partagé." in caf
    assert "Le conseil soutient." in caf
    ville = _panel(world.ville_instructor, world.youth)
    assert "Note secrète Ville." in ville and "Note secrète CAF." not in ville


def test_panel_for_steering_council_and_carrier(opinions):
    world = opinions
    lead = _panel(world.lead, world.youth)
    assert "Commentaire CAF partagé." in lead and "Commentaire Ville partagé." in lead
    assert "Note secrète" not in lead and "Note interne" not in lead
    council = _panel(world.council, world.youth)
    assert "Le conseil soutient." in council and "Modifier l'avis du conseil citoyen" in council
    assert "Commentaire CAF partagé." not in council
    assert _panel(world.carrier, world.youth) == ""
    assert _panel(world.observer, world.youth) == ""


def test_panel_queries_are_bounded(opinions, django_assert_max_num_queries):
    world = opinions
    examine(world, world.youth)
    with django_assert_max_num_queries(12):
        _panel(world.caf_instructor, world.youth)


def test_application_page_shows_the_instruction_panel(client, opinions):
    world = opinions
    url = world.youth.get_absolute_url()
    client.force_login(world.caf_instructor)
    response = client.get(url)
    assertContains(response, "Note secrète CAF.")
    assertNotContains(response, "Note secrète Ville.")
    assertContains(response, _opinion_url(world.youth, world.caf))
    assertNotContains(response, _opinion_url(world.youth, world.ville))
    client.force_login(world.ville_instructor)
    response = client.get(url)
    assertContains(response, "Note secrète Ville.")
    assertNotContains(response, "Note secrète CAF.")
    client.force_login(world.carrier)
    response = client.get(url)
    assert response.status_code == 200
    assertNotContains(response, "Commentaire CAF partagé.")
    assertNotContains(response, "Note secrète")


# --------------------------------------------------------------------------- conseil citoyen


@pytest.mark.parametrize(
    ("role", "status"),
    [("council", 200), ("lead", 403), ("caf_instructor", 403), ("observer", 403)],
)
def test_council_opinion_is_for_the_conseil_citoyen(client, world, role, status):
    client.force_login(getattr(world, role))
    url = reverse("programming:council-opinion", kwargs={"uuid": world.youth.uuid})
    assert client.get(url).status_code == status


def test_carrier_cannot_give_the_council_opinion(client, world):
    client.force_login(world.carrier)
    url = reverse("programming:council-opinion", kwargs={"uuid": world.youth.uuid})
    assert client.get(url).status_code in {403, 404}
    assert client.post(url, {"opinion": Opinion.FAVOURABLE}).status_code in {403, 404}
    assert not CouncilOpinion.objects.exists()


def test_council_gives_its_opinion(client, world):
    client.force_login(world.council)
    url = reverse("programming:council-opinion", kwargs={"uuid": world.youth.uuid})
    assertContains(client.get(url), "<h1>Avis du conseil citoyen</h1>", html=True)
    response = client.post(url, {"opinion": Opinion.RESERVED, "comment": "Public à préciser."})
    assertRedirects(response, url, fetch_redirect_response=False)
    council = CouncilOpinion.objects.get(application=world.youth)
    assert (council.opinion, council.comment, council.by) == (
        Opinion.RESERVED,
        "Public à préciser.",
        world.council,
    )
    assertContains(client.get(url), "Avis du conseil citoyen enregistré.")
