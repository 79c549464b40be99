"""An advocate on a 390 px phone: the home page shows a pupil whose contact is overdue, the
advocate logs time with the pupil and a call with the family, and the pupil is on track."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    return build_world()


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_advocate_catches_up_with_an_overdue_pupil(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world, "advocate")
    main = page.locator("main")
    block = main.locator(
        "section", has=page.get_by_role("heading", name="Your pupils due a contact")
    )
    expect(block).to_be_visible()
    name = world.pupil.display_name
    expect(block.get_by_role("link", name=name)).to_be_visible()
    expect(block).to_contain_text("time with the pupil due")
    assert no_sideways_scroll(page)
    assert_accessible(page)

    # Time with the pupil: the first kind, "Met the pupil", is chosen already.
    block.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    assert_accessible(page)
    page.get_by_label("Notes").fill("Talked about the week ahead.")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    expect(page.locator("main")).to_contain_text("contact logged")
    assert no_sideways_scroll(page)
    assert_accessible(page)

    # Still due with the family: a phone call where someone answered.
    page.get_by_role("link", name=f"Log a contact with {name}").click()
    page.get_by_label("Spoke with the family on the phone").check()
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")

    page.goto(f"{live_server.url}/")
    main = page.locator("main")
    expect(main.get_by_text("Your contacts are all on track.")).to_be_visible()
    assert_accessible(page)


def test_a_leader_sees_coverage_and_assigns_an_advocate(
    page: Page, live_server: LiveServer, world: World
) -> None:
    from schoolwindow.people.models import AdvocateAssignment

    world.stranger.looked_after = True
    world.stranger.save(update_fields=["looked_after"])
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world, "leader")
    page.goto(f"{live_server.url}/support/advocates/coverage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Advocates: coverage")
    expect(page.get_by_role("img", name="Vulnerable learners with an advocate")).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page)
    # One click: the advocate with the most room.
    page.get_by_role("button", name=f"{world.stranger.display_name}").click()
    expect(page.locator("main")).to_contain_text("is now the advocate of")
    expect(page.get_by_role("heading", level=1)).to_have_text("Advocates: coverage")
    expect(page.locator("main")).to_contain_text("Every vulnerable learner has an advocate.")
    assert_accessible(page)
    assert AdvocateAssignment.objects.filter(pupil=world.stranger, ended__isnull=True).exists()
    assert no_sideways_scroll(page)
