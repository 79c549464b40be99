"""Building blocks for the rules, flags, watchlist and digest tests: a school calendar and
daily facts written straight into PupilDay (the signals tests cover how facts are made)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from schoolwindow.engagement.flags import rule_input, school_rule_config
from schoolwindow.engagement.models import (
    FamilyMessage,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
    PupilDay,
)
from schoolwindow.engagement.rules import Reason, rules_run
from schoolwindow.people.models import Pupil
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import AcademicYear, Closure, ClosureKind, School, Term
from tests.factories import SchoolFactory

D = dt.date
# Autumn 2026: first half 2 Sep to 23 Oct, half-term 26 to 30 Oct, second half 2 Nov to 18 Dec.
AUTUMN_1 = (D(2026, 9, 2), D(2026, 10, 23))
AUTUMN_2 = (D(2026, 11, 2), D(2026, 12, 18))
MONDAY = D(2026, 11, 23)  # a Monday in the second half of term


def school_calendar(school: School) -> None:
    year = AcademicYear.objects.create(
        school=school, name="2026/27", start=D(2026, 9, 1), end=D(2027, 8, 31)
    )
    for name, (start, end) in (("Autumn 1", AUTUMN_1), ("Autumn 2", AUTUMN_2)):
        Term.objects.create(school=school, academic_year=year, name=name, start=start, end=end)


def calendar_school() -> School:
    """Oakfield Academy, with the autumn term's calendar."""
    school = SchoolFactory(name="Oakfield Academy")
    school_calendar(school)
    return school


def close(school: School, day: dt.date) -> None:
    Closure.objects.create(school=school, date=day, kind=ClosureKind.INSET)


def days_of(school: School, start: dt.date, end: dt.date) -> list[dt.date]:
    return school_days(school_id=school.pk, start=start, end=end)


GOOD_DAY = {"sessions_possible": 2, "sessions_present": 2, "logins": 1}


def facts(pupil: Pupil, days: Iterable[dt.date], **values: Any) -> None:
    """PupilDay rows for these days, replacing any there: by default a good day (present both
    sessions, logged in once). Pass fields to change, e.g. logins=0."""
    days = list(days)
    PupilDay.objects.filter(pupil=pupil, date__in=days).delete()
    PupilDay.objects.bulk_create(
        PupilDay(school_id=pupil.school_id, pupil=pupil, date=day, **{**GOOD_DAY, **values})
        for day in days
    )


def good_term(pupils: Iterable[Pupil], *, until: dt.date) -> None:
    """Every school day of the term up to and including `until` is a good day."""
    for pupil in pupils:
        facts(pupil, days_of(pupil.school, AUTUMN_1[0], until))


def missing(pupil: Pupil, title: str, due_on: dt.date, subject: str = "Maths") -> Homework:
    homework = Homework.objects.create(
        school_id=pupil.school_id,
        title=title,
        subject=subject,
        set_on=due_on - dt.timedelta(days=7),
        due_on=due_on,
        source_id=f"hw-{pupil.pk}-{title}-{due_on}",
    )
    HomeworkSubmission.objects.create(
        school_id=pupil.school_id, homework=homework, pupil=pupil, status=HomeworkStatus.MISSING
    )
    return homework


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def message(
    pupil: Pupil,
    sent: dt.date,
    *,
    read: dt.date | None = None,
    replied: dt.date | None = None,
    needs_reply: bool = False,
) -> FamilyMessage:
    return FamilyMessage.objects.create(
        school_id=pupil.school_id,
        pupil=pupil,
        sent_at=at(sent),
        read_at=at(read) if read else None,
        replied_at=at(replied) if replied else None,
        needs_reply=needs_reply,
        source_id=f"m-{pupil.pk}-{sent}-{FamilyMessage.objects.count()}",
    )


def reasons_for(pupil: Pupil, on_date: dt.date) -> dict[str, Reason]:
    """What the rules say about one pupil on the morning of on_date, by reason key."""
    config = school_rule_config(school_id=pupil.school_id)
    data, _before = rule_input(school_id=pupil.school_id, on_date=on_date, config=config)
    return {reason["key"]: reason for reason in rules_run(data, config).get(pupil.pk, [])}
