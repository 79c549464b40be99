from __future__ import annotations

import pytest
from django.urls import reverse_lazy

from schoolwindow.schools.models import GroupKind
from tests.factories import GroupFactory
from tests.pages.conftest import World, status_for, statuses

URL = reverse_lazy("group_list")
EXPECTED = statuses(staff=200, trust_officer_with_access=200)


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_who_may_list_classes(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(URL)) == expected


def names(response) -> set[str]:
    return {group.name for group in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("leader", {"7R", "7S", "7Ma1"}),
        ("office", {"7R", "7S", "7Ma1"}),
        ("teacher", {"7R"}),
        ("advocate", set()),
        ("trust_officer_with_access", {"7R", "7S", "7Ma1", "Beech"}),
    ],
)
def test_each_role_lists_only_its_classes(world: World, role: str, expected: set[str]) -> None:
    assert names(world.client(role).get(URL)) == expected


def test_filters_by_school_year_kind_and_name(world: World) -> None:
    GroupFactory(school=world.oakfield, name="Old class", active=False)
    client = world.client("trust_officer_with_access")
    assert names(client.get(URL, {"school": world.brookside.pk})) == {"Beech"}
    assert names(client.get(URL, {"year": "7"})) == {"7R", "7S", "7Ma1"}
    assert names(client.get(URL, {"kind": GroupKind.TEACHING})) == {"7Ma1"}
    assert names(client.get(URL, {"q": "maths"})) == {"7Ma1"}
    assert names(client.get(URL, {"kind": "bogus", "school": "x"})) == {"7R", "7S", "7Ma1", "Beech"}


def test_htmx_request_gets_only_the_results(world: World) -> None:
    response = world.client("leader").get(URL, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "7R" in html
