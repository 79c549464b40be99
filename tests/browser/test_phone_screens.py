"""Every main page, for each role, on a 360 px phone: nothing scrolls sideways, the header takes
less than a fifth of the screen, and the browser blocks no inline style or script (CSP)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import SMALL_PHONE, assert_fits_the_screen, open_menu, watch_csp
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAFF_PAGES = [
    "/",
    "/pupils/",
    "/schools/classes/",
    "/schools/",
    "/messages/",
    "/messages/new/",
    "/families/",
    "/families/unreachable/",
    "/phrasebook/",
]
PAGES = {
    "leader": [*STAFF_PAGES, "/watchlist/", "/imports/"],
    "dsl": ["/", "/audit/", "/watchlist/", "/pupils/"],
    "teacher": [
        "/",
        "/pupils/",
        "/schools/classes/",
        "/messages/",
        "/messages/new/",
        "/phrasebook/",
    ],
    "office": [
        "/",
        "/pupils/",
        "/families/",
        "/families/unreachable/",
        "/messages/",
        "/loans/",
        "/loans/out/",
        "/support/parcels/",
        "/support/parcels/rounds/",
    ],
    "pastoral": [
        "/",
        "/support/needs/",
        "/support/groups/",
        "/support/advocates/caseload/",
        "/support/advocates/coverage/",
        "/support/visits/",
        "/home-learning/surveys/",
    ],
    "parent": ["/", "/portal/", "/pupils/my-children/", "/messages/", "/account/"],
    "pupil": ["/", "/account/"],
    "trust": ["/", "/schools/"],
}


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.mark.parametrize("role", list(PAGES))
def test_every_main_page_fits_a_phone(
    page: Page,
    live_server: LiveServer,
    world: World,
    role: str,
) -> None:
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, role)
    for path in PAGES[role]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status < 400, path
        assert_fits_the_screen(page)
        header = page.locator(".site-header").bounding_box()
        assert header is not None
        assert header["height"] < 0.2 * SMALL_PHONE["height"], (path, header["height"])
    # The menu opens, and its links fit too.
    open_menu(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_fits_the_screen(page)
    assert not blocked, blocked
