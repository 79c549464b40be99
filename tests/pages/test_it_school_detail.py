from __future__ import annotations

import pytest
from django.urls import reverse

from schoolwindow.schools.models import School
from tests.pages.conftest import STAFF_ROLES, World, status_for, statuses

EXPECTED = statuses(staff=200, trust_officer=200, trust_officer_with_access=200)


def url(school: School) -> str:
    return reverse("school_detail", kwargs={"school_id": school.pk})


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_who_may_open_a_school(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(url(world.oakfield))) == expected


@pytest.mark.parametrize("role", [*STAFF_ROLES, "trust_officer_with_access"])
def test_another_schools_page_does_not_exist(world: World, role: str) -> None:
    school = world.elsewhere if role.startswith("trust") else world.brookside
    assert world.client(role).get(url(school)).status_code == 404


def test_year_groups_with_counts_classes_and_pupil_list_links(world: World) -> None:
    response = world.client("leader").get(url(world.oakfield))
    html = response.content.decode()
    year7 = next(y for y in response.context["overview"].year_groups if y.code == "7")
    assert year7.on_roll == 2
    assert f"/pupils/?school={world.oakfield.pk}&amp;year=7" in html
    assert reverse("group_detail", kwargs={"group_id": world.class_7r.pk}) in html
    assert reverse("group_detail", kwargs={"group_id": world.class_7s.pk}) in html
    assert "<caption>" in html


def test_a_teacher_gets_links_only_to_their_own_class(world: World) -> None:
    html = world.client("teacher").get(url(world.oakfield)).content.decode()
    assert reverse("group_detail", kwargs={"group_id": world.class_7r.pk}) in html
    assert reverse("group_detail", kwargs={"group_id": world.class_7s.pk}) not in html


def test_trust_officer_without_pupil_access_gets_figures_and_no_links(world: World) -> None:
    html = world.client("trust_officer").get(url(world.oakfield)).content.decode()
    assert "7R" in html  # class names and sizes are figures, not pupils
    assert "/pupils/" not in html.split("<main", 1)[1]
    assert "/schools/classes/" not in html.split("<main", 1)[1]
    assert "Ada" not in html
