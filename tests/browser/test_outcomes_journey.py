"""'Did the help work?' in a real browser on a 390 px phone, checked with axe-core: the pastoral
lead opens the page, reads the loans' chart and table with both groups' sizes and the caution,
opens the list of the pupils counted, and follows a name to the pupil's page, whose panel says
whether the help worked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect

from schoolwindow.engagement.models import Flag, PupilDay
from schoolwindow.people.models import Pupil
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import AcademicYear, School, Term
from schoolwindow.support.loans.models import Condition, Item, Kind, Loan
from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.browser.test_journeys import sign_in
from tests.factories import PupilFactory
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}
TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=120)
HELP_DAY = TODAY - dt.timedelta(days=63 + TODAY.weekday())


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


def going_quiet(school: School, pupil: Pupil, *, back: bool, lent: bool) -> None:
    PupilDay.objects.bulk_create(
        [
            PupilDay(
                school=school,
                pupil=pupil,
                date=day,
                sessions_possible=2,
                sessions_present=2 if back and day > HELP_DAY else 0,
                sessions_unauthorised=0 if back and day > HELP_DAY else 2,
                logins=1 if back and day > HELP_DAY else 0,
            )
            for day in school_days(school_id=school.pk, start=START, end=TODAY)
        ]
    )
    Flag.objects.filter(pupil=pupil).delete()
    Flag.objects.create(
        school=school,
        pupil=pupil,
        opened_on=HELP_DAY - dt.timedelta(days=7),
        last_evaluated_on=TODAY,
    )
    if lent:
        item = Item.objects.create(school=school, asset_tag=f"LAP-{pupil.pk}", kind=Kind.LAPTOP)
        Loan.objects.create(
            school=school,
            item=item,
            pupil=pupil,
            lent_at=timezone.make_aware(dt.datetime.combine(HELP_DAY, dt.time(10))),
            due_on=TODAY + dt.timedelta(days=30),
            condition_out=Condition.GOOD,
            agreement_text="Look after it.",
        )


def test_the_pastoral_lead_reads_whether_loans_helped(
    phone: Page, live_server, world: World
) -> None:
    school = world.pupil.school
    year = AcademicYear.objects.create(
        school=school, name="Now", start=START, end=TODAY + dt.timedelta(days=200)
    )
    Term.objects.create(
        school=school,
        academic_year=year,
        name="Now",
        start=START,
        end=TODAY + dt.timedelta(days=30),
    )
    going_quiet(school, world.pupil, back=True, lent=True)
    for n in range(3):
        going_quiet(school, PupilFactory(school=school), back=n == 0, lent=False)
    page = phone
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "pastoral")
    page.goto(f"{live_server.url}/support/outcomes/")
    expect(page.get_by_role("heading", name="Did the help work?", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Loan", level=2)).to_be_visible()
    expect(page.get_by_role("img", name="Loan: recovered")).to_be_visible()
    expect(page.get_by_text("Small numbers").first).to_be_visible()
    check(page)
    page.get_by_role("link", name="The pupils counted for Loan").click()
    expect(page.get_by_role("heading", name="The pupils counted for Loan")).to_be_visible()
    check(page)
    page.get_by_role("link", name=world.pupil.display_name).click()
    expect(page.get_by_role("heading", name="Did the help work?")).to_be_visible()
    expect(page.get_by_text("Recovered").first).to_be_visible()
    check(page)
    assert not blocked, blocked


def check(page: Page) -> None:
    assert_accessible(page)
    assert_fits_the_screen(page)
