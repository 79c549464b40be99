"""The demo trust's calendars: last year (for backtests) and this year, in England's pattern.

Three terms a year; half-term weeks, bank holidays and five INSET days are stored as closures,
that is weekdays inside a term when pupils are not expected in school.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from schoolwindow.schools.models import ClosureKind


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


YEARS: tuple[YearCalendar, ...] = (
    YearCalendar(
        name="2025/26",
        start=d("2025-09-01"),
        end=d("2026-08-31"),
        terms=(
            TermDates("Autumn", d("2025-09-03"), d("2025-12-19")),
            TermDates("Spring", d("2026-01-05"), d("2026-03-27")),
            TermDates("Summer", d("2026-04-13"), d("2026-07-22")),
        ),
        half_terms=(
            (d("2025-10-27"), d("2025-10-31"), "Autumn half-term"),
            (d("2026-02-16"), d("2026-02-20"), "Spring half-term"),
            (d("2026-05-26"), d("2026-05-29"), "Summer half-term"),
        ),
        bank_holidays=(
            (d("2026-05-04"), "Early May bank holiday"),
            (d("2026-05-25"), "Spring bank holiday"),
        ),
        inset={
            "primary": (
                d("2025-09-03"),
                d("2025-09-04"),
                d("2025-11-03"),
                d("2026-01-05"),
                d("2026-07-22"),
            ),
            "secondary": (
                d("2025-09-03"),
                d("2025-09-04"),
                d("2026-01-05"),
                d("2026-06-01"),
                d("2026-07-22"),
            ),
        },
    ),
    YearCalendar(
        name="2026/27",
        start=d("2026-09-01"),
        end=d("2027-08-31"),
        terms=(
            TermDates("Autumn", d("2026-09-02"), d("2026-12-18")),
            TermDates("Spring", d("2027-01-05"), d("2027-03-26")),
            TermDates("Summer", d("2027-04-12"), d("2027-07-21")),
        ),
        half_terms=(
            (d("2026-10-26"), d("2026-10-30"), "Autumn half-term"),
            (d("2027-02-15"), d("2027-02-19"), "Spring half-term"),
            (d("2027-06-01"), d("2027-06-04"), "Summer half-term"),
        ),
        bank_holidays=(
            (d("2027-03-26"), "Good Friday"),
            (d("2027-05-03"), "Early May bank holiday"),
            (d("2027-05-31"), "Spring bank holiday"),
        ),
        inset={
            "primary": (
                d("2026-09-02"),
                d("2026-09-03"),
                d("2026-11-02"),
                d("2027-01-05"),
                d("2027-07-21"),
            ),
            "secondary": (
                d("2026-09-02"),
                d("2026-09-03"),
                d("2027-01-05"),
                d("2027-06-07"),
                d("2027-07-21"),
            ),
        },
    ),
)

CURRENT_YEAR = "2026/27"

# The demo stands at 8 a.m. on this Monday, before the registers are taken: its engagement
# history runs from the first day of 2025/26 to the school day before (Friday 20 November 2026),
# and the early-warning flags are evaluated for this date, as the worker's morning run would.
# One fixed date keeps the demo deterministic; change it here and everything follows.
DEMO_TODAY = d("2026-11-23")
HISTORY_START = d("2025-09-01")


def closures_for(year: YearCalendar, phase: str) -> list[tuple[dt.date, str, str]]:
    """(date, kind, reason) for every weekday inside a term when pupils are not in school."""
    days: dict[dt.date, tuple[str, str]] = {}
    for start, end, reason in year.half_terms:
        day = start
        while day <= end:
            days[day] = (ClosureKind.HOLIDAY, reason)
            day += dt.timedelta(days=1)
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
