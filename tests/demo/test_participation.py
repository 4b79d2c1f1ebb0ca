"""The demo's fictitious conseil citoyen: through the services, parity respected, the draw
verifiable, fictitious names only, loaded once."""

import pytest
from django.urls import reverse

from quartiers.demo import services as demo
from quartiers.demo.participation import DRAW_SEATS, DRAW_SEED, VOLUNTEERS
from quartiers.participation import services
from quartiers.participation.enums import College, Gender
from quartiers.participation.models import (
    ERASED_NAME,
    CitizenCouncil,
    CouncilMember,
    Draw,
    VolunteerList,
)

pytestmark = pytest.mark.django_db


def test_the_demo_council(client):
    demo.load(apply=True)
    council = CitizenCouncil.objects.get()
    assert "fictifs" in council.name
    draw = Draw.objects.get()
    assert (draw.seed, draw.seats) == (DRAW_SEED, DRAW_SEATS)
    replay = services.replay_draw(draw)  # one drawn member asked for erasure
    assert (replay.ok, replay.erased) == (True, 1)
    residents = CouncilMember.objects.current().filter(college=College.RESIDENT)
    erased_gender = CouncilMember.objects.get(erased_at__isnull=False).gender
    for gender in Gender:
        expected = DRAW_SEATS // 2 - (gender == erased_gender) + (gender == Gender.WOMAN)
        assert residents.filter(gender=gender).count() == expected  # Chloé among the women
    erased = CouncilMember.objects.get(erased_at__isnull=False)
    assert erased.last_name == ERASED_NAME
    names = [m.last_name for m in CouncilMember.objects.exclude(erased_at__isnull=False)]
    assert all("fictif" in name or "fictive" in name or "Démo" in name for name in names)
    assert VolunteerList.objects.get().volunteers.count() == len(VOLUNTEERS)
    chloe = CouncilMember.objects.get(user__email="conseil-citoyen@demo.quartiers.invalid")
    assert chloe.college == College.RESIDENT

    counts = {m._meta.label: m.objects.count() for m in (CouncilMember, Draw, VolunteerList)}
    demo.load(apply=True)  # idempotent
    assert counts == {
        m._meta.label: m.objects.count() for m in (CouncilMember, Draw, VolunteerList)
    }

    response = client.get(reverse("participation:draw-public", kwargs={"uuid": draw.uuid}))
    assert response.status_code == 200  # the demo contract is published
    content = response.content.decode()
    assert draw.list_fingerprint in content
    assert not [name for name, _ in VOLUNTEERS if name in content]
