"""One clock for the demo: built on a weekday, a Saturday or in the summer holiday, its data, its
flags, its charts and the pages (read at that day's clock) all agree on what "today" is.

Each build is the real one (scale 0.05, with its history) given a `today`; the pages are read
with django's clock set to 9 a.m. that day, as a school trying the demo would read them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from schoolwindow.core.models import User
from schoolwindow.demo.builder import demo_build
from schoolwindow.demo.calendars import DemoCalendar
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts.engagement.scripts import SCRIPTED_PUPILS
from schoolwindow.engagement import charts
from schoolwindow.engagement.models import FamilyMessage, Flag, PupilDay
from schoolwindow.messaging.delivery import letters
from schoolwindow.messaging.models import Conversation, Delivery, Message
from schoolwindow.people.models import Channel, Pupil
from schoolwindow.schools.models import School
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2026, 12, 2)
SATURDAY = dt.date(2026, 12, 5)
SUMMER = dt.date(2027, 8, 10)  # the summer term ended on Wednesday 21 July (an INSET day)
# Fields that hold what is yet to come (a scheduled announcement, a copy held till morning, an
# invitation's expiry, homework not due yet), which may be after the demo's today.
FUTURE_FIELDS = {
    "due_on",
    "scheduled_for",
    "not_before",
    "expires_at",
    "next_attempt_at",
    "snoozed_until",
}


@contextmanager
def clock(day: dt.date, hour: int = 9) -> Iterator[None]:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    with mock.patch.object(timezone, "now", new=lambda: moment):
        yield


@pytest.fixture(scope="module", params=[WEDNESDAY, SATURDAY, SUMMER], ids=str)
def today(request: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[dt.date]:
    """One build per day, read by every test of the module, rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            demo_build(stdout=io.StringIO(), scale=0.05, today=request.param)
            yield request.param
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def expected_last_day(today: dt.date) -> dt.date:
    return {
        WEDNESDAY: dt.date(2026, 12, 1),
        SATURDAY: dt.date(2026, 12, 4),
        SUMMER: dt.date(2027, 7, 20),
    }[today]


def jack() -> Pupil:
    first, last, _ = SCRIPTED_PUPILS["jack"]
    return Pupil.objects.get(legal_first_name=first, legal_last_name=last)


def pastoral_page(url: str, today: dt.date) -> str:
    with clock(today):  # signed in that day too: a session from the real today has expired
        client = signed_in_client(User.objects.get(username=LOGIN_USERNAMES["pastoral"]))
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def test_the_data_ends_on_the_last_school_day_before_today(today: dt.date) -> None:
    last = expected_last_day(today)
    assert DemoCalendar(today).data_end == last
    for school in School.objects.all():
        days = PupilDay.objects.filter(school=school).values_list("date", flat=True)
        assert max(days) == last
        assert last.weekday() < 5
    # Every flag was opened by a morning run on a school day up to the demo's today, never
    # after it; the latest run is today's.
    opened = set(Flag.objects.values_list("opened_on", flat=True))
    assert max(opened) <= today
    assert all(day == today or day.weekday() < 5 for day in opened)


def held_copies(morning: dt.datetime) -> list[int]:
    """Engagement's copies of family messages held until a scheduled time after `morning`."""
    held = {
        f"delivery:{pk}"
        for pk in Delivery.objects.filter(not_before__gt=morning).values_list("pk", flat=True)
    }
    return [
        pk
        for pk, source_id in FamilyMessage.objects.values_list("pk", "source_id")
        if ":".join(source_id.split(":")[:2]) in held
    ]


