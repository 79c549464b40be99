from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwindow.people.models import Enrolment, GuardianLink, Role, TeachingAssignment
from schoolwindow.schools.models import Group, GroupKind
from tests.factories import GroupFactory, PupilFactory, guardian_of, staff_member
from tests.pages.conftest import RESTRICTED_EMAIL, RESTRICTED_PHONE, World, status_for, statuses

CLASS_7R = statuses(staff=200, advocate=404, trust_officer_with_access=200)
CLASS_7S = {**CLASS_7R, "teacher": 404}


def url(group: Group) -> str:
    return reverse("group_detail", kwargs={"group_id": group.pk})


@pytest.mark.parametrize(("role", "expected"), CLASS_7R.items())
def test_who_may_open_7r(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(url(world.class_7r))) == expected


@pytest.mark.parametrize(("role", "expected"), CLASS_7S.items())
def test_who_may_open_7s(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(url(world.class_7s))) == expected


def test_a_class_of_another_trust_does_not_exist(world: World) -> None:
    group = GroupFactory(school=world.elsewhere)
    assert world.client("trust_officer_with_access").get(url(group)).status_code == 404


def test_class_list_shows_pupils_needs_languages_and_teacher(world: World) -> None:
    html = world.client("teacher").get(url(world.class_7r)).content.decode()
    assert "Kowalska, Ada" in html
    assert "Year 7" in html
    assert "SEN support" in html
    assert "EAL: Polish" in html
    assert "Polish" in html  # Maria's preferred language
    assert world.staff["teacher"].display_name in html
    assert "Cara" not in html
    # Nothing of the restricted father.
    assert "Piotr" not in html
    assert RESTRICTED_PHONE not in html
    assert RESTRICTED_EMAIL not in html
    assert 'scope="col"' in html and "<caption>" in html


def class_of(world: World, size: int) -> Group:
    group = GroupFactory(school=world.oakfield, kind=GroupKind.TEACHING, year_group=world.year7)
    for _ in range(2):
        TeachingAssignment.objects.create(
            school=world.oakfield, group=group, staff=staff_member(world.oakfield, Role.TEACHER)
        )
    for n in range(size):
        pupil = PupilFactory(school=world.oakfield, year_group=world.year7, eal=bool(n % 2))
        Enrolment.objects.create(school=world.oakfield, group=group, pupil=pupil)
        guardian_of(pupil, with_login=False, preferred_language="pl" if n % 2 else "en")
        guardian = guardian_of(pupil, with_login=False, contact_restricted=(n % 5 == 0))
        GuardianLink.objects.filter(guardian=guardian).update(contact_priority=2)
    return group


@pytest.mark.parametrize("role", ["leader", "trust_officer_with_access"])
def test_the_number_of_queries_does_not_grow_with_the_class(world: World, role: str) -> None:
    small, large = class_of(world, 5), class_of(world, 40)
    client = world.client(role)
    client.get(url(world.class_7r))  # warm up
    counts = []
    for group in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(group))
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["class_list"].members) == 40
    assert counts[0] == counts[1]
    assert counts[1] <= 12
