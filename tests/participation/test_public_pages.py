"""No personal data of residents on any public page: every participation route, opened
without signing in on a published contract, shows no volunteer's or member's name or e-mail
(the list of draws and each draw's page answer, and the residents' fund's page, form and a
group's private page; the others send to the login page)."""

from decimal import Decimal

import pytest
from django.urls import URLPattern, get_resolver, reverse

from quartiers.participation import fund as fph
from quartiers.participation import urls
from tests.access.factories import RoleAssignmentFactory
from tests.contracts.factories import ContractFactory
from tests.participation import factories

pytestmark = pytest.mark.django_db


def participation_kwargs(pattern, objects):
    route = str(pattern.pattern)
    kwargs = {}
    if "<slug:slug>" in route:
        kwargs["slug"] = objects["contract"].slug
    if "<int:pk>" in route:
        kwargs["pk"] = objects["file" if "pieces" in route else "member"].pk
    if "<uuid:uuid>" in route:
        kwargs["uuid"] = (
            objects["volunteer_list"].uuid
            if "volontaires" in route
            else objects["project"].uuid
            if "projets" in route
            else objects["draw"].uuid
        )
    if "<int:year>" in route:
        kwargs["year"] = objects["project"].fund.year
    if "<str:key>" in route:
        kwargs["key"] = objects["key"]
    return kwargs


def test_no_public_participation_page_shows_a_name_or_an_email(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    contract = ContractFactory(is_published=True)
    council = factories.council(contract)
    member = factories.member(council)
    volunteer_list = factories.volunteer_list(contract)
    draw = factories.draw(volunteer_list, seats=4)
    # The residents' fund: a request filed, paid and reported, with its photo.
    fund = factories.fund(contract)
    project, key = factories.requested(fund, contact_phone="06 00 00 00 00")
    fph.confirm_micro_project(project=project)
    project.refresh_from_db()
    fph.decide_micro_project(project=project, by=None, **factories.vote())
    project.refresh_from_db()
    fph.record_payment(
        project=project, by=None, paid_on=project.decided_on, amount=project.amount_granted
    )
    project = fph.file_report(
        project=project,
        text="Bien.",
        participants=5,
        expenses=Decimal("100"),
        receipts=[factories.upload()],
        photos=[factories.upload("portrait-des-voisins.png", factories.PNG, "image/png")],
    )
    objects = {
        "contract": contract,
        "member": member,
        "volunteer_list": volunteer_list,
        "draw": draw,
        "project": project,
        "file": project.files.get(kind="photo"),
        "key": key,
    }
    personal = [member.first_name, member.last_name, member.email]
    personal += [project.contact_first_name, project.contact_email, project.contact_phone]
    personal += [project.group_name]
    for volunteer in volunteer_list.volunteers.all():
        personal += [volunteer.display_name, volunteer.email]
    answered = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        url = reverse(
            f"participation:{pattern.name}", kwargs=participation_kwargs(pattern, objects)
        )
        response = client.get(url)
        assert response.status_code in {200, 302, 405}, url
        if response.status_code == 200:
            answered.append(pattern.name)
            content = response.content.decode()
            shown = [text for text in personal if text and text in content]
            assert not shown, f"{url} shows {shown}"
    assert answered == [
        "draw-list",
        "draw-public",
        "fund-public",
        "fph-request",
        "fph-request-sent",
        "fph-follow",  # the group's own page, by its private link
    ]
    assert get_resolver().resolve(draw.get_public_url()).url_name == "draw-public"


def test_the_check_catches_a_name(client):
    """The check above, seen failing: the signed-in chef de projet's council page does show
    names, and the same comparison finds them."""
    contract = ContractFactory(is_published=True)
    member = factories.member(factories.council(contract))
    client.force_login(RoleAssignmentFactory(contract=contract).user)
    content = client.get(reverse("participation:council", kwargs={"slug": contract.slug}))
    assert member.last_name in content.content.decode()
