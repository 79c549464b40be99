"""A journey per role in a real browser, on a small phone screen, checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, open_menu
from tests.factories import PASSWORD, totp_code
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> World:
    return build_world()


def sign_in(page: Page, base: str, world: World, role: str) -> None:
    user = world.user_for(role)
    page.goto(f"{base}/login/")
    assert_accessible(page)
    page.get_by_label("Email or username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if user.needs_two_factor:
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Six-digit code").fill(totp_code(user))
        page.get_by_role("button", name="Continue").click()
    # Signed in: the main menu is there (behind its "Menu" button on a phone).
    open_menu(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


# Where each role goes after signing in, and what it must find there.
STAFF_JOURNEYS = {
    "leader": ("/pupils/", "Kacper"),
    "pastoral": ("/pupils/?q=Nowak", "Kacper"),
    "teacher": ("/schools/classes/", "7HX"),
    "advocate": ("/", "Kacper"),
    "flo": ("/pupils/", "Ava"),
    "dsl": ("/audit/", "Audit"),
    "office": ("/imports/", "Import"),
}


@pytest.mark.parametrize("role", list(STAFF_JOURNEYS))
def test_staff_sign_in_with_code_and_reach_their_work(
    page: Page,
    live_server,
    world: World,
    role: str,
) -> None:
    sign_in(page, live_server.url, world, role)
    assert_accessible(page)
    path, expected = STAFF_JOURNEYS[role]
    page.goto(live_server.url + path)
    expect(page.locator("main")).to_contain_text(expected)
    assert_accessible(page)


def test_staff_open_a_pupil_profile_but_never_a_restricted_parents_details(
    page: Page,
    live_server,
    world: World,
) -> None:
    sign_in(page, live_server.url, world, "pastoral")
    page.goto(f"{live_server.url}/pupils/?q=Kacper")
    page.get_by_role("link", name=re.compile("Kacper")).first.click()
    main = page.locator("main")
    expect(main).to_contain_text("Agnieszka")
    expect(main).to_contain_text("Zofia")  # sibling at the primary
    expect(main).to_contain_text("Marek")
    assert "900999" not in main.inner_text()
    assert "Court order" not in main.inner_text()
    assert_accessible(page)


def test_dsl_sees_why_a_parent_must_not_be_contacted_and_it_is_audited(
    page: Page,
    live_server,
    world: World,
) -> None:
    sign_in(page, live_server.url, world, "dsl")
    page.goto(f"{live_server.url}/pupils/{world.pupil.pk}/safeguarding/")
    expect(page.locator("main")).to_contain_text("Court order")
    assert_accessible(page)
    page.goto(f"{live_server.url}/audit/")
    expect(page.locator("main")).to_contain_text("safeguarding details")


def test_trust_officer_sees_schools_not_pupils(
    page: Page,
    live_server,
    world: World,
) -> None:
    sign_in(page, live_server.url, world, "trust")
    page.goto(f"{live_server.url}/schools/")
    expect(page.locator("main")).to_contain_text("Hill Secondary")
    assert "Kacper" not in page.locator("main").inner_text()
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/pupils/{world.pupil.pk}/")
    assert response is not None and response.status in (403, 404)


def test_parent_sees_both_children_and_only_their_own_details(
    page: Page,
    live_server,
    world: World,
) -> None:
    sign_in(page, live_server.url, world, "parent")
    main = page.locator("main")
    expect(main).to_contain_text("Kacper")
    expect(main).to_contain_text("Zofia")
    expect(main).to_contain_text("Hill Secondary")
    expect(main).to_contain_text("Brook Primary")
    assert "Ava" not in main.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Kacper")).first.click()
    text = page.locator("main").inner_text()
    assert "Marek" not in text and "900999" not in text and "Court order" not in text
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/pupils/{world.stranger.pk}/")
    assert response is not None and response.status == 404


def test_parent_switches_to_polish(
    page: Page,
    live_server,
    world: World,
) -> None:
    sign_in(page, live_server.url, world, "parent")
    page.get_by_label("Language").select_option("pl")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    open_menu(page)
    expect(page.get_by_role("button", name="Wyloguj się")).to_be_visible()
    assert_accessible(page)


def test_pupil_sees_their_own_page_only(
    page: Page,
    live_server,
    world: World,
) -> None:
    sign_in(page, live_server.url, world, "pupil")
    expect(page.locator("main")).to_contain_text("Kacper")
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/pupils/{world.stranger.pk}/")
    assert response is not None and response.status == 404
