"""The demo trust's calendars, placed around the day the demo is built, in England's pattern.

The demo stands at 8 a.m. on the day it is built (`DemoCalendar.today`, the real date unless a
test passes another): its history runs to the last school day before that, so a school that tries
the demo in March sees March, and no page contradicts the clock it reads. Three academic years are
written: the one before the data's year (last year, for the risk model and the backtest), the
data's year, and the one after (so that in the summer holiday the calendar shows the autumn term
to come).

Each year follows the same rules, which give England's usual dates: three terms with half-term
weeks, bank holidays (Easter's and May's) and five INSET days stored as closures, that is weekdays
inside a term when pupils are not expected in school.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from schoolwindow.schools.models import ClosureKind

ONE_DAY = dt.timedelta(days=1)
# The data's year must have this many school days before the demo's today; in its first days
# (early September) the demo's data is last year's, to the end of the summer term.
MIN_DAYS_THIS_YEAR = 10
PHASES = ("primary", "secondary")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass(frozen=True)
class TermDates:
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class YearCalendar:
    name: str
    start: dt.date
    end: dt.date
    terms: tuple[TermDates, ...]
    half_terms: tuple[tuple[dt.date, dt.date, str], ...]
    bank_holidays: tuple[tuple[dt.date, str], ...]
    # phase ("primary" / "secondary") → INSET days
    inset: dict[str, tuple[dt.date, ...]]


def weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def weekday_on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def easter_sunday(year: int) -> dt.date:
    """Easter in the Gregorian calendar (the anonymous algorithm, after Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d_, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d_ - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def year_calendar(first_year: int) -> YearCalendar:
    """The academic year from 1 September of `first_year`, by England's usual pattern."""
    spring_year = first_year + 1
    autumn_start = weekday_on_or_after(dt.date(first_year, 9, 1), 2)  # the first Wednesday
    autumn_end = weekday_on_or_before(dt.date(first_year, 12, 20), 4)
    october_half = weekday_on_or_before(dt.date(first_year, 10, 27), 0)  # Mon to Fri by 31 Oct
    spring_start = weekday_on_or_after(dt.date(spring_year, 1, 5), 0)
    if dt.date(spring_year, 1, 5).weekday() < 5:
        spring_start = dt.date(spring_year, 1, 5)
    february_half = weekday_on_or_after(dt.date(spring_year, 2, 15), 0)  # the third Monday
    spring_end = weekday_on_or_before(dt.date(spring_year, 3, 31), 4)  # the last Friday
    summer_start = spring_end + dt.timedelta(days=17)
    early_may = weekday_on_or_after(dt.date(spring_year, 5, 1), 0)
    late_may = weekday_on_or_before(dt.date(spring_year, 5, 31), 0)
    summer_end = weekday_on_or_before(dt.date(spring_year, 7, 23), 2)
    easter = easter_sunday(spring_year)
    terms = (
        TermDates("Autumn", autumn_start, autumn_end),
        TermDates("Spring", spring_start, spring_end),
        TermDates("Summer", summer_start, summer_end),
    )
    return YearCalendar(
        name=f"{first_year}/{spring_year % 100:02d}",
        start=dt.date(first_year, 9, 1),
        end=dt.date(spring_year, 8, 31),
        terms=terms,
        half_terms=(
            (october_half, october_half + dt.timedelta(days=4), "Autumn half-term"),
            (february_half, february_half + dt.timedelta(days=4), "Spring half-term"),
            (late_may + ONE_DAY, late_may + dt.timedelta(days=4), "Summer half-term"),
        ),
        bank_holidays=(
            (easter - dt.timedelta(days=2), "Good Friday"),
            (easter + ONE_DAY, "Easter Monday"),
            (early_may, "Early May bank holiday"),
            (late_may, "Spring bank holiday"),
        ),
        inset={
            "primary": (
                autumn_start,
                autumn_start + ONE_DAY,
                october_half + dt.timedelta(days=7),
                spring_start,
                summer_end,
            ),
            "secondary": (
                autumn_start,
                autumn_start + ONE_DAY,
                spring_start,
                late_may + dt.timedelta(days=7),
                summer_end,
            ),
        },
    )


def closures_for(year: YearCalendar, phase: str) -> list[tuple[dt.date, str, str]]:
    """(date, kind, reason) for every weekday inside a term when pupils are not in school."""
    days: dict[dt.date, tuple[str, str]] = {}
    for start, end, reason in year.half_terms:
        day = start
        while day <= end:
            days[day] = (ClosureKind.HOLIDAY, reason)
            day += ONE_DAY
    for day, reason in year.bank_holidays:
        days[day] = (ClosureKind.BANK_HOLIDAY, reason)
    for day in year.inset[phase]:
        days[day] = (ClosureKind.INSET, "INSET day (staff training)")
    in_term = [
        (day, kind, reason)
        for day, (kind, reason) in days.items()
        if day.weekday() < 5 and any(term.start <= day <= term.end for term in year.terms)
    ]
    return sorted(in_term)


def year_school_days(year: YearCalendar, phase: str) -> list[dt.date]:
    """The year's school days for one phase, as schools.calendar.school_days will find them."""
    closed = {day for day, _kind, _reason in closures_for(year, phase)}
    days: list[dt.date] = []
    for term in year.terms:
        day = term.start
        while day <= term.end:
            if day.weekday() < 5 and day not in closed:
                days.append(day)
            day += ONE_DAY
    return days


def academic_first_year(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's one clock: the day it stands on, and the years placed around it."""

    today: dt.date
    last_year: YearCalendar = field(init=False)
    this_year: YearCalendar = field(init=False)  # the year the data ends in
    next_year: YearCalendar = field(init=False)

    def __post_init__(self) -> None:
        first = academic_first_year(self.today)
        current = year_calendar(first)
        started = min(
            sum(1 for day in year_school_days(current, phase) if day < self.today)
            for phase in PHASES
        )
        if started < MIN_DAYS_THIS_YEAR:
            first -= 1
        object.__setattr__(self, "last_year", year_calendar(first - 1))
        object.__setattr__(self, "this_year", year_calendar(first))
        object.__setattr__(self, "next_year", year_calendar(first + 1))

    @property
    def morning(self) -> dt.datetime:
        """8 a.m. on today, in the site's time zone: where the demo stands."""
        return timezone.make_aware(dt.datetime.combine(self.today, dt.time(8)))

    @property
    def years(self) -> tuple[YearCalendar, YearCalendar, YearCalendar]:
        return self.last_year, self.this_year, self.next_year

    @property
    def history_start(self) -> dt.date:
        return self.last_year.start

    @property
    def this_year_start(self) -> dt.date:
        return self.this_year.start

    def last_school_day(self, phase: str) -> dt.date:
        """The data's last day for one phase: the last school day before today."""
        days = year_school_days(self.last_year, phase) + year_school_days(self.this_year, phase)
        return max(day for day in days if day < self.today)

    @property
    def data_end(self) -> dt.date:
        """The last school day before today in either school (their INSET days differ)."""
        return max(self.last_school_day(phase) for phase in PHASES)

    def in_term(self, day: dt.date) -> bool:
        return any(term.start <= day <= term.end for year in self.years for term in year.terms)

    def shifted(self, template: dt.date) -> dt.date:
        """A date written for the history that starts in September 2025, moved to the same day
        of the month in the history being built (2025/26 → last year, 2026/27 → this year)."""
        return template.replace(year=template.year + self.history_start.year - 2025)


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Run the services inside as if it were `moment`: they all read django.utils.timezone.now
    (as does every auto_now field), so what they write carries the demo's time."""
    utc = moment.astimezone(dt.UTC)
    with mock.patch.object(timezone, "now", new=lambda: utc):
        yield
