"""On a 390 px phone, in Polish: a parent checks what the school holds, makes a mistake in the
phone number (named, nothing typed lost), sends a new number, a dietary change and a new
medical note; nothing changes until the office, on its own phone, accepts the number and
declines the dietary change with a reason the parent then reads. "Nothing has changed" is
noted. Every page fits the screen and is axe-core clean."""

from __future__ import annotations

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


def test_a_parent_sends_changes_in_polish_and_the_office_decides(
    page: Page, browser: Browser, live_server: LiveServer, world: World
) -> None:
    from schoolwindow.people.models import Guardian, Pupil

    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "parent")
    parent = world.user_for("parent")
    parent.language = "pl"
    parent.save(update_fields=["language"])
    old_phone = world.parent.phone

    page.goto(f"{live_server.url}/portal/details/?child={world.pupil.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Twoje dane")
    check(page)
    page.get_by_role("link", name="Zmień te dane").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zmień swoje dane")
    check(page)

    # A letter in the number: the box is named, the notes typed are kept.
    page.get_by_label("Numer telefonu").fill("+48 600 700 8OO")
    page.get_by_label("Czego Twoje dziecko nie może lub nie je (opcjonalnie)").fill("Bez orzechów")
    page.get_by_label("Potrzeby zdrowotne, o których szkoła powinna wiedzieć (opcjonalnie)").fill(
        "Astma, inhalator w plecaku"
    )
    page.get_by_role("button", name="Wyślij do szkoły").click()
    expect(page.get_by_role("alert")).to_contain_text("Wpisz numer telefonu, używając tylko cyfr")
    expect(
        page.get_by_label("Czego Twoje dziecko nie może lub nie je (opcjonalnie)")
    ).to_have_value("Bez orzechów")
    check(page)
    page.get_by_label("Numer telefonu").fill("+48 600 700 800")
    page.get_by_role("button", name="Wyślij do szkoły").click()
    expect(page.locator("main")).to_contain_text("Sekretariat szkoły sprawdzi Twoje zmiany")
    expect(page.locator("main")).to_contain_text("Czeka na szkołę")
    check(page)
    # Nothing changed yet.
    assert Guardian.objects.get(pk=world.parent.pk).phone == old_phone
    assert Pupil.objects.get(pk=world.pupil.pk).dietary_notes == ""

    context = browser.new_context(viewport=PHONE, locale="en-GB")
    office = context.new_page()
    try:
        sign_in(office, live_server.url, world, "office")
        office.goto(f"{live_server.url}/portal/details/office/")
        expect(office.locator("main")).to_contain_text("+48 600 700 800")
        check(office)
        office.get_by_role("link", name=world.parent.first_name).first.click()
        expect(office.get_by_role("table")).to_contain_text("+48 600 700 800")
        check(office)
        office.get_by_role("button", name="Accept").click()
        expect(office.locator("main")).to_contain_text("Accepted: the record is updated.")
        office.get_by_role("link", name=world.parent.first_name).first.click()
        expect(office.get_by_role("table")).to_contain_text("Bez orzechów")
        office.get_by_label("Why not (optional, the family sees this)").fill(
            "Prosimy o zaświadczenie lekarskie."
        )
        office.get_by_role("button", name="Do not change").click()
        expect(office.locator("main")).to_contain_text("Not changed.")
        check(office)
        # The office's other new pages on a phone: writing down an absence a family phoned in.
        office.goto(f"{live_server.url}/portal/absence/office/phoned/")
        office.get_by_label("Pupil's name or UPN").fill(world.pupil.legal_last_name)
        office.get_by_role("button", name="Find").click()
        check(office)
        office.get_by_role("link", name=world.pupil.display_name).click()
        expect(office.get_by_role("heading", level=1)).to_have_text(
            "Write down an absence a family phoned in"
        )
        check(office)
    finally:
        context.close()

    assert Guardian.objects.get(pk=world.parent.pk).phone == "+48 600 700 800"
    assert Pupil.objects.get(pk=world.pupil.pk).dietary_notes == ""
    page.reload()
    expect(page.locator("main")).to_contain_text("Zmienione przez szkołę")
    expect(page.locator("main")).to_contain_text("Szkoła napisała: Prosimy o zaświadczenie")
    check(page)
    page.get_by_role("button", name="Nic się nie zmieniło").click()
    expect(page.locator("main")).to_contain_text("Zapisaliśmy, że Twoje dane są aktualne")
    check(page)
    assert blocked == []
