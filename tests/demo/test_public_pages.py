"""No personal data of residents on any public page of the demo: an anonymous visitor follows
every link from `/`, and no page shows a conseil citoyen member's or a volunteer's name or
e-mail address (the demo's are fictitious, but a real instance has the same pages)."""

from collections import deque
from html import unescape
from urllib.parse import urlsplit

import pytest

from quartiers.demo import services as demo
from quartiers.governance.models import BodyPerson
from quartiers.participation.models import CouncilMember, MicroProject, Volunteer
from tests.demo.test_crawl import HREF, NOT_FOLLOWED

pytestmark = pytest.mark.django_db


def _personal_data() -> set[str]:
    members = CouncilMember.objects.exclude(erased_at__isnull=False)
    data = {m.display_name for m in members} | {m.email for m in members}
    volunteers = Volunteer.objects.exclude(erased_at__isnull=False)
    data |= {v.display_name for v in volunteers} | {v.email for v in volunteers}
    # The residents' fund: the groups' contacts and names (the committee's pages only).
    for project in MicroProject.objects.all():
        data |= {
            project.contact_first_name,
            project.contact_email,
            project.contact_phone,
            project.group_name,
        }
    # The persons sitting in a body in their own name (its page names them to partners only).
    for person in BodyPerson.objects.all():
        data |= {person.name, person.email}
    return {d for d in data if d and d != "Membre retiré·e"}


def test_no_public_page_of_the_demo_shows_a_resident(client):
    demo.load(apply=True)
    personal = _personal_data()
    assert len(personal) > 10, "the demo has residents to look for"
    assert "Rosalie (fictive)" in personal, "the FPH's contacts are looked for"
    seen, queue, pages, found = {"/"}, deque(["/"]), 0, []
    while queue:
        path = queue.popleft()
        response = client.get(path, secure=True)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        pages += 1
        html = unescape(response.content.decode())
        found += [f"{path}: {d}" for d in personal if d in html]
        for href in HREF.findall(html):
            url = urlsplit(href)
            if url.netloc or not url.path.startswith("/") or NOT_FOLLOWED.search(url.path):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in seen and len(seen) < 1500:
                seen.add(target)
                queue.append(target)

    assert pages > 30  # the contract, its matrix, engagements, bodies, meetings, draws…
    assert not found, found
