"""The "did it work?" page and the pupil-page panel: who may see them, what they show, the
school's N, and a fixed number of queries however many pupils are counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.engagement.models import Flag, PupilDay
from schoolwindow.people.models import Pupil
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import AcademicYear, Term
from schoolwindow.support.loans.models import Condition, Item, Kind, Loan
from schoolwindow.support.outcomes.models import OutcomeSettings
from tests.factories import PupilFactory
from tests.pages.conftest import World, build_pages_world, status_for, statuses

PAGE = statuses(
    staff=403,
    leader=200,
    pastoral=200,
    trust_officer=404,
    trust_officer_with_access=404,
    parent=404,
    other_parent=404,
    pupil=404,
)
TODAY = timezone.localdate()
TERM_START = TODAY - dt.timedelta(days=120)
FLAGGED = TODAY - dt.timedelta(days=75)
HELP_DAY = TODAY - dt.timedelta(days=63 + TODAY.weekday())  # a Monday nine weeks ago


@pytest.fixture
def world(db: None) -> World:
    built = build_pages_world()
    year = AcademicYear.objects.create(
        school=built.oakfield,
        name="This year",
        start=TERM_START,
        end=TODAY + dt.timedelta(days=200),
    )
    Term.objects.create(
        school=built.oakfield,
        academic_year=year,
        name="This term",
        start=TERM_START,
        end=TODAY + dt.timedelta(days=30),
    )
    return built


def attend(world: World, pupil: Pupil, *, after: bool) -> None:
    rows = []
    for day in school_days(school_id=world.oakfield.pk, start=TERM_START, end=TODAY):
        present = after and day > HELP_DAY
        rows.append(
            PupilDay(
                school_id=world.oakfield.pk,
                pupil_id=pupil.pk,
                date=day,
                sessions_possible=2,
                sessions_present=2 if present else 0,
                sessions_unauthorised=0 if present else 2,
                logins=1 if present else 0,
            )
        )
    PupilDay.objects.bulk_create(rows)


def flagged(world: World, pupil: Pupil) -> None:
    Flag.objects.create(
        school=world.oakfield, pupil=pupil, opened_on=FLAGGED, last_evaluated_on=TODAY
    )


def lend(world: World, pupil: Pupil) -> Loan:
    item = Item.objects.create(school=world.oakfield, asset_tag=f"P-{pupil.pk}", kind=Kind.LAPTOP)
    return Loan.objects.create(
        school=world.oakfield,
        item=item,
        pupil=pupil,
        lent_at=timezone.make_aware(dt.datetime.combine(HELP_DAY, dt.time(10))),
        due_on=TODAY + dt.timedelta(days=60),
        condition_out=Condition.GOOD,
        agreement_text="Look after it.",
    )


def add(world: World, n: int) -> None:
    for _ in range(n):
        helped = PupilFactory(school=world.oakfield, year_group=world.year7)
        attend(world, helped, after=True)
        flagged(world, helped)
        lend(world, helped)
        other = PupilFactory(school=world.oakfield, year_group=world.year7)
        attend(world, other, after=False)
        flagged(world, other)


URL = reverse("outcomes:outcomes")


@pytest.mark.parametrize(("role", "expected"), PAGE.items())
def test_who_may_see_the_page(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(URL)) == expected


@pytest.mark.parametrize("role", ["teacher", "office", "parent", "pupil"])
def test_only_leaders_and_pastoral_leads_change_n(world: World, role: str) -> None:
    response = world.client(role).post(
        reverse("outcomes:settings"), {"school": world.oakfield.pk, "recovery_days": 10}
    )
    assert response.status_code in (403, 404)
    assert not OutcomeSettings.objects.exists()


def test_the_page_shows_both_groups_and_the_caution(world: World) -> None:
    add(world, 3)
    html = world.client("leader").get(URL + "?period=term").content.decode()
    assert "Did the help work?" in html
    assert "Got this help while flagged" in html and "did not get it" in html
    assert "Small numbers" in html
    assert 'role="img"' in html
    assert "3 (100%)" in html  # recovered among the helped
    assert "0 (0%)" in html  # and among the comparison


def test_the_drill_down_lists_the_pupils_counted_and_links_them(world: World) -> None:
    add(world, 2)
    html = world.client("pastoral").get(URL + "?kind=loan").content.decode()
    assert 'id="counted"' in html
    helped = Loan.objects.first()
    assert helped is not None
    assert reverse("pupil_detail", kwargs={"pupil_id": helped.pupil_id}) in html
    assert "Recovered" in html and "Not recovered yet" in html


def test_the_page_costs_the_same_for_more_pupils(world: World) -> None:
    client = world.client("leader")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL + "?kind=loan").status_code == 200
        return len(captured)

    add(world, 2)
    few = queries()
    add(world, 10)
    assert queries() == few


def test_the_report_is_kept_until_the_help_or_the_facts_change(world: World) -> None:
    client = world.client("leader")

    def loan_row() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            html = client.get(URL + "?period=term").content.decode()
        return len(captured), html

    add(world, 2)
    first, html = loan_row()
    again, same = loan_row()
    assert again < first  # the daily facts were not read again
    assert "2 (100%)" in html and "2 (100%)" in same
    add(world, 1)  # more help, more flags, more facts: counted at once
    _queries, html = loan_row()
    assert "3 (100%)" in html


def test_a_leader_sets_n_and_a_bad_value_is_refused_clearly(world: World) -> None:
    client = world.client("leader")
    url = reverse("outcomes:settings")
    response = client.post(url, {"school": world.oakfield.pk, "recovery_days": 200})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not OutcomeSettings.objects.exists()
    response = client.post(url, {"school": world.oakfield.pk, "recovery_days": 10})
    assert response.status_code == 302
    response = client.post(url, {"school": world.oakfield.pk, "recovery_days": 10})  # twice
    assert OutcomeSettings.objects.get(school=world.oakfield).recovery_days == 10
    assert AuditEvent.objects.filter(action="outcomes.settings_changed").exists()
    assert "10 school days" in client.get(URL).content.decode()


def test_the_pupil_page_says_whether_the_help_worked(world: World) -> None:
    attend(world, world.ada, after=True)
    Flag.objects.filter(pupil=world.ada).delete()
    flagged(world, world.ada)
    lend(world, world.ada)
    page = reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk})
    html = world.client("pastoral").get(page).content.decode()
    assert "Did the help work?" in html and "Recovered" in html
    # The teacher sees Ada's page, but not this panel; her parent never does.
    assert "Did the help work?" not in world.client("teacher").get(page).content.decode()
    assert "Did the help work?" not in world.client("parent").get(page).content.decode()


def test_no_panel_without_help_given_while_flagged(world: World) -> None:
    page = reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk})
    assert "Did the help work?" not in world.client("leader").get(page).content.decode()


def test_the_page_reads_in_polish(world: World) -> None:
    add(world, 1)
    client = world.client("leader")
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Czy pomoc zadziałała?" in html and "Małe liczby" in html
