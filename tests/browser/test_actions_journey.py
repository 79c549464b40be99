"""Resolving a flag with the help that was given, in a real browser on a 390 px phone, checked
with axe-core: the pastoral lead opens Kacper's flag from the watchlist, sees the call and the
referral since it opened (and not the call of last term), resolves it as re-engaged with both
linked, and the support timeline then shows each as answering the flag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from schoolwindow.engagement.models import Flag, FlagStatus
from schoolwindow.engagement.rules import make_reason
from schoolwindow.people.actors import actor_for
from schoolwindow.support.actions import services
from schoolwindow.support.actions.models import FlagLink
from tests.browser.conftest import assert_accessible, assert_fits_the_screen, nav_click, watch_csp
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


def test_a_flag_is_resolved_with_the_help_given(phone: Page, live_server, world: World) -> None:
    today = timezone.localdate()
    pupil = world.pupil
    reason = make_reason(
        "no_online",
        1,
        {
            "days": 6,
            "last_active": (today - dt.timedelta(days=12)).isoformat(),
            "usual": 4.0,
            "silent_days": [],
            "excused_days": [],
        },
    )
    flag = Flag.objects.create(
        school=pupil.school,
        pupil=pupil,
        opened_on=today - dt.timedelta(days=10),
        last_evaluated_on=today,
        reasons=[reason],
        severity=reason["severity"],
    )
    lead = world.staff["pastoral"]
    pastoral = actor_for(lead.user)
    common: dict[str, Any] = {"actor": pastoral, "pupil_id": pupil.pk, "owner_id": lead.pk}
    call = services.action_create(
        **common,
        kind="call",
        summary="Rang mum about logging in",
        on=today - dt.timedelta(days=8),
        status="done",
        outcome="Mum will sit with him on Mondays",
        flag_id=flag.pk,
    )
    referral = services.action_create(
        **common,
        kind="referral",
        referral_type="early_help",
        summary="Early help assessment",
        on=today - dt.timedelta(days=5),
        status="in_progress",
    )
    services.action_create(
        **common, kind="call", summary="Call about last term", on=today - dt.timedelta(days=90)
    )

    page = phone
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "pastoral")
    nav_click(page, "Watchlist")
    expect(page.get_by_role("heading", name="Watchlist", level=1)).to_be_visible()
    page.get_by_role("link", name=f"Details and history for {pupil.first_name}").click()
    panel = page.locator(
        "section", has=page.get_by_role("heading", name="Help since this flag opened")
    )
    expect(panel).to_contain_text("Rang mum about logging in")
    expect(panel).to_contain_text("Early help: Early help assessment")
    expect(panel).not_to_contain_text("Call about last term")
    check(page)

    panel.get_by_role("link", name="Resolve with the help that was given").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Resolve")
    expect(page.locator("main")).to_contain_text("No log-in or online work since")
    expect(page.get_by_label("Call: Rang mum about logging in", exact=False)).to_be_checked()
    referral_box = page.get_by_label("Referral: Early help: Early help assessment", exact=False)
    expect(referral_box).not_to_be_checked()
    check(page)
    referral_box.check()
    page.get_by_label("Re-engaged").check()
    page.get_by_label("Note (optional)").fill("Online every day this week.")
    page.get_by_role("button", name="Resolve the flag").click()
    expect(page.get_by_text("The flag is resolved, with 2 pieces of help linked.")).to_be_visible()
    check(page)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED and flag.outcome == "re_engaged"
    assert set(FlagLink.objects.filter(flag=flag).values_list("ref", flat=True)) == {
        call.ref,
        referral.ref,
    }

    page.goto(f"{live_server.url}/support/pupils/{pupil.pk}/support/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Support for")
    expect(page.get_by_text("answers the flag of")).to_have_count(2)
    check(page)
    assert not blocked
