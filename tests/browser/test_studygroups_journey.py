"""A pupil on a 390 px phone checks in to their study group with one tap, "Need help", and the
group's lead finds it on their home page the same day."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible, assert_fits_the_screen
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    from schoolwindow.people.actors import actor_for
    from schoolwindow.support.studygroups import services

    built = build_world()
    teacher = actor_for(built.staff["teacher"].user)
    group = services.study_group_create(
        actor=teacher, school_id=built.secondary.pk, name="Homework club"
    )
    services.study_group_member_add(actor=teacher, group_id=group.pk, pupil_id=built.pupil.pk)
    return built


def test_a_pupil_asks_for_help_and_the_lead_sees_it(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world, "pupil")
    page.goto(f"{live_server.url}/")
    block = page.locator("main section", has=page.get_by_role("heading", name="Your study group"))
    expect(block).to_be_visible()
    assert_accessible(page)
    block.get_by_role("link", name="Check in for today").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check in for today")
    expect(page.get_by_role("heading", name="Homework club")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_role("button", name="Need help").click()
    main = page.locator("main")
    expect(main).to_contain_text("Your group lead will see that you need help today")
    expect(main).to_contain_text("Today you said: Need help")
    expect(main).to_contain_text(f"{world.pupil.first_name}: Need help")
    assert_fits_the_screen(page)
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server.url, world, "teacher")
    page.goto(f"{live_server.url}/")
    help_block = page.locator(
        "main section", has=page.get_by_role("heading", name="Asked for help today")
    )
    expect(help_block).to_be_visible()
    expect(help_block.get_by_role("link", name=world.pupil.display_name)).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    help_block.get_by_role("link", name=world.pupil.display_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Homework club")
    expect(page.locator("main")).to_contain_text("Need help")
    assert_fits_the_screen(page)
    assert_accessible(page)


def test_the_lead_chooses_texts_for_a_pupil_with_no_data(
    page: Page, live_server: LiveServer, world: World
) -> None:
    """On a phone: a wrong number is refused with an error summary and nothing lost, the right
    one saved; the group page then says the pupil checks in by text."""
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world, "teacher")
    page.goto(f"{live_server.url}/support/groups/")
    page.get_by_role("link", name="Homework club").click()
    expect(page.locator("main")).to_contain_text("check-in texts at 16:00")
    page.get_by_role(
        "link", name=f"change how {world.pupil.display_name} checks in", exact=False
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("checks in")
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("By text to the pupil's own mobile").check()
    page.get_by_label("The pupil's own mobile number").fill("12ab")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a mobile number like")
    expect(page.get_by_label("The pupil's own mobile number")).to_have_value("12ab")
    expect(page.get_by_label("By text to the pupil's own mobile")).to_be_checked()
    assert_fits_the_screen(page)
    assert_accessible(page)
    page.get_by_label("The pupil's own mobile number").fill("07700 900222")
    page.get_by_role("button", name="Save").click()
    main = page.locator("main")
    expect(main).to_contain_text(f"Saved how {world.pupil.display_name} checks in")
    expect(main).to_contain_text("By text to the pupil's own mobile")
    assert_fits_the_screen(page)
    assert_accessible(page)
