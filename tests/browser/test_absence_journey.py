"""On a 390 px phone, in Polish: a parent with children at two schools tells the school one of
them will be away for an afternoon; the office confirms it with the suggested code and the mark
is in the register. Every page fits the screen and is axe-core clean."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    return build_world()


def check(page: Page) -> None:
    page.wait_for_load_state("load")
    assert_fits_the_screen(page)
    assert_accessible(page)


def next_weekday() -> dt.date:
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_a_parent_reports_a_half_day_in_polish_and_the_office_confirms_it(
    page: Page, browser: Browser, live_server: LiveServer, world: World
) -> None:
    from schoolwindow.engagement.models import AttendanceMark

    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "parent")
    parent = world.user_for("parent")
    parent.language = "pl"
    parent.save(update_fields=["language"])
    day = next_weekday()

    page.goto(f"{live_server.url}/portal/absence/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zgłoszone przez Ciebie nieobecności")
    check(page)
    page.get_by_role("link", name=f"{world.pupil.display_name}").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Powiadom szkołę o nieobecności dziecka"
    )
    check(page)

    # A month left out: the box is named, nothing typed is lost.
    first = page.get_by_role("group", name="Pierwszy dzień nieobecności")
    first.get_by_label("Dzień").fill(str(day.day))
    first.get_by_label("Rok").fill(str(day.year))
    page.get_by_label("Tylko po południu").check()
    page.get_by_label("Wizyta u lekarza lub dentysty").check()
    page.get_by_role("button", name="Wyślij do szkoły").click()
    expect(page.get_by_role("alert")).to_contain_text("Data musi zawierać miesiąc")
    check(page)
    first.get_by_label("Miesiąc").fill(str(day.month))
    page.get_by_role("button", name="Wyślij do szkoły").click()
    expect(page.locator("main")).to_contain_text("Szkoła otrzymała wiadomość")
    check(page)

    # The office, on its own phone, confirms with the suggested code.
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    office = context.new_page()
    try:
        sign_in(office, live_server.url, world, "office")
        office.goto(f"{live_server.url}/portal/absence/office/")
        check(office)
        office.get_by_role("link", name=world.pupil.display_name).click()
        expect(office.get_by_label("Register code")).to_have_value("M")
        check(office)
        office.get_by_role("button", name="Record in the register").click()
        expect(office.locator("main")).to_contain_text("Recorded in the register")
    finally:
        context.close()

    mark = AttendanceMark.objects.get(pupil=world.pupil, date=day)
    assert (mark.session, mark.code) == ("PM", "M")
    page.reload()
    expect(page.locator("main")).to_contain_text("Wpisane do dziennika")
    check(page)
    assert blocked == []
