from __future__ import annotations

import pytest
from django.urls import reverse_lazy
from pytest_django import DjangoAssertNumQueries

from schoolwindow.people.models import Enrolment, PupilStatus, SendStatus
from tests.factories import PupilFactory
from tests.pages.conftest import World, status_for, statuses

URL = reverse_lazy("pupil_list")
EXPECTED = statuses(staff=200, trust_officer_with_access=200)


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_who_may_search_pupils(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(URL)) == expected


def names(response) -> set[str]:
    return {pupil.legal_first_name for pupil in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("leader", {"Adrianna", "Cara"}),
        ("dsl", {"Adrianna", "Cara"}),
        ("teacher", {"Adrianna"}),
        ("advocate", {"Adrianna"}),
        ("trust_officer_with_access", {"Adrianna", "Cara", "Ben"}),
    ],
)
def test_each_role_lists_only_the_pupils_it_may_see(
    world: World, role: str, expected: set[str]
) -> None:
    assert names(world.client(role).get(URL)) == expected


def test_search_by_name_preferred_name_and_upn(world: World) -> None:
    client = world.client("office")
    assert names(client.get(URL, {"q": "kowal"})) == {"Adrianna"}
    assert names(client.get(URL, {"q": "ada kowalska"})) == {"Adrianna"}
    assert names(client.get(URL, {"q": world.cara.upn.lower()})) == {"Cara"}
    assert names(client.get(URL, {"q": "nobody"})) == set()


def test_filters_by_year_class_school_and_need(world: World) -> None:
    PupilFactory(school=world.oakfield, legal_first_name="Dan", looked_after=True)
    PupilFactory(school=world.oakfield, legal_first_name="Eve", young_carer=True, eal=True)
    PupilFactory(school=world.oakfield, legal_first_name="Fay", send_status=SendStatus.EHCP)
    PupilFactory(school=world.oakfield, legal_first_name="Gus", status=PupilStatus.LEFT)
    client = world.client("trust_officer_with_access")
    assert names(client.get(URL, {"year": "7"})) == {"Adrianna", "Cara"}
    assert names(client.get(URL, {"group": world.class_7s.pk})) == {"Cara"}
    assert names(client.get(URL, {"school": world.brookside.pk})) == {"Ben"}
    assert names(client.get(URL, {"flag": "disadvantaged"})) == {"Adrianna"}
    assert names(client.get(URL, {"flag": "send"})) == {"Adrianna", "Fay"}
    assert names(client.get(URL, {"flag": "eal"})) == {"Adrianna", "Eve"}
    assert names(client.get(URL, {"flag": "young_carer"})) == {"Eve"}
    assert names(client.get(URL, {"flag": "looked_after"})) == {"Dan"}
    assert names(client.get(URL, {"flag": ["eal", "young_carer"]})) == {"Eve"}
    # Unknown values are ignored rather than failing.
    assert "Gus" not in names(client.get(URL, {"flag": "bogus", "school": "abc"}))


def test_a_school_outside_the_actors_reach_is_ignored(world: World) -> None:
    response = world.client("leader").get(URL, {"school": world.elsewhere.pk})
    assert names(response) == {"Adrianna", "Cara"}


def test_results_are_paginated_by_fifty(world: World) -> None:
    PupilFactory.create_batch(60, school=world.oakfield, legal_last_name="Zed")
    client = world.client("leader")
    first = client.get(URL)
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert len(second.context["page"].object_list) == 12


def test_full_page_without_javascript(world: World) -> None:
    html = world.client("leader").get(URL, {"q": "Cara"}).content.decode()
    assert "<html" in html
    assert '<form method="get"' in html
    assert "<caption>" in html
    assert 'scope="col"' in html


def test_htmx_request_gets_only_the_results_fragment(world: World) -> None:
    response = world.client("leader").get(URL, {"q": "Cara"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html
    assert '<table class="stack">' in html
    assert "Cara" in html
    assert "Adrianna" not in html
    assert "HX-Request" in response["Vary"]


def test_registration_class_shows_without_extra_queries_per_row(
    world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(40):
        pupil = PupilFactory(school=world.oakfield)
        Enrolment.objects.create(school=world.oakfield, group=world.class_7s, pupil=pupil)
    client = world.client("leader")
    client.get(URL)
    with django_assert_max_num_queries(15):
        html = client.get(URL).content.decode()
    assert "7S" in html
