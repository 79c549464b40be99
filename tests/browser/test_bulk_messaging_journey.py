"""The bulk messaging screens on a 390 px phone, checked with axe-core: approving a week's
summaries by exception (hold one back, approve the rest), and choosing an announcement's pupils
by searching as you type, with the count of families reached."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from schoolwindow.engagement.models import Flag, FlagStatus
from schoolwindow.messaging.models import (
    Broadcast,
    Conversation,
    ConversationKind,
    Delivery,
    MessagingSettings,
    Nudge,
)
from schoolwindow.messaging.summaries.selectors import week_start
from schoolwindow.messaging.summaries.services import nudges_prepare
from schoolwindow.people.models import Pupil
from tests.browser.conftest import assert_accessible
from tests.browser.test_journeys import sign_in
from tests.messaging.scale_support import grow_school
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_approver_holds_one_back_and_approves_the_rest(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size(PHONE)
    monday = week_start(dt.date.today())
    pupils = grow_school(world.secondary, world.year7, 80, monday=monday)
    watched = pupils[41]
    Flag.objects.create(
        school=world.secondary,
        pupil=watched,
        status=FlagStatus.OPEN,
        opened_on=monday,
        last_evaluated_on=monday,
    )
    batch = nudges_prepare(world.secondary.pk, monday)
    total = Nudge.objects.filter(batch=batch).count()

    sign_in(page, live_server.url, world, "pastoral")
    page.goto(f"{live_server.url}/families/nudges/{batch.pk}/")
    expect(page.get_by_role("heading", name="This week in figures")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{total} summaries prepared")
    expect(page.get_by_role("heading", name="A few of the rest, to read")).to_be_visible()
    no_sideways_scroll(page)
    assert_accessible(page)
    # Only the ones to look at are listed; the watched child is among them, with the reason.
    page.get_by_label("Child or parent's name").fill(watched.legal_first_name)
    page.get_by_role("button", name="Show", exact=True).click()
    card = page.locator(".nudge-list .card").filter(has_text=watched.legal_first_name)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("On the watchlist")
    card.get_by_label("Hold back: don't send with the rest").check()
    page.get_by_role("button", name="Approve and send the rest").click()
    expect(page.locator(".messages")).to_contain_text(f"Approved. {total - 1} summaries")
    expect(page.locator(".messages")).to_contain_text("1 held back")
    assert_accessible(page)
    assert Conversation.objects.filter(kind=ConversationKind.NUDGE).count() == total - 1
    assert not Conversation.objects.filter(pupil=watched).exists()
    # The held one is decided on its own.
    page.goto(f"{live_server.url}/families/nudges/{batch.pk}/?show=held")
    page.get_by_role("button", name="Send this one").click()
    expect(page.locator(".messages")).to_contain_text("That summary is on its way.")
    assert Conversation.objects.filter(pupil=watched, kind=ConversationKind.NUDGE).count() == 1
    no_sideways_scroll(page)


def test_a_leader_chooses_pupils_by_searching_and_sees_who_it_reaches(
    page: Page,
    live_server: LiveServer,
    world: World,
) -> None:
    page.set_viewport_size(PHONE)
    grow_school(world.secondary, world.year7, 120)
    sign_in(page, live_server.url, world, "leader")
    page.goto(f"{live_server.url}/families/broadcasts/new/?school={world.secondary.pk}")
    # One control at a time: the year group's list shows only once "A year group" is chosen.
    expect(page.get_by_label("Year group", exact=True)).to_be_hidden()
    expect(page.get_by_label("Find pupils by name")).to_be_hidden()
    page.get_by_label("A year group").check()
    expect(page.get_by_label("Year group", exact=True)).to_be_visible()
    page.get_by_label("Chosen pupils' families").check()
    expect(page.get_by_label("Year group", exact=True)).to_be_hidden()
    search = page.get_by_label("Find pupils by name")
    expect(search).to_be_visible()
    assert_accessible(page)
    search.press_sequentially("Child0042", delay=30)
    match = page.get_by_label("Child0042 Family0042")
    expect(match).to_be_visible()
    expect(page.locator("#pupil-results")).to_contain_text("Year 7 · Form 001")
    match.check()
    expect(page.locator("#audience-count")).to_contain_text("Reaches 1 family")
    # A second search keeps the first choice.
    search.fill("")
    search.press_sequentially("Child0100", delay=30)
    page.get_by_label("Child0100 Family0100").check()
    expect(page.locator("#audience-count")).to_contain_text("Reaches 2 families")
    expect(page.get_by_label("Child0042 Family0042")).to_be_checked()
    no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_label("Subject").fill("Choir practice")
    page.get_by_label("Message", exact=True).fill("Choir practice moves to Thursday.")
    page.get_by_role("button", name="Send announcement").click()
    expect(page.locator("main")).to_contain_text("Sent to 2 families.")
    broadcast = Broadcast.objects.get()
    chosen = set(Pupil.objects.filter(pk__in=broadcast.pupil_ids).values_list("upn", flat=True))
    assert len(chosen) == 2
    assert Delivery.objects.filter(message__broadcast=broadcast).count() == 2
