"""Pages of the conseil citoyen, per role and method."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.access import services as access
from quartiers.participation import services
from quartiers.participation.models import (
    ERASED_NAME,
    CitizenCouncil,
    CouncilMember,
    Draw,
    VolunteerList,
)
from tests.access.factories import RoleAssignmentFactory
from tests.accounts.factories import UserFactory
from tests.contracts.factories import ContractFactory
from tests.participation import factories

pytestmark = pytest.mark.django_db

ROLES = {
    "project_lead": {},
    "prefect_delegate": {"prefect_delegate": True},
    "citizen_council": {"citizen_council": True},
    "observer": {"observer": True},
    "carrier": {"carrier": True},
    "funder_instructor": {"funder_instructor": True},
}


@pytest.fixture
def world():
    contract = ContractFactory(private=True)
    council = factories.council(contract, name="Conseil citoyen Cœur de Loriol")
    member = factories.member(council)
    volunteer_list = factories.volunteer_list(contract)
    draw = factories.draw(volunteer_list, seats=4, seed="GRAINE-VUE")
    people = {
        role: RoleAssignmentFactory(contract=contract, **traits).user
        for role, traits in ROLES.items()
    }
    people["no_role"] = UserFactory()
    return SimpleNamespace(
        contract=contract,
        council=council,
        member=member,
        volunteer_list=volunteer_list,
        draw=draw,
        people=people,
    )


def url(name, contract, **kwargs):
    return reverse(f"participation:{name}", kwargs={"slug": contract.slug, **kwargs})


@pytest.mark.parametrize(
    ("role", "status", "names", "emails"),
    [
        ("project_lead", 200, True, True),
        ("prefect_delegate", 200, True, True),
        ("citizen_council", 200, True, False),
        ("observer", 200, False, False),
        ("carrier", 403, False, False),
        ("funder_instructor", 403, False, False),
        ("no_role", 403, False, False),
    ],
)
def test_council_page_per_role(client, world, role, status, names, emails):
    contract = world.contract
    people = world.people
    client.force_login(people[role])
    response = client.get(url("council", contract))
    assert response.status_code == status
    if status != 200:
        return
    content = response.content.decode()
    assert "Conseil citoyen Cœur de Loriol" in content
    assert "1 femme, 0 homme" in content  # parity of residents, for everyone who reads
    assert ("Jeanne Dupont" in content) is names
    assert ("jeanne.dupont@example.org" in content) is emails
    assert ("Awa Diallo" in content) is False  # volunteers' names are never on this page
    assert ("Ajouter un membre" in content) is (role == "project_lead")


def test_council_page_query_count_is_constant(client, world, django_assert_num_queries):
    contract = world.contract
    council = world.council
    people = world.people
    client.force_login(people["project_lead"])
    client.get(url("council", contract))  # the session, once
    with django_assert_num_queries(10):
        client.get(url("council", contract))
    for n in range(5):
        factories.member(council, email=f"m{n}@example.org", last_name=f"Membre {n}")
    with django_assert_num_queries(10):
        client.get(url("council", contract))


def test_anonymous_is_sent_to_login(client, world):
    contract = world.contract
    response = client.get(url("council", contract))
    assert response.status_code == 302 and "/connexion/" in response.url


def test_the_contract_menu_links_the_council_for_its_readers_only(client, world):
    contract = world.contract
    people = world.people
    link = url("council", contract)
    client.force_login(people["observer"])
    assert link in client.get(contract.get_absolute_url()).content.decode()
    client.force_login(people["carrier"])
    assert link not in client.get(contract.get_absolute_url()).content.decode()


def test_council_edit_creates_then_updates(client):
    contract = ContractFactory()
    lead = RoleAssignmentFactory(contract=contract).user
    client.force_login(lead)
    page = client.get(url("council", contract)).content.decode()
    assert "Enregistrer le conseil citoyen" in page
    response = client.post(
        url("council-edit", contract),
        {"name": "Conseil citoyen des Tilleuls", "created_on": "2016-10-01"},
    )
    assert response.status_code == 302
    council = CitizenCouncil.objects.get(contract=contract)
    assert council.created_on == datetime.date(2016, 10, 1)
    client.post(url("council-edit", contract), {"name": "Conseil citoyen renommé"})
    council.refresh_from_db()
    assert council.name == "Conseil citoyen renommé"


@pytest.mark.parametrize("role", ["prefect_delegate", "citizen_council", "observer", "carrier"])
def test_others_may_not_edit(client, world, role):
    contract = world.contract
    people = world.people
    client.force_login(people[role])
    for name in ("council-edit", "member-create", "volunteer-list-create"):
        assert client.get(url(name, contract)).status_code == 403
        assert client.post(url(name, contract), {"name": "x"}).status_code == 403


def test_add_member_through_the_form(client, world):
    contract = world.contract
    people = world.people
    client.force_login(people["project_lead"])
    form = client.get(url("member-create", contract))
    token = form.context["form"]["submission_token"].value()
    data = {
        "submission_token": token,
        "college": "local_actor",
        "first_name": "Karim",
        "last_name": "Saïdi",
        "gender": "homme",
        "represents": "Centre social",
        "term_starts_on": "2025-09-01",
        "consent_given": "on",
    }
    response = client.post(url("member-create", contract), data)
    assert response.status_code == 302
    member = CouncilMember.objects.get(last_name="Saïdi")
    assert member.consent_given_at is not None and member.college == "local_actor"
    client.post(url("member-create", contract), data)  # the same form sent twice
    assert CouncilMember.objects.filter(last_name="Saïdi").count() == 1


def test_member_account_is_one_of_the_council_role_holders(client, world):
    contract = world.contract
    member = world.member
    people = world.people
    client.force_login(people["project_lead"])
    form = client.get(url("member-edit", contract, pk=member.pk)).context["form"]
    assert list(form.fields["user"].queryset) == [people["citizen_council"]]
    data = {
        "college": "resident",
        "first_name": "Jeanne",
        "last_name": "Dupont",
        "gender": "femme",
        "email": "jeanne.dupont@example.org",
        "term_starts_on": "2024-01-15",
        "user": people["citizen_council"].pk,
    }
    assert client.post(url("member-edit", contract, pk=member.pk), data).status_code == 302
    member.refresh_from_db()
    assert member.user == people["citizen_council"]
    data["user"] = people["carrier"].pk
    response = client.post(url("member-edit", contract, pk=member.pk), data)
    assert response.status_code == 200  # not a choice: the form again


def test_departure_then_erasure(client, world):
    contract = world.contract
    member = world.member
    people = world.people
    client.force_login(people["project_lead"])
    response = client.post(url("member-leave", contract, pk=member.pk), {"left_on": "2025-12-31"})
    assert response.status_code == 302
    page = client.get(url("member-leave", contract, pk=member.pk)).content.decode()
    assert "a quitté le conseil le 31 décembre 2025" in page
    assert "?confirmer=" in page  # the erasure asks for confirmation
    response = client.post(url("member-erase", contract, pk=member.pk))
    assert response.status_code == 302
    page = client.get(url("council", contract)).content.decode()
    assert ERASED_NAME in page and "Dupont" not in page


def test_erase_answers_405_to_get_and_404_to_another_contracts_member(client, world):
    contract = world.contract
    member = world.member
    people = world.people
    client.force_login(people["project_lead"])
    assert client.get(url("member-erase", contract, pk=member.pk)).status_code == 405
    other = ContractFactory()
    RoleAssignmentFactory(contract=other, user=people["project_lead"])
    assert client.post(url("member-erase", other, pk=member.pk)).status_code == 404


def test_volunteer_list_typed_then_drawn(client):
    contract = ContractFactory()
    client.force_login(RoleAssignmentFactory(contract=contract).user)
    token = client.get(url("volunteer-list-create", contract)).context["form"]
    response = client.post(
        url("volunteer-list-create", contract),
        {
            "submission_token": token["submission_token"].value(),
            "name": "Réunion publique",
            "typed": "Awa Diallo;femme\nPaul Roux;homme\nLéa Blanc;F\nMarc Petit;H\n",
        },
    )
    assert response.status_code == 302
    volunteer_list = VolunteerList.objects.get()
    assert volunteer_list.volunteers.count() == 4
    form = client.get(url("draw-create", contract, uuid=volunteer_list.uuid)).context["form"]
    assert form["seed"].value()  # a generated default seed
    response = client.post(
        url("draw-create", contract, uuid=volunteer_list.uuid),
        {"submission_token": form["submission_token"].value(), "seats": 2, "seed": "S-1"},
    )
    draw = Draw.objects.get()
    assert response.url == url("draw-detail", contract, uuid=draw.uuid)
    page = client.get(response.url).content.decode()
    assert "Tirage vérifié" in page and "S-1" in page


def test_a_bad_file_keeps_the_form_and_records_nothing(client):
    contract = ContractFactory()
    client.force_login(RoleAssignmentFactory(contract=contract).user)
    response = client.post(
        url("volunteer-list-create", contract),
        {
            "name": "Liste",
            "file": SimpleUploadedFile("liste.csv", b"nom;genre\nAwa;autre\n"),
        },
    )
    assert response.status_code == 200
    assert "ligne 2 : genre « autre » non reconnu" in response.content.decode()
    assert not VolunteerList.objects.exists()


def test_a_draw_without_parity_is_refused_on_the_form(client, world):
    contract = world.contract
    volunteer_list = world.volunteer_list
    people = world.people
    client.force_login(people["project_lead"])
    response = client.post(
        url("draw-create", contract, uuid=volunteer_list.uuid), {"seats": 10, "seed": "x"}
    )
    assert response.status_code == 200
    assert "ne permet pas un tirage paritaire de 10 sièges" in response.content.decode()
    response = client.post(
        url("draw-create", contract, uuid=volunteer_list.uuid), {"seats": 3, "seed": "x"}
    )
    assert "Choisissez un nombre pair de sièges" in response.content.decode()
    assert Draw.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "status", "names"),
    [
        ("project_lead", 200, True),
        ("prefect_delegate", 200, True),
        ("citizen_council", 200, False),
        ("observer", 200, False),
        ("carrier", 403, False),
    ],
)
def test_draw_record_names_for_steering_only(client, world, role, status, names):
    contract = world.contract
    draw = world.draw
    people = world.people
    client.force_login(people[role])
    response = client.get(url("draw-detail", contract, uuid=draw.uuid))
    assert response.status_code == status
    if status == 200:
        content = response.content.decode()
        assert draw.list_fingerprint in content and "GRAINE-VUE" in content
        seated = draw.entries.filter(seated=True).first().volunteer.display_name
        assert (seated in content) is names


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("project_lead", 200),
        ("prefect_delegate", 200),
        ("citizen_council", 403),
        ("observer", 403),
    ],
)
def test_volunteer_list_page_for_steering_only(client, world, role, status):
    contract = world.contract
    volunteer_list = world.volunteer_list
    people = world.people
    client.force_login(people[role])
    assert (
        client.get(url("volunteer-list-detail", contract, uuid=volunteer_list.uuid)).status_code
        == status
    )


def test_public_draw_page_of_an_unpublished_contract_is_hidden(client, world):
    contract = world.contract
    draw = world.draw
    people = world.people
    assert client.get(draw.get_public_url()).status_code == 404
    client.force_login(people["observer"])
    assert client.get(draw.get_public_url()).status_code == 200
    contract.is_published = True
    contract.save()
    client.logout()
    response = client.get(draw.get_public_url())
    assert response.status_code == 200
    assert draw.list_fingerprint in response.content.decode()


def test_a_drawn_resident_is_enrolled_from_the_draw(client, world):
    contract, people, draw = world.contract, world.people, world.draw
    client.force_login(people["project_lead"])
    entry = draw.entries.filter(seated=True).select_related("volunteer").first()
    page = client.get(url("draw-detail", contract, uuid=draw.uuid)).content.decode()
    link = f"{url('member-create', contract)}?volontaire={entry.volunteer_id}"
    assert link in page
    form = client.get(link).context["form"]
    assert form["last_name"].value() == entry.volunteer.display_name
    assert form["gender"].value() == entry.gender
    data = {
        "submission_token": form["submission_token"].value(),
        "college": "resident",
        "last_name": entry.volunteer.display_name,
        "gender": entry.gender,
        "term_starts_on": "2026-01-01",
        "volunteer": entry.volunteer_id,
    }
    assert client.post(url("member-create", contract), data).status_code == 302
    member = CouncilMember.objects.get(volunteer=entry.volunteer)
    page = client.get(url("draw-detail", contract, uuid=draw.uuid)).content.decode()
    assert link not in page
    services.erase_member(member=member, by=None)
    entry.volunteer.refresh_from_db()
    assert entry.volunteer.erased_at is not None


def test_a_hostile_volunteer_parameter_is_ignored(client, world):
    contract, people = world.contract, world.people
    client.force_login(people["project_lead"])
    other = factories.volunteer_list(ContractFactory()).volunteers.first()
    for value in ("x", "²", "-1", str(other.pk)):
        response = client.get(f"{url('member-create', contract)}?volontaire={value}")
        assert response.status_code == 200
        assert response.context["form"]["last_name"].value() is None


@pytest.mark.parametrize("role", ["carrier", "funder_instructor", "observer"])
def test_the_list_of_draws_leads_everyone_to_the_public_pages(client, world, role):
    contract, people, draw = world.contract, world.people, world.draw
    client.force_login(people[role])
    page = client.get(contract.get_absolute_url()).content.decode()
    assert reverse("participation:draw-list", kwargs={"slug": contract.slug}) in page
    response = client.get(reverse("participation:draw-list", kwargs={"slug": contract.slug}))
    assert response.status_code == 200
    assert draw.get_public_url() in response.content.decode()
    assert "GRAINE-VUE" in response.content.decode()


def test_a_member_whose_role_was_revoked_keeps_their_account_on_the_form(client, world):
    contract, people, member = world.contract, world.people, world.member
    services.update_member(member=member, by=None, user=people["citizen_council"])
    assignment = contract.role_assignments.get(user=people["citizen_council"])
    access.revoke_role(assignment=assignment, by=None)
    client.force_login(people["project_lead"])
    form = client.get(url("member-edit", contract, pk=member.pk)).context["form"]
    assert list(form.fields["user"].queryset) == [people["citizen_council"]]
