"""On a 390 px phone: the family liaison officer asks for a food parcel for a family, packs it
item by item, plans a round for a volunteer driver, and the driver — with no account, from the
link on their phone — says it was delivered with one tap. Every page fits the screen and is
axe-core clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    from schoolwindow.people.actors import actor_for
    from schoolwindow.support.parcels import services

    built = build_world()
    services.packing_list_create(
        actor=actor_for(built.staff["office"].user),
        school_id=built.secondary.pk,
        name="Food parcel - family of 4",
        kind="food",
        items="2 x Pasta 500g\nTinned tomatoes",
    )
    return built


def check(page: Page) -> None:
    # Measured once the page's stylesheets are in (the sheet has its own print stylesheet).
    page.wait_for_load_state("load")
    assert_fits_the_screen(page)
    assert_accessible(page)


def test_a_food_parcel_is_asked_for_packed_planned_and_delivered(
    page: Page, live_server: LiveServer, world: World
) -> None:
    from schoolwindow.support.parcels.models import ParcelRequest, ParcelStatus

    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "flo")
    page.goto(f"{live_server.url}/support/parcels/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Care packages and food parcels")
    check(page)

    # Ask for a parcel.
    page.get_by_role("link", name="Ask for a parcel").first.click()
    page.get_by_label("Pupil's name or UPN").fill(world.pupil.legal_last_name)
    page.get_by_role("button", name="Find the pupil").click()
    page.get_by_role("link", name=world.pupil.display_name).click()
    check(page)
    page.get_by_label("Food parcel").check()
    page.get_by_label("Packing list").select_option(label="Food parcel - family of 4")
    page.get_by_label("Why the family needs it").fill("Money is short until payday.")
    page.get_by_label("Notes for the driver (optional)").fill("Ring the side door")
    page.get_by_role("button", name="Ask for the parcel").click()
    expect(page.locator("main")).to_contain_text("It is waiting to be packed")
    expect(page.locator("main")).to_contain_text("Tinned tomatoes")
    check(page)

    # Pack it.
    page.get_by_role("link", name="Pack it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pack the parcel")
    check(page)
    page.get_by_label("Pasta 500g").check()
    page.get_by_role("button", name="Everything is in: mark it packed").click()
    expect(page.locator("main")).to_contain_text("Tick every item")
    check(page)
    page.get_by_label("Tinned tomatoes").check()
    page.get_by_role("button", name="Everything is in: mark it packed").click()
    expect(page.locator("main")).to_contain_text("It is ready for a delivery round")

    # Plan the round.
    page.goto(f"{live_server.url}/support/parcels/rounds/new/")
    check(page)
    page.get_by_label("Driver's name").fill("Pat Hughes")
    page.get_by_label("Driver's phone (optional)").fill("07700 900301")
    page.locator("input[name=parcel]").first.check()
    page.get_by_role("button", name="Plan the round").click()
    expect(page.locator("main")).to_contain_text("The round is planned")
    check(page)
    driver_link = page.locator("main p.snippet a").get_attribute("href")
    assert driver_link is not None

    page.get_by_role("link", name="Delivery rounds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery rounds")
    check(page)
    page.get_by_role("link", name="Packing lists").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Packing lists")
    check(page)
    page.go_back()
    page.go_back()

    # The printable sheet: what a driver needs, not why.
    page.get_by_role("link", name="The driver's sheet (to print)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delivery round")
    expect(page.locator("body")).to_contain_text("Ring the side door")
    expect(page.locator("body")).not_to_contain_text("Money is short")
    check(page)

    # The driver, on their own phone, with no account.
    page.context.clear_cookies()
    page.goto(driver_link.replace("http://127.0.0.1:8000", live_server.url))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your delivery round")
    expect(page.locator("main")).not_to_contain_text("Money is short")
    check(page)
    page.get_by_label("Note for the school (optional)").fill("Left with mum")
    page.get_by_role("button", name="Delivered", exact=True).click()
    expect(page.locator("main")).to_contain_text("Thank you. Stop saved.")
    expect(page.locator("main")).to_contain_text("Delivered: Left with mum")
    check(page)
    parcel = ParcelRequest.objects.get()
    assert parcel.status == ParcelStatus.DELIVERED
    assert parcel.confirmed_by_name == "Pat Hughes (driver)"
    assert not blocked, blocked


def test_the_drivers_sheet_prints_one_round_on_a4(
    page: Page, live_server: LiveServer, world: World
) -> None:
    """On a desktop the sheet prints (print CSS: no links bar, A4) on one page for a few stops."""
    from django.utils import timezone

    from schoolwindow.people.actors import actor_for
    from schoolwindow.support.parcels import services

    office = actor_for(world.staff["office"].user)
    flo = actor_for(world.staff["flo"].user)
    req = services.parcel_request(
        actor=flo, pupil_ids=[world.pupil.pk], kind="food", reason="Short", extra_items="Milk"
    )
    services.parcel_pack(
        actor=office,
        request_id=req.pk,
        packed_item_ids=list(req.items.values_list("pk", flat=True)),
        finished=True,
    )
    delivery_round = services.round_plan(
        actor=office,
        school_id=world.secondary.pk,
        day=timezone.localdate(),
        driver_name="Pat Hughes",
        driver_phone="",
        staff_contact_id=world.staff["flo"].pk,
        request_ids=[req.pk],
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, world, "office")
    page.goto(f"{live_server.url}/support/parcels/rounds/{delivery_round.pk}/sheet/")
    page.wait_for_load_state("load")
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".no-print")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    # A4 is 595 x 842 points; a round of a few stops is one page.
    assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 84[12]\.\d+\]", pdf), "not A4"
    assert re.findall(rb"/Count \d+", pdf) == [b"/Count 1"]
