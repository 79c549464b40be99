"""Lending a laptop, in a real browser on a 390 px phone, checked with axe-core: the office
adds a laptop and lends it to Kacper → his mother signs the agreement with her typed name →
the office sees it accepted."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from schoolwindow.support.loans.models import Loan
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


def test_office_lends_a_laptop_and_the_parent_signs_the_agreement(
    phone: Page, browser: Browser, live_server, world: World
) -> None:
    page = phone
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "office")
    nav_click(page, "Loans")
    expect(page.get_by_role("heading", name="Loans of kit")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Add an item").click()
    check(page)
    page.get_by_label("Asset tag").fill("lap-001")
    page.get_by_label("Kind").select_option("laptop")
    page.get_by_label("Model").fill("Lenovo 100e")
    page.get_by_role("button", name="Add the item").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("LAP-001")
    check(page)
    page.get_by_role("link", name="Lend this to a pupil").click()
    page.get_by_label("Pupil's name or UPN").fill("Kacper")
    page.get_by_role("button", name="Find the pupil").click()
    check(page)
    page.get_by_role("link", name="Kacper Nowak").click()
    expect(page.get_by_text("Lending to")).to_contain_text("Kacper Nowak")
    check(page)
    page.get_by_role("button", name="Lend it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LAP-001 with Kacper Nowak")
    expect(page.locator("#agreement-status")).to_contain_text("Waiting for the family")
    check(page)
    loan = Loan.objects.get(item__asset_tag="LAP-001")

    # The parent, on her own phone.
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    parent = context.new_page()
    sign_in(parent, live_server.url, world, "parent")
    nav_click(parent, "Things lent by school")
    expect(parent.get_by_role("heading", level=1)).to_have_text("Things lent by school")
    check(parent)
    parent.get_by_role("link", name="Read and accept the agreement").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Laptop for Kacper")
    expect(parent.locator(".agreement-text")).to_contain_text("Staying safe online")
    check(parent)
    # Signing without a name is refused, kindly, with an error summary.
    parent.get_by_label("I have read the agreement and accept it").check()
    parent.get_by_role("button", name="Sign the agreement").click()
    expect(parent.get_by_role("alert")).to_contain_text("Type your full name to sign.")
    check(parent)
    parent.get_by_label("I have read the agreement and accept it").check()
    parent.get_by_label("Type your full name to sign").fill("Agnieszka Nowak")
    parent.get_by_role("button", name="Sign the agreement").click()
    expect(parent.locator("#accepted")).to_contain_text("Accepted by “Agnieszka Nowak”")
    check(parent)
    context.close()

    # The office sees it accepted.
    page.reload()
    expect(page.locator("#agreement-status")).to_contain_text(
        re.compile("Accepted online by “Agnieszka Nowak”")
    )
    check(page)
    loan.refresh_from_db()
    assert loan.accepted_name == "Agnieszka Nowak"
    # The office's other loans pages, the pupil page's panel and the home block, on the phone.
    for path in (
        "/loans/out/",
        "/loans/out/?state=all",
        "/loans/import/",
        "/loans/agreements/",
        f"/loans/pupils/{world.pupil.pk}/",
        f"/loans/items/{loan.item_id}/edit/",
        f"/pupils/{world.pupil.pk}/",
        "/",
    ):
        page.goto(f"{live_server.url}{path}")
        check(page)
    expect(page.locator("#home-loans")).to_be_visible()
    assert not blocked, blocked
