"""On a 390 px phone: a teacher asks the families of a tutor group about a museum trip; the
parent, in Polish, forgets to choose, is told which question needs an answer, then gives
consent with a note for the day; the office sees the answer and the trip leader's list shows
the note and a number to call — never the restricted father's; the office records the
payment. Every page fits the screen and is axe-core clean."""

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


def test_a_teacher_asks_a_parent_gives_consent_in_polish_and_the_trip_list_has_it(
    page: Page, browser: Browser, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    deadline = dt.date.today() + dt.timedelta(days=7)

    # The teacher, on a phone, in English.
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    teacher = context.new_page()
    try:
        sign_in(teacher, live_server.url, world, "teacher")
        teacher.goto(f"{live_server.url}/portal/consent/staff/new/")
        check(teacher)
        teacher.get_by_label("Title").fill("Trip to the Science Museum")
        teacher.get_by_label("What families are agreeing to").fill("By coach, back by 3.30.")
        teacher.get_by_label("Answer by").fill(deadline.isoformat())
        teacher.get_by_label("A class or group").check()
        group = teacher.get_by_label("Class or group", exact=True)
        group.select_option(label=world.tutor_group.name)
        teacher.get_by_label("Cost in pounds (optional)").fill("12.50")
        teacher.get_by_role("button", name="Send to families").click()
        # A cost needs the school's payment link: named, nothing typed lost.
        expect(teacher.get_by_role("alert")).to_contain_text("payment page")
        expect(teacher.get_by_label("Title")).to_have_value("Trip to the Science Museum")
        check(teacher)
        teacher.get_by_label("Link to the school's payment page").fill("https://pay.example.org/t")
        teacher.get_by_role("button", name="Send to families").click()
        expect(teacher.locator("main")).to_contain_text("Families can answer now")
        check(teacher)
    finally:
        context.close()

    # The parent, in Polish.
    sign_in(page, live_server.url, world, "parent")
    parent = world.user_for("parent")
    parent.language = "pl"
    parent.save(update_fields=["language"])
    page.goto(f"{live_server.url}/portal/consent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wycieczki i zgody")
    check(page)
    page.get_by_role("link", name="Trip to the Science Museum").click()
    check(page)
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(page.get_by_role("alert")).to_contain_text("Twoja odpowiedź")
    check(page)
    page.get_by_label("Tak, wyrażam zgodę").check()
    page.get_by_label("Co nauczyciele powinni wiedzieć tego dnia (nieobowiązkowo)").fill(
        "Alergia na orzechy"
    )
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(page.locator("main")).to_contain_text("Szkoła otrzymała Twoją odpowiedź")
    expect(page.get_by_role("button", name="Zmień moją odpowiedź")).to_be_visible()
    check(page)

    # The office sees it; the trip leader's list has the note and the parent's number.
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    office = context.new_page()
    try:
        sign_in(office, live_server.url, world, "office")
        office.goto(f"{live_server.url}/portal/consent/staff/")
        check(office)
        office.get_by_role("link", name="Trip to the Science Museum").click()
        expect(office.locator("main")).to_contain_text("Consent given")
        check(office)
        office.get_by_role("link", name=world.pupil.display_name).click()
        check(office)
        office.get_by_role("button", name="Record as paid").click()
        expect(office.locator("main")).to_contain_text("Payment record saved.")
        check(office)
        office.get_by_role("link", name="Trip to the Science Museum").click()
        office.get_by_role("link", name="List for the day").click()
        expect(office.locator("main")).to_contain_text("Alergia na orzechy")
        expect(office.locator("main")).to_contain_text(world.parent.phone)
        expect(office.locator("main")).not_to_contain_text(world.restricted.phone)
        check(office)
    finally:
        context.close()
    assert blocked == []
