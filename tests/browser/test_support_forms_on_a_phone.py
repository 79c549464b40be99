"""The support pages the journeys do not walk through, on a 390 px phone with axe-core: changing
a study group, changing a packing list, the pupil's support timeline with its form, and "did it
work?". Each fits the screen and a change made there is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from schoolwindow.people.actors import actor_for
from schoolwindow.support.parcels import services as parcels
from schoolwindow.support.parcels.models import PackingList
from schoolwindow.support.studygroups import services as groups
from schoolwindow.support.studygroups.models import StudyGroup
from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    return build_world()


def check(page: Page) -> None:
    assert_accessible(page)
    assert_fits_the_screen(page)


def test_a_lead_changes_their_study_group(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size(PHONE)
    teacher = actor_for(world.staff["teacher"].user)
    group = groups.study_group_create(
        actor=teacher, school_id=world.secondary.pk, name="Homework club"
    )
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "teacher")
    page.goto(f"{live_server.url}/support/groups/{group.pk}/edit/")
    check(page)
    page.get_by_label("Name of the group").fill("Maths club")
    page.get_by_role("button", name="Save the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maths club")
    check(page)
    assert StudyGroup.objects.get(pk=group.pk).name == "Maths club"
    assert not blocked


def test_support_pages_for_the_pastoral_lead(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size(PHONE)
    lead = actor_for(world.staff["pastoral"].user)
    food = parcels.packing_list_create(
        actor=lead,
        school_id=world.secondary.pk,
        name="Food parcel",
        kind="food",
        items="2 x Pasta 500g\nTinned tomatoes",
    )
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "pastoral")
    page.goto(f"{live_server.url}/support/parcels/lists/{food.pk}/")
    check(page)
    page.get_by_label("Name of the list").fill("Food parcel, family of four")
    page.get_by_role("button", name="Save the list").click()
    expect(page.get_by_text("Food parcel, family of four").first).to_be_visible()
    assert PackingList.objects.get(pk=food.pk).name == "Food parcel, family of four"
    check(page)
    for path in (
        f"/support/pupils/{world.pupil.pk}/support/",
        f"/support/outcomes/?school={world.secondary.pk}",
        "/support/parcels/lists/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check(page)
    assert not blocked
