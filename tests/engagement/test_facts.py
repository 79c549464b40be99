from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from schoolwindow.engagement import codes
from schoolwindow.engagement.facts import (
    day_buckets,
    last_school_days,
    pupil_day_series,
    pupil_days_recompute,
    pupil_days_update,
)
from schoolwindow.engagement.models import (
    FACT_FIELDS,
    ActivityEvent,
    AttendanceMark,
    FamilyMessage,
    Homework,
    HomeworkSubmission,
    PupilDay,
)
from schoolwindow.engagement.signals.reading import local_zone
from schoolwindow.schools.models import AcademicYear, Term
from tests.engagement.signal_helpers import TERM_END, TERM_START, pupils, school_with_term

pytestmark = pytest.mark.django_db
MON, TUE, WED = dt.date(2025, 9, 8), dt.date(2025, 9, 9), dt.date(2025, 9, 10)
SAT, SUN = dt.date(2025, 9, 13), dt.date(2025, 9, 14)
NEXT_MON = dt.date(2025, 9, 15)
INSET = dt.date(2025, 9, 12)  # a Friday closure


@pytest.fixture
def school():
    return school_with_term(closures=[INSET])


def mark(pupil, day, session, code):
    AttendanceMark.objects.create(
        school=pupil.school,
        pupil=pupil,
        date=day,
        session=session,
        code=code,
        category=codes.classify(code),
    )


def event(pupil, day, kind="login", hour=9, n=[0]):  # noqa: B006
    n[0] += 1
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)), local_zone())
    ActivityEvent.objects.create(
        school=pupil.school,
        pupil=pupil,
        occurred_at=moment,
        date=day,
        kind=kind,
        external_id=f"e{n[0]}",
    )


def facts(pupil, day):
    row = PupilDay.objects.filter(pupil=pupil, date=day).first()
    return (
        None
        if row is None
        else {name: getattr(row, name) for name in FACT_FIELDS if getattr(row, name)}
    )


def test_sessions_are_counted_as_the_dfe_counts_them(school):
    elsewhere, excused, truant = pupils(school, 3)
    mark(elsewhere, MON, "AM", "V")  # educational visit: present
    mark(elsewhere, MON, "PM", "D")  # at the other school it is registered at: not possible
    mark(excused, MON, "AM", "I")
    mark(excused, MON, "PM", "M")
    mark(truant, MON, "AM", "L")
    mark(truant, MON, "PM", "U")

    pupil_days_recompute(school_id=school.pk, start=MON, end=MON)

    assert facts(elsewhere, MON) == {"sessions_possible": 1, "sessions_present": 1}
    assert facts(excused, MON) == {"sessions_possible": 2, "sessions_authorised": 2}
    assert facts(truant, MON) == {
        "sessions_possible": 2,
        "sessions_present": 1,
        "sessions_unauthorised": 1,
    }
    series = pupil_day_series(school_id=school.pk, pupil_ids=[excused.pk], start=MON, end=MON)
    assert series[excused.pk][0].away_with_permission


def test_weekends_and_closures_have_no_rows_and_their_activity_counts_next(
    school,
):
    (pupil,) = pupils(school, 1)
    mark(pupil, INSET, "AM", "/")  # a register on a closure day is not a school day's
    mark(pupil, SAT, "AM", "/")
    event(pupil, INSET)
    event(pupil, SAT)
    event(pupil, SUN, kind="launched")
    event(pupil, NEXT_MON, kind="lesson")

    written = pupil_days_recompute(school_id=school.pk, start=MON, end=NEXT_MON)

    assert written == 1
    assert list(PupilDay.objects.values_list("date", flat=True)) == [NEXT_MON]
    assert facts(pupil, NEXT_MON) == {"logins": 2, "lessons": 1, "activities": 1}


def test_homework_counts_on_its_due_date(school):
    people = pupils(school, 3)
    piece = Homework.objects.create(
        school=school, title="Fractions", set_on=MON, due_on=WED, source_id="H1"
    )
    for pupil, status in zip(people, ["on_time", "late", "missing"], strict=True):
        HomeworkSubmission.objects.create(school=school, homework=piece, pupil=pupil, status=status)

    pupil_days_recompute(school_id=school.pk, start=MON, end=WED)

    assert [facts(pupil, WED) for pupil in people] == [
        {"homework_due": 1, "homework_on_time": 1},
        {"homework_due": 1, "homework_late": 1},
        {"homework_due": 1, "homework_missing": 1},
    ]


def test_messages_count_on_the_local_date_they_happened(school):
    (pupil,) = pupils(school, 1)
    FamilyMessage.objects.create(
        school=school,
        pupil=pupil,
        # 23:30 UTC on Monday is 00:30 on Tuesday in London (summer time).
        sent_at=dt.datetime(2025, 9, 8, 23, 30, tzinfo=dt.UTC),
        read_at=dt.datetime(2025, 9, 9, 18, 0, tzinfo=dt.UTC),
        replied_at=dt.datetime(2025, 9, 10, 7, 0, tzinfo=dt.UTC),
        source_id="M1",
    )

    pupil_days_recompute(school_id=school.pk, start=MON, end=WED)

    assert facts(pupil, MON) is None
    assert facts(pupil, TUE) == {"messages_sent": 1, "messages_read": 1}
    assert facts(pupil, WED) == {"messages_answered": 1}


