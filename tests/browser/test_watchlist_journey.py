"""A pastoral lead's morning on a small phone: the watchlist, triage in place, the profile chart."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from schoolwindow.engagement.flags import flags_evaluate
from schoolwindow.engagement.models import Flag, PupilDay
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import AcademicYear, Term
from tests.browser.conftest import assert_accessible
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> World:
    world = build_world()
    school = world.secondary
    today = timezone.localdate()
    year = AcademicYear.objects.create(
        school=school,
        name="This year",
        start=today - dt.timedelta(days=120),
        end=today + dt.timedelta(days=240),
    )
    Term.objects.create(
        school=school,
        academic_year=year,
        name="This term",
        start=today - dt.timedelta(days=70),
        end=today + dt.timedelta(days=30),
    )
    days = school_days(
        school_id=school.pk, start=today - dt.timedelta(days=70), end=today - dt.timedelta(1)
    )
    rows = []
    for pupil in (world.pupil, world.stranger):
        for n, day in enumerate(days):
            quiet = pupil == world.pupil and n >= len(days) - 6
            rows.append(
                PupilDay(
                    school=school,
                    pupil=pupil,
                    date=day,
                    sessions_possible=2,
                    sessions_present=1 if quiet else 2,
                    sessions_authorised=1 if quiet else 0,
                    logins=0 if quiet else 1,
                )
            )
    PupilDay.objects.bulk_create(rows)
    flags_evaluate(school_id=school.pk, on_date=today)
    assert Flag.objects.filter(pupil=world.pupil).exists()
    return world


def test_pastoral_lead_triages_from_the_watchlist_and_sees_the_chart(
    page: Page,
    live_server,
    world: World,
) -> None:
    base = live_server.url
    sign_in(page, base, world, "pastoral")
    page.get_by_role("link", name="Watchlist", exact=True).click()
    expect(page.get_by_role("heading", name="Watchlist", level=1)).to_be_visible()
    flag = Flag.objects.get(pupil=world.pupil)
    row = page.locator(f"#flag-{flag.pk}")
    expect(row).to_contain_text("Kacper Nowak")
    expect(row).to_contain_text("New")
    expect(row).to_contain_text(re.compile(r"No log-in or online work since .* 6 school days"))
    expect(row.get_by_role("img")).to_have_attribute("aria-label", re.compile("Attendance:"))
    assert "Ava" not in page.locator("main").inner_text()  # Ava is fine
    assert_accessible(page)

    # Triage in place: a marker on the window survives only if the page is not reloaded.
    page.evaluate("window.stillHere = true")
    row.get_by_role("link", name="Act for Kacper").click()
    expect(row.get_by_label("Assign to")).to_be_focused()
    lead = world.staff["pastoral"].display_name
    row.get_by_label("Assign to").select_option(label=lead)
    row.get_by_role("button", name="Assign").click()
    expect(row).to_contain_text(f"Kacper Nowak: assigned to {lead}.")
    expect(row.locator("dd").filter(has_text=lead)).to_be_visible()
    until = timezone.localdate() + dt.timedelta(days=7)
    row.get_by_label("Snooze until").fill(until.isoformat())
    row.get_by_role("button", name="Snooze").click()
    expect(row).to_contain_text("Kacper Nowak: snoozed until")
    expect(row).to_contain_text("Snoozed until")
    assert page.evaluate("window.stillHere") is True
    assert_accessible(page)
    flag.refresh_from_db()
    assert (flag.status, flag.assigned_to_id, flag.snoozed_until) == (
        "snoozed",
        world.staff["pastoral"].pk,
        until,
    )

    # The pupil's profile has the engagement timeline, with its figures as a table.
    row.get_by_role("link", name="Kacper Nowak").click()
    expect(page.get_by_role("heading", name="Engagement this term")).to_be_visible()
    chart = page.locator("svg.timeline-chart")
    expect(chart).to_have_attribute("role", "img")
    expect(chart).to_have_attribute("aria-label", re.compile("Engagement by week this term"))
    page.get_by_text("The figures as a table").click()
    expect(page.get_by_role("table", name="Engagement by week")).to_be_visible()
    assert_accessible(page)

    # The flag's own page (full history) and the rule thresholds pass axe too.
    page.get_by_role("link", name="See why and what has been done").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Assigned to")
    assert_accessible(page)
    page.goto(f"{base}/watchlist/rules/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Watchlist rules")
    assert_accessible(page)
