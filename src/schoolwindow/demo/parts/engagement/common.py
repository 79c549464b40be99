"""The engagement history's constants and tools: fast row writing, school days, clocks, traits."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Model

from schoolwindow.demo.context import Child
from schoolwindow.engagement import codes
from schoolwindow.engagement.models import ActivityKind
from schoolwindow.people.models import Guardian, Pupil
from schoolwindow.schools.models import School

HISTORY_SEED = 20250901
SOURCE = "Riverside Online"  # the demo's learning platform
CHUNK = 20_000  # rows per INSERT batch
FACTS_CHUNK_DAYS = 10  # school days per pupil_days_recompute call
# A pupil going quiet shows online and in homework first; attendance follows this many school
# days later: the head start an early warning has over the register.
ATTENDANCE_LAG = 10

LOGIN, LESSON = str(ActivityKind.LOGIN), str(ActivityKind.LESSON)
LAUNCHED, COMPLETED = str(ActivityKind.LAUNCHED), str(ActivityKind.COMPLETED)
IN_SCHOOL = frozenset("/\\LBKPVW")  # present or at an approved activity elsewhere

# More illness in winter.
SEASON = {9: 0.8, 10: 1.0, 11: 1.1, 12: 1.35, 1: 1.3, 2: 1.2, 3: 1.05, 4: 0.9, 5: 0.85,
          6: 0.85, 7: 1.0, 8: 1.0}  # fmt: skip

# Days of religious observance in term time, and the communities that mark them (code R), in
# the history that starts in September 2025 (DemoCalendar.shifted moves them to the one built).
OBSERVANCE: tuple[tuple[dt.date, frozenset[str], float], ...] = (
    (dt.date(2025, 10, 20), frozenset({"punjabi"}), 0.3),  # Diwali, Bandi Chhor Divas
    (dt.date(2026, 3, 20), frozenset({"pakistani", "bangladeshi", "arabic", "somali"}), 0.8),
    (dt.date(2026, 4, 14), frozenset({"punjabi"}), 0.5),  # Vaisakhi
)
WORK_EXPERIENCE = (dt.date(2026, 6, 29), dt.date(2026, 7, 3))  # Year 10, last year


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def category_map() -> dict[str, str]:
    """Register code → DfE category for every code, from the one definition."""
    return {code: str(codes.classify(code)) for code in codes.CODES}


# ----------------------------------------------------------------------------- writing rows


class RowWriter:
    """Streams rows into one table in chunks: executemany, or COPY on PostgreSQL."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        meta = model._meta
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        columns = [meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
        self.columns = ", ".join(quote(str(column)) for column in columns)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders})"
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush_if_full(self) -> None:
        """For loops that append to `rows` directly (a method call per row costs seconds)."""
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, self.rows)
        self.count += len(self.rows)
        self.rows.clear()


# ----------------------------------------------------------------------------- the calendar


@dataclass
class Days:
    """One school's school days with everything the loops need precomputed, by index."""

    school: School
    dates: list[dt.date]
    this_year: int  # index of the first school day of the data's year
    db: list[Any] = field(default_factory=list)  # dates as the database wants them
    weekday: list[int] = field(default_factory=list)
    season: list[float] = field(default_factory=list)
    index: dict[dt.date, int] = field(default_factory=dict)
    am_at: list[Any] = field(default_factory=list)  # when the registers were recorded
    pm_at: list[Any] = field(default_factory=list)

    @property
    def last(self) -> int:
        return len(self.dates) - 1


