"""Daily facts: one PupilDay per pupil per school day, computed from the raw signals in SQL.

What a row counts, for school day D:

- sessions: D's attendance marks, as the DfE counts them (engagement.codes): attending
  elsewhere is present, "not counted" codes are not possible sessions. A day the pupil was
  away with permission keeps its authorised sessions, so the rules can tell it from silence.
- log-ins, lessons, activities (launched or completed), and messages sent, read and answered:
  what happened since the previous school day, at most CARRY_DAYS back, by school-local date.
  A log-in on Saturday counts on Monday; one in the half-term week on the first day back. Only
  school days have rows, and this way nothing a pupil or family did is lost between them.
- homework: pieces due that day (or, due on a weekend, on the next school day) and how each
  went: on time, late, missing.

A row exists only for a pupil with something to count that day; pupil_day_series fills the
other school days with zeros. Everything is computed by the database (INSERT … SELECT …
GROUP BY), the same SQL on SQLite and PostgreSQL, a school at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from schoolwindow.engagement.codes import ABSENCE, ATTENDANCE
from schoolwindow.engagement.models import (
    FACT_FIELDS,
    ActivityEvent,
    ActivityKind,
    AttendanceCategory,
    AttendanceMark,
    FamilyMessage,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
    PupilDay,
)
from schoolwindow.engagement.signals.reading import local_date, local_zone
from schoolwindow.engagement.signals.staging import quote, table_of, temporary
from schoolwindow.schools.calendar import school_days

# A school day collects what happened on the calendar days since the previous school day, but
# no more than this many days (itself included): enough for a weekend with a bank holiday and
# INSET days, or a half-term week with both weekends; not a whole summer on the first day back.
CARRY_DAYS = 10
ONE_DAY = dt.timedelta(days=1)


@dataclass(slots=True)
class DayFacts:
    """One pupil's facts on one school day: PupilDay's counts, zero when nothing happened."""

    date: dt.date
    sessions_possible: int = 0
    sessions_present: int = 0
    sessions_authorised: int = 0
    sessions_unauthorised: int = 0
    logins: int = 0
    lessons: int = 0
    activities: int = 0
    homework_due: int = 0
    homework_on_time: int = 0
    homework_late: int = 0
    homework_missing: int = 0
    messages_sent: int = 0
    messages_read: int = 0
    messages_answered: int = 0

    @property
    def sessions_absent(self) -> int:
        return self.sessions_authorised + self.sessions_unauthorised

    @property
    def online(self) -> bool:
        return self.logins + self.lessons + self.activities > 0

    @property
    def away_with_permission(self) -> bool:
        """Every possible session an authorised absence: the pupil's own excused day."""
        return self.sessions_possible > 0 and self.sessions_authorised == self.sessions_possible


# --- Writing -------------------------------------------------------------------------------


def pupil_days_recompute(*, school_id: int, start: dt.date, end: dt.date) -> int:
    """Rebuild one school's PupilDay rows from start to end (inclusive). Returns rows written."""
    days = school_days(school_id=school_id, start=start - dt.timedelta(CARRY_DAYS), end=end)
    buckets = day_buckets(days, start=start)
    with transaction.atomic():
        PupilDay.objects.filter(school_id=school_id, date__gte=start, date__lte=end).delete()
        if not buckets:
            return 0
        with connection.cursor() as cursor:
            _day_table_create(cursor, buckets)
            sql, params = _insert_sql(school_id, buckets[0][0], buckets[-1][0])
            cursor.execute(sql, params)
            written = max(int(cursor.rowcount), 0)
            # After an error the rollback drops the table with everything else.
            cursor.execute(f"DROP TABLE {temporary(DAY_TABLE)}")
    return written


def pupil_days_update(*, school_id: int, date: dt.date) -> int:
    """Bring one day up to date (the daily run, for the school day just ended); the same rows
    a full recompute writes. A date that is not a school day writes nothing."""
    return pupil_days_recompute(school_id=school_id, start=date, end=date)