def test_nothing_has_happened_after_the_demos_morning(today: dt.date) -> None:
    """No record is stamped later than 8 a.m. on the demo's today (except what is scheduled)."""
    morning = timezone.make_aware(dt.datetime.combine(today, dt.time(8)))
    checked = 0
    for label in ("engagement", "messaging", "people"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if field.name in FUTURE_FIELDS:
                    continue
                if isinstance(field, models.DateTimeField):
                    late = model._default_manager.filter(**{f"{field.name}__gt": morning})
                elif isinstance(field, models.DateField):
                    late = model._default_manager.filter(**{f"{field.name}__gt": today})
                else:
                    continue
                checked += 1
                if model is FamilyMessage:  # a scheduled copy is stamped with when it will go
                    late = late.exclude(pk__in=held_copies(morning))
                # So is a scheduled announcement, and its conversation's last message.
                held = Message.objects.filter(deliveries__not_before__gt=morning)
                if model is Message:
                    late = late.exclude(pk__in=held.values("pk"))
                if model is Conversation:
                    late = late.exclude(pk__in=held.values("conversation_id"))
                assert not late.exists(), f"{model.__name__}.{field.name} after {morning}"
    assert checked > 20


def test_trends_leave_gaps_for_weeks_without_school_and_stop_with_the_data(
    today: dt.date,
) -> None:
    last = expected_last_day(today)
    last_week = last - dt.timedelta(days=last.weekday())
    flags = list(Flag.objects.exclude(trend={}))
    assert flags
    for flag in flags:
        trend = flag.trend
        assert trend["weeks"][-1] == last_week.isoformat()  # no week after the data ends
        for attendance, online, days in zip(
            trend["attendance"], trend["online"], trend["school_days"], strict=True
        ):
            if days == 0:
                assert attendance is None and online is None  # a gap, not a fall to zero


def test_the_watchlist_says_how_recent_its_data_is(today: dt.date) -> None:
    html = pastoral_page(reverse("watchlist"), today)
    assert f"Latest data: {long_date(expected_last_day(today))}." in html
    assert f"{today:%a} {today.day} {today:%b}</dd>" in html  # on the list since this morning


def test_the_pupil_timeline_ends_with_the_data(today: dt.date) -> None:
    html = pastoral_page(reverse("pupil_detail", kwargs={"pupil_id": jack().pk}), today)
    last = expected_last_day(today)
    assert f"Latest data: {long_date(last)}." in html
    assert f"to {last.day} {last:%b}: weekly attendance" in html
    after = last - dt.timedelta(days=last.weekday()) + dt.timedelta(weeks=1)
    assert f'<th scope="row">{after:%a} {after.day} {after:%b}</th>' not in html
    if today == SUMMER:  # the summer term's half-term week is in the table, as no school
        half_term = dt.date(2027, 5, 31)
        assert f"{half_term:%a} {half_term.day} {half_term:%b}</th>" in html
        assert "No school" in html


def test_the_school_page_counts_the_days_left_from_today(today: dt.date) -> None:
    school = School.objects.get(phase="secondary")
    html = pastoral_page(reverse("school_detail", kwargs={"school_id": school.pk}), today)
    if today == SUMMER:  # the holiday: the autumn term to come, from the next year's calendar
        assert "Next term: Autumn 2027/28" in html
    else:
        assert "This term: Autumn 2026/27" in html
        left = 13 if today == WEDNESDAY else 10  # to Friday 18 December
        assert f"{left} left" in html


def test_letters_are_dated_today(today: dt.date) -> None:
    school = School.objects.get(phase="secondary")
    deliveries = list(Delivery.objects.filter(school=school, channel=Channel.LETTER)[:2])
    with clock(today):
        html = letters.letters_html(school, deliveries)
    assert f"{today.day} {today:%B %Y}" in html


def test_the_sparkline_draws_a_gap_and_says_no_school() -> None:
    trend = {
        "weeks": ["2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"],
        "attendance": [100.0, 90.0, None, 80.0],
        "online": [5, 4, None, 3],
        "school_days": [5, 5, 0, 5],
    }
    svg = str(charts.sparkline_svg(trend))
    assert svg.count('stroke="#0b5394" stroke-width="2"/>') == 2  # attendance: two segments
    assert svg.count('stroke-dasharray="3 2"/>') == 2  # online: two segments
    assert "Attendance: 100%, 90%, no school, 80%." in svg
    assert "Days online: 5/5, 4/5, no school, 3/5." in svg
    # A week alone between two gaps still shows, as a dot.
    alone = {**trend, "attendance": [None, 90.0, None, 80.0], "school_days": [0, 5, 0, 5]}
    assert "<circle" in str(charts.sparkline_svg(alone))