class Clock:
    """School-local minutes on a date → the database's datetime value, cached.

    On SQLite with USE_TZ that value is the naive UTC time as text (what Django's backend
    stores: `str()` of it), made here from the day's UTC offset, which is quicker than asking
    Django a quarter of a million times. School days never straddle a clock change (Sundays).
    """

    def __init__(self) -> None:
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.adapt = connection.ops.adapt_datetimefield_value
        self.cache: dict[tuple[dt.date, int], Any] = {}
        self.offsets: dict[dt.date, int] = {}  # minutes ahead of UTC at noon
        self.as_text = (
            connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone == dt.UTC
        )

    def aware(self, day: dt.date, minute: int) -> dt.datetime:
        minute = max(0, min(minute, 24 * 60 - 1))
        return dt.datetime(
            day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.zone
        )

    def at(self, day: dt.date, minute: int) -> Any:
        key = (day, minute)
        value = self.cache.get(key)
        if value is None:
            if self.as_text:
                offset = self.offsets.get(day)
                if offset is None:
                    noon = self.aware(day, 12 * 60).utcoffset() or dt.timedelta()
                    offset = self.offsets[day] = int(noon.total_seconds()) // 60
                minute = max(0, min(minute, 24 * 60 - 1))
                utc = dt.datetime(day.year, day.month, day.day) + dt.timedelta(
                    minutes=minute - offset
                )
                value = str(utc)
            else:
                value = self.adapt(self.aware(day, minute))
            self.cache[key] = value
        return value

    def db(self, moment: dt.datetime | None) -> Any:
        return None if moment is None else self.adapt(moment)


# ----------------------------------------------------------------------------- pupils


@dataclass
class FamilyTraits:
    z: float
    reads: float  # 0 to 1: how much of what school sends is read
    never_email: bool  # email never opened
    delay: float  # multiplies how long reading takes
    holidays: list[set[dt.date]]  # term-time holiday dates (code G), per year
    stopped_reading: dt.date | None = None


@dataclass
class Contact:
    guardian: Guardian
    channel: str


@dataclass(eq=False)
class Profile:
    child: Child
    pupil: Pupil
    days: Days
    family: FamilyTraits
    contact: Contact | None
    first: int  # index of the first school day with data
    pupil_id: int
    z: float
    severe: list[bool]  # per year: last, this
    absence: list[float]  # per year: share of sessions missed in a normal stretch
    unauthorised: list[float]  # per year: share of that absence unauthorised
    episode: float  # mean length of an absence, in school days
    lateness: float
    online: float  # chance of logging in on a school day
    evenings: float  # share of log-ins from home after school
    diligence: float  # chance a piece of homework is in on time
    longest: int = 15  # the longest absence, in school days
    sporty: bool = False
    alternative_provision: bool = False
    script: str = ""
    # engagement by school-day index, 0 to 1 (None: always 1)
    online_g: list[float] | None = None
    homework_g: list[float] | None = None
    attendance_g: list[float] | None = None
    family_g: list[float] | None = None
    marks: dict[int, tuple[str, str]] = field(default_factory=dict)  # forced register codes
    no_login_from: int | None = None
    logins_forced: set[int] = field(default_factory=set)
    suspended: set[int] = field(default_factory=set)
    homework_forced: dict[str, str] = field(default_factory=dict)  # source_id → status
    extra_messages: list[tuple[int, bool]] = field(default_factory=list)  # (day, needs reply)
    # filled while generating
    away: set[int] = field(default_factory=set)  # days absent all day
    chased: list[int] = field(default_factory=list)  # first days of unexplained absence

    def ordinal_on(self, index: int) -> int:
        return self.child.ordinal - (0 if index >= self.days.this_year else 1)


def curve(length: int, points: Sequence[tuple[int, float]]) -> list[float]:
    """Engagement by day: straight lines between (index, level) points, flat outside them."""
    values = [1.0] * length
    if not points:
        return values
    points = sorted(points)
    for i in range(length):
        if i <= points[0][0]:
            values[i] = points[0][1]
        elif i >= points[-1][0]:
            values[i] = points[-1][1]
        else:
            for (a, va), (b, vb) in itertools.pairwise(points):
                if a <= i <= b:
                    values[i] = va + (vb - va) * (i - a) / max(1, b - a)
                    break
    return values


def lagged(values: list[float], lag: int) -> list[float]:
    return [values[max(0, i - lag)] for i in range(len(values))]


def combine(a: list[float] | None, b: list[float]) -> list[float]:
    return b if a is None else [min(x, y) for x, y in zip(a, b, strict=True)]


# ----------------------------------------------------------------------------- the builder


@dataclass
class HistoryCounts:
    attendance: int = 0
    activity: int = 0
    homework: int = 0
    submissions: int = 0
    messages: int = 0
    pupil_days: int | None = None  # None: engagement.facts not there yet
    flags: int | None = None  # None: engagement.flags not there yet
    risk_models: int = 0