def day_buckets(days: Sequence[dt.date], *, start: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(calendar date, the school day it counts on) for the school days from `start` on.

    `days` are the school days in order, beginning early enough to know the school day before
    `start` (CARRY_DAYS earlier is enough: older ones would not change anything).
    """
    buckets: list[tuple[dt.date, dt.date]] = []
    previous: dt.date | None = None
    for day in days:
        if day >= start:
            first = day - dt.timedelta(CARRY_DAYS - 1)
            if previous is not None and previous >= first:
                first = previous + ONE_DAY
            calendar_day = first
            while calendar_day <= day:
                buckets.append((calendar_day, day))
                calendar_day += ONE_DAY
        previous = day
    return buckets


DAY_TABLE = "sw_fact_days"


def _day_table_create(cursor: Any, buckets: list[tuple[dt.date, dt.date]]) -> None:
    """A temporary table (day, school_day): which school day each calendar day counts on."""
    adapt = connection.ops.adapt_datefield_value
    cursor.execute(f"DROP TABLE IF EXISTS {temporary(DAY_TABLE)}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {DAY_TABLE} (day date PRIMARY KEY, school_day date NOT NULL)"
    )
    cursor.executemany(
        f"INSERT INTO {DAY_TABLE} (day, school_day) VALUES (%s, %s)",
        [(adapt(day), adapt(school_day)) for day, school_day in buckets],
    )
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {DAY_TABLE}")  # temporary tables are never auto-analysed


def _insert_sql(school_id: int, first: dt.date, last: dt.date) -> tuple[str, list[Any]]:
    low, high = (
        connection.ops.adapt_datefield_value(first),
        connection.ops.adapt_datefield_value(last),
    )
    branches = []
    params: list[Any] = []
    for branch_sql, branch_params in (
        _attendance(school_id, low, high),
        _activity(school_id, low, high),
        _homework(school_id, low, high),
        *_messages(school_id, first, last),
    ):
        branches.append(branch_sql)
        params += branch_params
    sums = ", ".join(f"SUM({name})" for name in FACT_FIELDS)
    columns = ", ".join(quote(name) for name in ("school_id", "pupil_id", "date", *FACT_FIELDS))
    sql = (
        f"INSERT INTO {table_of(PupilDay)} ({columns}) "
        f"SELECT {int(school_id)}, pupil_id, school_day, {sums} "
        f"FROM ({' UNION ALL '.join(branches)}) facts GROUP BY pupil_id, school_day"
    )
    return sql, params


def _row(pupil: str, counts: dict[str, str]) -> str:
    """The SELECT list of one branch: pupil, school day, then every fact (0 unless given)."""
    facts = ", ".join(f"{counts.get(name, '0')} AS {name}" for name in FACT_FIELDS)
    return f"SELECT {pupil} AS pupil_id, d.school_day AS school_day, {facts}"


def _is(column: str, *values: str) -> str:
    listed = ", ".join(sorted(f"'{value}'" for value in values))  # our enum values, not input
    return f"CASE WHEN {column} IN ({listed}) THEN 1 ELSE 0 END"


# Each branch reads its signals once, by the (school, date) index, and looks the day up in the
# small table of days. "CROSS JOIN" is how SQLite is told that order (left is the outer loop);
# PostgreSQL treats it as an ordinary join and plans it freely.


def _attendance(school_id: int, low: Any, high: Any) -> tuple[str, list[Any]]:
    category = "a.category"
    counts = {
        "sessions_possible": _is(category, *ATTENDANCE, *ABSENCE),
        "sessions_present": _is(category, *ATTENDANCE),
        "sessions_authorised": _is(category, AttendanceCategory.AUTHORISED),
        "sessions_unauthorised": _is(category, AttendanceCategory.UNAUTHORISED),
    }
    sql = (
        f"{_row('a.pupil_id', counts)} FROM {table_of(AttendanceMark)} a CROSS JOIN {DAY_TABLE} d "
        "WHERE d.day = a.date AND d.day = d.school_day "  # marks on school days only
        "AND a.school_id = %s AND a.date >= %s AND a.date <= %s"
    )
    return sql, [school_id, low, high]


def _activity(school_id: int, low: Any, high: Any) -> tuple[str, list[Any]]:
    counts = {
        "logins": _is("e.kind", ActivityKind.LOGIN),
        "lessons": _is("e.kind", ActivityKind.LESSON),
        "activities": _is("e.kind", ActivityKind.LAUNCHED, ActivityKind.COMPLETED),
    }
    sql = (
        f"{_row('e.pupil_id', counts)} FROM {table_of(ActivityEvent)} e CROSS JOIN {DAY_TABLE} d "
        "WHERE d.day = e.date AND e.school_id = %s AND e.date >= %s AND e.date <= %s"
    )
    return sql, [school_id, low, high]


def _homework(school_id: int, low: Any, high: Any) -> tuple[str, list[Any]]:
    counts = {
        "homework_due": "1",
        "homework_on_time": _is("s.status", HomeworkStatus.ON_TIME),
        "homework_late": _is("s.status", HomeworkStatus.LATE),
        "homework_missing": _is("s.status", HomeworkStatus.MISSING),
    }
    sql = (
        f"{_row('s.pupil_id', counts)} FROM {table_of(Homework)} h CROSS JOIN {DAY_TABLE} d "
        f"JOIN {table_of(HomeworkSubmission)} s ON s.homework_id = h.id "
        "WHERE d.day = h.due_on AND h.school_id = %s AND h.due_on >= %s AND h.due_on <= %s"
    )
    return sql, [school_id, low, high]


def _messages(school_id: int, low: dt.date, high: dt.date) -> list[tuple[str, list[Any]]]:
    """Sent, read and answered, each on the school-local date it happened."""
    since = timezone.make_aware(dt.datetime.combine(low, dt.time.min), local_zone())
    until = timezone.make_aware(dt.datetime.combine(high + ONE_DAY, dt.time.min), local_zone())
    branches = []
    for moment, fact in (
        ("sent_at", "messages_sent"),
        ("read_at", "messages_read"),
        ("replied_at", "messages_answered"),
    ):
        happened: QuerySet[Any] = (
            FamilyMessage.objects.filter(
                school_id=school_id, **{f"{moment}__gte": since, f"{moment}__lt": until}
            )
            .annotate(day=TruncDate(moment, tzinfo=local_zone()))
            .values_list("pupil_id", "day")
        )
        inner, params = happened.query.sql_with_params()
        branches.append(
            (
                f"{_row('m.pupil_id', {fact: '1'})} FROM ({inner}) m "
                f"CROSS JOIN {DAY_TABLE} d WHERE d.day = m.day",
                list(params),
            )
        )
    return branches


# --- Reading -------------------------------------------------------------------------------


def pupil_day_series(
    *, school_id: int, pupil_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, list[DayFacts]]:
    """Each pupil's facts for every school day from start to end, oldest first, zero-filled.

    One query. Days that are not school days (weekends, holidays, closures) are not in it.
    """
    days = school_days(school_id=school_id, start=start, end=end)
    wanted = list(dict.fromkeys(pupil_ids))
    series = {pupil_id: [DayFacts(day) for day in days] for pupil_id in wanted}
    if not days or not wanted:
        return series
    position = {day: n for n, day in enumerate(days)}
    rows = PupilDay.objects.filter(school_id=school_id, date__gte=days[0], date__lte=days[-1])
    if len(wanted) <= 500:  # a long IN list costs more than reading the school's rows
        rows = rows.filter(pupil_id__in=wanted)
    for pupil_id, day, *counts in rows.values_list("pupil_id", "date", *FACT_FIELDS).iterator(
        chunk_size=5000
    ):
        pupil_series = series.get(pupil_id)
        n = position.get(day)
        if pupil_series is not None and n is not None:
            pupil_series[n] = DayFacts(day, *counts)
    return series


def last_school_days(*, school_id: int, until: dt.date, count: int) -> list[dt.date]:
    """The `count` school days ending on or before `until`, oldest first (fewer if the
    calendar does not reach back so far)."""
    span = dt.timedelta(days=count * 7 // 5 + 21)
    while True:
        days = school_days(school_id=school_id, start=until - span, end=until)
        if len(days) >= count or span.days > 3 * 366:
            return days[-count:] if count else []
        span *= 2


def signal_date_range(*, school_id: int) -> tuple[dt.date, dt.date] | None:
    """The first and last day any signal of the school falls on, or None if it has none."""
    dates: list[dt.date] = []
    for model, column in (
        (AttendanceMark, "date"),
        (ActivityEvent, "date"),
        (Homework, "due_on"),
    ):
        rows = model.objects.filter(school_id=school_id)
        found = rows.aggregate(first=Min(column), last=Max(column))
        dates += [day for day in found.values() if day is not None]
    sent = FamilyMessage.objects.filter(school_id=school_id).aggregate(
        first=Min("sent_at"), last=Max("sent_at"), read=Max("read_at"), replied=Max("replied_at")
    )
    dates += [local_date(moment) for moment in sent.values() if moment is not None]
    return (min(dates), max(dates)) if dates else None