def test_a_recompute_replaces_what_was_there(school):
    (pupil,) = pupils(school, 1)
    event(pupil, MON)
    pupil_days_recompute(school_id=school.pk, start=MON, end=MON)
    ActivityEvent.objects.all().delete()

    assert pupil_days_recompute(school_id=school.pk, start=MON, end=MON) == 0
    assert not PupilDay.objects.exists()


def test_the_daily_update_gives_what_the_full_recompute_gives(school):
    people = pupils(school, 6)
    _random_signals(school, people, random.Random(7))

    pupil_days_recompute(school_id=school.pk, start=TERM_START, end=TERM_END)
    full = _snapshot()
    PupilDay.objects.all().delete()
    day = TERM_START
    while day <= TERM_END:
        pupil_days_update(school_id=school.pk, date=day)
        day += dt.timedelta(days=1)

    assert len(full) > 100
    assert _snapshot() == full


def test_the_series_fills_school_days_with_zeros(school):
    first, second = pupils(school, 2)
    event(first, TUE)
    pupil_days_recompute(school_id=school.pk, start=MON, end=NEXT_MON)

    series = pupil_day_series(
        school_id=school.pk, pupil_ids=[first.pk, second.pk], start=MON, end=NEXT_MON
    )

    school_days = [MON, TUE, WED, dt.date(2025, 9, 11), NEXT_MON]  # not the INSET day
    assert [day.date for day in series[first.pk]] == school_days
    assert [day.logins for day in series[first.pk]] == [0, 1, 0, 0, 0]
    assert [day.online for day in series[second.pk]] == [False] * 5


def test_activity_in_a_holiday_counts_on_the_first_day_back_but_not_too_far() -> None:
    school = school_with_term()
    year = AcademicYear.objects.get(school=school)
    back = dt.date(2025, 11, 3)
    Term.objects.create(school=school, academic_year=year, name="Autumn 2", start=back, end=back)
    (pupil,) = pupils(school, 1)
    event(pupil, dt.date(2025, 10, 25))  # the Saturday starting half-term
    event(pupil, dt.date(2025, 10, 24), hour=20)  # the last Friday evening: that Friday's

    pupil_days_recompute(school_id=school.pk, start=TERM_START, end=back)

    assert facts(pupil, back) == {"logins": 1}
    assert facts(pupil, dt.date(2025, 10, 24)) == {"logins": 1}


def test_day_buckets_look_back_at_most_ten_days() -> None:
    summer_end, first_day = dt.date(2025, 7, 18), dt.date(2025, 9, 1)

    buckets = day_buckets([summer_end, first_day], start=first_day)

    assert buckets[0][0] == dt.date(2025, 8, 23)
    assert len(buckets) == 10


def test_last_school_days(school):
    days = last_school_days(school_id=school.pk, until=NEXT_MON, count=3)

    assert days == [WED, dt.date(2025, 9, 11), NEXT_MON]


def _random_signals(school, people, rng):
    day = TERM_START - dt.timedelta(days=3)
    pieces = []
    while day <= TERM_END + dt.timedelta(days=3):
        for pupil in people:
            if day.weekday() < 5 and rng.random() < 0.9:
                for session in ("AM", "PM"):
                    mark(pupil, day, session, rng.choice(["/", "\\", "L", "I", "N", "V", "D"]))
            for _ in range(rng.randint(0, 3)):
                event(
                    pupil,
                    day,
                    kind=rng.choice(["login", "lesson", "launched"]),
                    hour=rng.randint(0, 23),
                )
        if rng.random() < 0.3:
            pieces.append(
                Homework.objects.create(
                    school=school, title="H", set_on=day, due_on=day, source_id=f"H{day}"
                )
            )
        day += dt.timedelta(days=1)
    for piece in pieces:
        for pupil in people:
            status = rng.choice(["on_time", "late", "missing", "set"])
            HomeworkSubmission.objects.create(
                school=school, homework=piece, pupil=pupil, status=status
            )
    for n in range(40):
        sent = timezone.make_aware(
            dt.datetime.combine(TERM_START, dt.time()) + dt.timedelta(hours=rng.randint(0, 1300))
        )
        FamilyMessage.objects.create(
            school=school,
            pupil=rng.choice(people),
            sent_at=sent,
            read_at=sent + dt.timedelta(hours=rng.randint(1, 80)) if n % 2 else None,
            replied_at=sent + dt.timedelta(hours=90) if n % 3 == 0 else None,
            source_id=f"M{n}",
        )


def _snapshot() -> set[tuple]:
    return set(PupilDay.objects.values_list("pupil_id", "date", *FACT_FIELDS))
