"""The needs board, in a real browser on a 390 px phone, checked with axe-core: the family
liaison officer sees Kacper waiting for a device → "Lend a laptop" → the inventory's available
laptops → lends one (Kacper already chosen) → the board counts him as helped; his quiet place is
marked as met from his page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from schoolwindow.homelife.models import ProfileAnswer, Source
from schoolwindow.people.models import Household
from schoolwindow.support.loans.models import Item, Kind, Loan
from schoolwindow.support.needs.models import NeedMet
from tests.browser.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    nav_click,
    watch_csp,
)
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def check(page: Page) -> None:
    assert_accessible(page)
    assert_fits_the_screen(page)


def test_a_waiting_pupil_is_lent_a_laptop_from_the_board(
    phone: Page, live_server, world: World
) -> None:
    pupil = world.pupil
    household = pupil.household or Household.objects.create(trust=pupil.school.trust, name="Home")
    pupil.household = household
    pupil.save(update_fields=["household"])
    ProfileAnswer.objects.create(
        school=pupil.school,
        household=household,
        question="devices",
        value="smartphone",
        source=Source.HOME_VISIT,
        recorded_at=timezone.now(),
    )
    ProfileAnswer.objects.create(
        school=pupil.school,
        pupil=pupil,
        question="quiet_place",
        value="no",
        source=Source.PHONE_CALL,
        recorded_at=timezone.now(),
    )
    Item.objects.create(school=pupil.school, asset_tag="LAP-9", kind=Kind.LAPTOP, model_name="X")
    page = phone
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "flo")
    nav_click(page, "Needs")
    expect(page.get_by_role("heading", name="Needs", level=1)).to_be_visible()
    device = page.locator('#needs-totals tr[data-need="device"]')
    expect(device.locator('[data-count="waiting"]')).to_have_text("1")
    expect(device.locator('[data-count="helped"]')).to_have_text("0")
    check(page)
    page.locator(f'li[data-pupil="{pupil.pk}"]').get_by_role("link", name="Lend a laptop").click()
    expect(page.get_by_role("heading", name="Loans of kit")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Lend LAP-9").click()
    expect(page.get_by_text("Lending to")).to_contain_text(pupil.display_name)
    check(page)
    page.get_by_role("button", name="Lend it").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("LAP-9")
    assert Loan.objects.filter(pupil=pupil, returned_at__isnull=True).count() == 1
    page.goto(f"{live_server.url}/support/needs/?school={pupil.school_id}&state=all")
    expect(device.locator('[data-count="helped"]')).to_have_text("1")
    expect(device.locator('[data-count="waiting"]')).to_have_text("0")
    expect(page.locator(f'li[data-pupil="{pupil.pk}"]')).to_contain_text("on loan")
    check(page)
    page.goto(f"{live_server.url}/support/needs/rules/?school={pupil.school_id}")
    check(page)
    # The pupil page's panel: the quiet place, met outside the system, with a note.
    page.goto(f"{live_server.url}/pupils/{pupil.pk}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Needs"))
    expect(panel).to_contain_text("A quiet place to study: waiting")
    check(page)
    panel.get_by_label("How it was met (optional)").fill("Library study room")
    panel.get_by_role("button", name="Mark as met").click()
    expect(page.get_by_text("marked as met for")).to_be_visible()
    expect(panel).to_contain_text("marked as met")
    check(page)
    assert NeedMet.objects.filter(pupil=pupil, need="quiet").count() == 1
    assert not blocked
