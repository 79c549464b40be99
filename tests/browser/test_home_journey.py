"""Each role's first screen after signing in, on a 390 px phone: its headings, no sideways
scroll, and axe-core finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}

# The headings each role's first screen starts with.
FIRST_SCREEN = {
    "pastoral": [
        "New and worsening flags",
        "Flags assigned to you",
        "Families waiting for a reply",
        "Contacts due",
    ],
    "teacher": ["Your classes", "Families waiting for your reply", "Praise home"],
    "leader": ["The school at a glance", "Families we can't reach"],
    "office": ["Imports", "Letters to print"],
    "trust": ["Your schools side by side"],
    "parent": ["Waiting for you", "This week"],
    "pupil": ["Homework due", "Attendance this week"],
}


@pytest.fixture
def world() -> World:
    return build_world()


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("role", list(FIRST_SCREEN))
def test_each_role_lands_on_their_morning(
    page: Page, live_server: LiveServer, world: World, role: str
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world, role)
    main = page.locator("main")
    for heading in FIRST_SCREEN[role]:
        expect(main.get_by_role("heading", name=heading).first).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page)
