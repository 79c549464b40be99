from __future__ import annotations

import pytest
from django.urls import reverse, reverse_lazy

from schoolwindow.people.models import SendStatus
from tests.factories import PupilFactory
from tests.pages.conftest import STAFF_ROLES, World, status_for, statuses

URL = reverse_lazy("school_list")
EXPECTED = statuses(staff=200, trust_officer=200, trust_officer_with_access=200)


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_who_may_list_schools(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(URL)) == expected


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_see_their_own_school(world: World, role: str) -> None:
    html = world.client(role).get(URL).content.decode()
    assert "Oakfield Academy" in html
    assert "Brookside Primary" not in html
    assert "Faraway High" not in html


def test_trust_officer_sees_the_trusts_schools_as_figures_only(world: World) -> None:
    # Oakfield: Ada (disadvantaged, SEND, EAL), Cara, and two more: 4 on roll.
    PupilFactory(school=world.oakfield, eal=True)
    PupilFactory(school=world.oakfield, send_status=SendStatus.EHCP)
    response = world.client("trust_officer").get(URL)
    html = response.content.decode()
    assert "Oakfield Academy" in html and "Brookside Primary" in html
    assert "Faraway High" not in html
    summary = next(s for s in response.context["summaries"] if s.school == world.oakfield)
    assert (summary.on_roll, summary.disadvantaged_pct, summary.send_pct, summary.eal_pct) == (
        4,
        25,
        50,
        50,
    )
    assert summary.pupil_access is False
    for name in ("Ada", "Adrianna", "Cara", "Ben"):
        assert name not in html
    assert reverse("pupil_list") + "?" not in html
