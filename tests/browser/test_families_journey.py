"""Keeping in touch with families, in a real browser on a small phone, checked with axe-core:
praise from a class list in one tap, an announcement to a year group (which a parent reads in
the app and answers, to the school only), and approving the weekly summaries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from schoolwindow.engagement.models import AttendanceMark
from schoolwindow.messaging.models import (
    Broadcast,
    Conversation,
    ConversationKind,
    Delivery,
    Message,
    MessagingSettings,
    Nudge,
    NudgeBatchStatus,
    Tone,
)
from schoolwindow.messaging.summaries.selectors import week_start
from schoolwindow.messaging.summaries.services import nudges_prepare
from tests.browser.conftest import SMALL_PHONE, assert_accessible, nav_click
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def test_a_teacher_sends_praise_from_the_class_list_with_one_tap(
    page: Page,
    live_server,
    world: World,
) -> None:
    sign_in(page, live_server.url, world, "teacher")
    page.goto(f"{live_server.url}/schools/classes/{world.tutor_group.pk}/")
    page.get_by_role("link", name="Send praise home").click()
    expect(page.get_by_role("heading", name="Send praise home: 7HX")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send praise about Kacper").click()
    expect(page.get_by_role("status").filter(has_text="on its way")).to_be_visible()
    expect(page.locator(f"#praised-{world.pupil.pk}")).to_contain_text("Praised today")
    assert_accessible(page)
    conversation = Conversation.objects.get(pupil=world.pupil)
    assert conversation.kind == ConversationKind.POSITIVE
    assert Delivery.objects.get(message__conversation=conversation).guardian_id == world.parent.pk
    assert Delivery.objects.filter(message__tone=Tone.POSITIVE).count() == 1
    # The positive notes page now shows the mother had good news.
    page.goto(f"{live_server.url}/families/positive/")
    expect(page.get_by_role("heading", name="Positive notes")).to_be_visible()
    assert_accessible(page)


def test_a_leader_sends_an_announcement_to_a_year_group(
    page: Page,
    browser: Browser,
    live_server,
    world: World,
) -> None:
    sign_in(page, live_server.url, world, "leader")
    nav_click(page, "Families")
    expect(page.get_by_role("heading", name="Families", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Announcements").click()
    assert_accessible(page)
    page.get_by_role("link", name="New announcement").click()
    expect(page.get_by_role("heading", name="New announcement")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A year group").check()
    page.get_by_label("Year group", exact=True).select_option(str(world.year7.pk))
    page.get_by_label("Subject").fill("Year 7 museum trip")
    page.get_by_label("Message", exact=True).fill("The trip to the museum is on Monday.")
    page.get_by_role("button", name="Send announcement").click()
    expect(page.get_by_role("heading", name="Year 7 museum trip")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Sent to 1 families.")
    assert_accessible(page)
    broadcast = Broadcast.objects.get()
    assert broadcast.year_group_id == world.year7.pk
    assert {d.guardian_id for d in Delivery.objects.filter(message__broadcast=broadcast)} == {
        world.parent.pk
    }
    page.goto(f"{live_server.url}/families/unreachable/")
    expect(page.get_by_role("heading", name="Families we can't reach")).to_be_visible()
    assert_accessible(page)

    # Kacper's mother opens it in the app: it is new, she reads it, and it is one-way.
    context = browser.new_context(viewport=SMALL_PHONE, locale="en-GB")
    context.set_default_timeout(10_000)
    parent = context.new_page()
    sign_in(parent, live_server.url, world, "parent")
    parent.locator(".site-header nav").get_by_role("link", name=re.compile("Messages")).click()
    family_main = parent.locator("main")
    expect(family_main).to_contain_text("Year 7 museum trip")
    expect(family_main).to_contain_text("Announcement")
    assert_accessible(parent)
    parent.get_by_role("link", name=re.compile("Year 7 museum trip")).click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Year 7 museum trip")
    expect(family_main).to_contain_text("The trip to the museum is on Monday.")
    expect(family_main).to_contain_text(
        "This is a message to all families; to reply, start a message to the school."
    )
    expect(parent.get_by_label("Your reply")).to_have_count(0)
    assert_accessible(parent)
    copy = Delivery.objects.get(message__broadcast=broadcast, guardian=world.parent)
    assert copy.read_at is not None
    # Her question goes to the school only, in a conversation of her own.
    parent.get_by_role("link", name="Start a message to the school").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Start a message to the school")
    assert_accessible(parent)
    parent.get_by_label("Your message").fill("Does Kacper need a packed lunch?")
    parent.get_by_role("button", name="Send").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Re: Year 7 museum trip")
    expect(family_main).to_contain_text("Does Kacper need a packed lunch?")
    assert_accessible(parent)
    context.close()
    answer = Conversation.objects.get(in_answer_to=broadcast)
    assert Message.objects.filter(conversation=answer, author_guardian=world.parent).exists()

    # The leader sees where it has got to: every family has it.
    page.goto(f"{live_server.url}/families/broadcasts/")
    expect(page.locator("tbody")).to_contain_text("Sent")
    assert_accessible(page)


def test_the_approver_previews_edits_and_approves_the_weekly_summaries(
    page: Page,
    live_server,
    world: World,
) -> None:
    monday = week_start(dt.date.today())
    for day in range(2):
        for session in ("AM", "PM"):
            AttendanceMark.objects.create(
                school=world.secondary,
                pupil=world.pupil,
                date=monday + dt.timedelta(days=day),
                session=session,
                code="/" if day == 0 else "I",
                category="present" if day == 0 else "authorised",
            )
    batch = nudges_prepare(world.secondary.pk, monday)
    nudge = Nudge.objects.get(batch=batch)
    assert "2 of 4 sessions" in nudge.body

    sign_in(page, live_server.url, world, "pastoral")
    page.goto(f"{live_server.url}/families/nudges/")
    assert_accessible(page)
    page.get_by_role("link", name=monday.strftime("%-d %B %Y")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Weekly summaries: week of")
    assert_accessible(page)
    assert not Delivery.objects.exists()  # nothing sent before approval
    summary = page.get_by_label("Summary")
    expect(summary).to_have_value(nudge.body)
    summary.fill("Kacper was in for 2 of 4 sessions so far this week. Just reply if we can help.")
    page.get_by_role("button", name="Approve and send").click()
    expect(page.locator(".messages")).to_contain_text("Approved. 1 summaries are on their way")
    assert_accessible(page)
    batch.refresh_from_db()
    assert batch.status == NudgeBatchStatus.APPROVED
    copy = Delivery.objects.get(guardian=world.parent)
    assert copy.message.body.startswith("Kacper was in for 2 of 4 sessions so far")


def test_a_leader_sets_quiet_hours_from_the_families_page(
    page: Page,
    live_server,
    world: World,
) -> None:
    sign_in(page, live_server.url, world, "leader")
    page.goto(f"{live_server.url}/families/")
    page.get_by_role("link", name="Messaging settings").click()
    expect(
        page.get_by_role("heading", name="Messaging settings for Hill Secondary")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Quiet hours start").fill("21:00")
    page.get_by_label("Send a text when an email is still unread after (hours)").fill("0")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the values")
    assert_accessible(page)
    page.get_by_label("Send a text when an email is still unread after (hours)").fill("36")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    settings = MessagingSettings.objects.get(school=world.secondary)
    assert settings.quiet_from == dt.time(21, 0)
    assert settings.unread_fallback_hours == 36
