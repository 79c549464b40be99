"""Talking with a family in a real browser on a small phone: a pastoral lead writes to
Kacper's Polish mother from his profile, she reads it in Polish and answers, staff see the
answer and each copy's fate, and a call is logged straight from the watchlist. axe-core on
every messaging page, for staff and for the parent."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from schoolwindow.messaging.models import ContactLog, Delivery, DeliveryStatus, Message
from tests.browser.conftest import SMALL_PHONE, assert_accessible
from tests.browser.test_journeys import sign_in
from tests.engagement.test_watchlist_pages import flag_for
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLISH_PRAISE = "Kacper ma dziś za sobą świetnie wykonaną pracę."


@pytest.fixture
def world() -> World:
    return build_world()


def test_staff_and_a_polish_parent_talk_and_a_call_is_logged(
    page: Page,
    browser: Browser,
    live_server,
    world: World,
) -> None:
    base = live_server.url
    flag = flag_for(world.pupil)

    # The pastoral lead starts from Kacper's profile.
    sign_in(page, base, world, "pastoral")
    page.goto(f"{base}/pupils/{world.pupil.pk}/")
    page.get_by_role("link", name="Messages and contacts with the family").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Messages and contacts")
    assert_accessible(page)
    page.get_by_role("link", name="Write to the family").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Write to Kacper Nowak's family")
    main = page.locator("main")
    expect(main).to_contain_text("Marek Nowak")
    expect(main).to_contain_text("may not be contacted")
    assert_accessible(page)
    page.get_by_label(re.compile("Agnieszka Nowak")).check()
    page.get_by_label("Subject").fill("Great work")
    # The phrasebook's picker puts the phrase in the message box (and remembers its key).
    page.get_by_role("link", name="Praise and positive notes").click()
    page.get_by_role("button", name=re.compile("Kacper did some great work today")).click()
    expect(page.get_by_label("Message", exact=True)).to_have_value(re.compile("great work"))
    page.get_by_label("Needs a reply").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Great work")
    expect(main).to_contain_text("Kacper did some great work today.")
    expect(main).to_contain_text("What Agnieszka Nowak received")
    assert_accessible(page)
    page.get_by_role("link", name="All messages", exact=True).click()
    expect(main).to_contain_text("Great work")
    assert_accessible(page)

    # The parent, on her own phone, reads it in Polish and answers.
    context = browser.new_context(viewport=SMALL_PHONE, locale="en-GB")
    context.set_default_timeout(10_000)
    parent = context.new_page()
    sign_in(parent, base, world, "parent")
    parent.locator(".site-header nav").get_by_role("link", name=re.compile("Messages")).click()
    family_main = parent.locator("main")
    expect(family_main).to_contain_text(POLISH_PRAISE)
    assert_accessible(parent)
    parent.get_by_role("link", name=re.compile("Great work")).click()
    expect(family_main).to_contain_text(POLISH_PRAISE)
    assert "did some great work" not in family_main.inner_text()
    expect(parent.locator('#timeline [lang="pl"]')).to_have_count(1)
    assert_accessible(parent)
    parent.get_by_label("Your reply").fill("Dziękuję! Jesteśmy bardzo dumni.")
    parent.get_by_role("button", name="Send").click()
    expect(parent.locator("#timeline")).to_contain_text("Dziękuję! Jesteśmy bardzo dumni.")
    expect(parent.get_by_label("Your reply")).to_have_value("")  # a fresh form
    assert_accessible(parent)
    context.close()
    assert Message.objects.filter(author_guardian=world.parent).count() == 1
    copy = Delivery.objects.get(guardian=world.parent)
    assert copy.status == DeliveryStatus.REPLIED and copy.read_at is not None

    # Staff see the answer, marked new, and the copy's fate.
    page.goto(f"{base}/messages/")
    expect(main).to_contain_text("New")
    expect(main).to_contain_text("Dziękuję! Jesteśmy bardzo dumni.")
    expect(main).to_contain_text("Agnieszka Nowak: Replied")
    page.get_by_role("link", name=re.compile("Great work")).click()
    expect(main).to_contain_text("Replied")
    expect(main).to_contain_text(re.compile(r"Read \w{3} \d"))
    expect(main).to_contain_text("No translation is available")

    # A reply with HTMX appends in place.
    page.get_by_label("Your message").fill("Thank you, see you on Friday.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#timeline")).to_contain_text("Thank you, see you on Friday.")
    assert_accessible(page)

    # A call, logged straight from the watchlist row.
    page.goto(f"{base}/watchlist/")
    row = page.locator(f"#flag-{flag.pk}")
    row.get_by_role("link", name="Log a call about Kacper").click()
    expect(row.get_by_label("What happened")).to_be_visible()
    row.get_by_label("What happened").select_option("message_left")
    row.get_by_label("Notes").fill("Left a voicemail about attendance")
    row.get_by_role("button", name="Log it").click()
    expect(page.locator(f"#flag-{flag.pk}")).to_contain_text("contact logged")
    assert_accessible(page)
    entry = ContactLog.objects.get()
    assert entry.flag_id == flag.pk and entry.outcome == "message_left"
    page.goto(f"{base}/messages/pupil/{world.pupil.pk}/")
    expect(main).to_contain_text("Left a voicemail about attendance")
    assert_accessible(page)

    # The link in the email works without signing in, in her language.
    staff_copy = Delivery.objects.filter(guardian=world.parent).order_by("-id").first()
    assert staff_copy is not None
    anonymous = browser.new_context(viewport=SMALL_PHONE, locale="en-GB")
    link = anonymous.new_page()
    link.goto(f"{base}/messages/r/{staff_copy.reply_token}")
    expect(link.locator("main")).to_contain_text("Thank you, see you on Friday.")
    expect(link.get_by_role("heading", name="Odpowiedz")).to_be_visible()
    assert_accessible(link)
    anonymous.close()
