"""Helpers for the signal, xAPI and daily-facts tests: a school with a calendar, CSV files."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import AcademicYear, Closure, School, Term
from tests.factories import PupilFactory, SchoolFactory

TERM_START = dt.date(2025, 9, 1)  # a Monday
TERM_END = dt.date(2025, 10, 24)  # a Friday


def school_with_term(
    *, start: dt.date = TERM_START, end: dt.date = TERM_END, closures: Iterable[dt.date] = ()
) -> School:
    school = SchoolFactory()
    year = AcademicYear.objects.create(
        school=school, name="2025/26", start=dt.date(2025, 8, 1), end=dt.date(2026, 7, 31)
    )
    Term.objects.create(school=school, academic_year=year, name="Autumn", start=start, end=end)
    for day in closures:
        Closure.objects.create(school=school, date=day, kind="inset")
    return school


def pupils(school: School, count: int) -> list[Pupil]:
    return [PupilFactory(school=school) for _ in range(count)]


def write_csv(
    folder: Path, name: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([["" if value is None else str(value) for value in row] for row in rows])
    return path
