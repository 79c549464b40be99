from __future__ import annotations

import pytest
from django.urls import reverse, reverse_lazy
from pytest_django import DjangoAssertNumQueries

from schoolwindow.people.models import Enrolment, GuardianLink
from tests.factories import GroupFactory, PupilFactory
from tests.pages.conftest import RESTRICTION_REASON, World, status_for, statuses

URL = reverse_lazy("my_children")
EXPECTED = statuses(parent=200, other_parent=200)


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_only_parents_have_a_my_children_page(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(URL)) == expected


def test_a_parent_sees_children_in_both_schools(world: World) -> None:
    html = world.client("parent").get(URL).content.decode()
    assert "Ada Kowalska" in html
    assert "Oakfield Academy" in html and "Year 7" in html and "7R" in html
    assert "Ben Kowalski" in html
    assert "Brookside Primary" in html and "Year 5" in html and "Beech" in html
    assert reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}) in html
    assert reverse("pupil_detail", kwargs={"pupil_id": world.ben.pk}) in html
    assert "Cara" not in html
    assert "Piotr" not in html and RESTRICTION_REASON not in html


@pytest.mark.parametrize("child", ["ada", "ben"])
def test_a_parent_can_open_each_of_their_children(world: World, child: str) -> None:
    pupil = getattr(world, child)
    response = world.client("parent").get(reverse("pupil_detail", kwargs={"pupil_id": pupil.pk}))
    assert response.status_code == 200
    assert "Piotr" not in response.content.decode()


@pytest.mark.parametrize("child", ["cara", "outsider"])
def test_a_parent_cannot_open_another_child(world: World, child: str) -> None:
    pupil = getattr(world, child)
    response = world.client("parent").get(reverse("pupil_detail", kwargs={"pupil_id": pupil.pk}))
    assert response.status_code == 404


def test_the_other_parent_sees_only_their_own_child(world: World) -> None:
    html = world.client("other_parent").get(URL).content.decode()
    assert "Cara Jones" in html
    assert "Ada" not in html and "Ben" not in html


def test_a_parent_with_no_children_linked_gets_a_kind_note(world: World) -> None:
    GuardianLink.objects.filter(guardian=world.cara_parent).delete()
    html = world.client("other_parent").get(URL).content.decode()
    assert "Please get in touch with the school office" in html


def test_queries_do_not_grow_with_the_number_of_children(
    world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(6):
        pupil = PupilFactory(school=world.oakfield)
        GuardianLink.objects.create(school=world.oakfield, pupil=pupil, guardian=world.maria)
        Enrolment.objects.create(
            school=world.oakfield, group=GroupFactory(school=world.oakfield), pupil=pupil
        )
    client = world.client("parent")
    client.get(URL)
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200
