from __future__ import annotations

import datetime as dt

import pytest

from schoolwindow.schools.calendar import school_days, term_at_a_glance
from schoolwindow.schools.models import AcademicYear, Closure, ClosureKind, Term
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def autumn_term() -> Term:
    school = SchoolFactory()
    year = AcademicYear.objects.create(
        school=school, name="2026/27", start=dt.date(2026, 9, 1), end=dt.date(2027, 8, 31)
    )
    term = Term.objects.create(
        school=school,
        academic_year=year,
        name="Autumn",
        start=dt.date(2026, 9, 2),
        end=dt.date(2026, 12, 18),
    )
    Closure.objects.create(school=school, date=dt.date(2026, 9, 2), kind=ClosureKind.INSET)
    for day in range(26, 31):  # half-term, Monday 26 to Friday 30 October
        Closure.objects.create(school=school, date=dt.date(2026, 10, day), kind=ClosureKind.HOLIDAY)
    return term


def test_school_days_skip_weekends_closures_and_holidays() -> None:
    term = autumn_term()
    days = school_days(
        school_id=term.school_id, start=dt.date(2026, 8, 1), end=dt.date(2027, 1, 31)
    )
    assert days[0] == dt.date(2026, 9, 3)  # the 2nd is an INSET day
    assert days[-1] == dt.date(2026, 12, 18)  # nothing after the term ends
    assert all(day.weekday() < 5 for day in days)
    assert not any(dt.date(2026, 10, 26) <= day <= dt.date(2026, 10, 30) for day in days)
    # 78 weekdays from Wednesday 2 September, less one INSET day and a week of half-term.
    assert len(days) == 78 - 1 - 5


def test_term_at_a_glance_counts_days_left_and_lists_closures_to_come() -> None:
    term = autumn_term()
    glance = term_at_a_glance(school_id=term.school_id, today=dt.date(2026, 10, 19))
    assert glance is not None and glance.is_current
    assert [closure.date.day for closure in glance.closures] == [26, 27, 28, 29, 30]
    assert glance.school_days_left == 5 + 5 * 7  # this week, then seven weeks after half-term
    in_summer = term_at_a_glance(school_id=term.school_id, today=dt.date(2026, 8, 20))
    assert in_summer is not None and not in_summer.is_current
    assert term_at_a_glance(school_id=term.school_id, today=dt.date(2027, 1, 5)) is None
