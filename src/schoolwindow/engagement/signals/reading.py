"""Reading one signal CSV: the school and pupil each row names, and its values, checked.

Every problem is a RowProblem naming file, line and column (connectors.errors), so whoever
holds the file can fix it. Values that repeat down a file (dates, codes, schools) are parsed
once and remembered: a county's register has millions of rows but only a few hundred dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models.functions import Upper

from schoolwindow.connectors.csvio import CsvTable, Getter
from schoolwindow.connectors.errors import FileProblem
from schoolwindow.connectors.oneroster.spec import parse_date
from schoolwindow.connectors.plaincsv.columns import FALSE_WORDS, TRUE_WORDS, UPN_RE
from schoolwindow.engagement.signals.staging import date_adapter, datetime_adapter, pause_copies
from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import School

Row = list[str]


@cache
def local_zone() -> ZoneInfo:
    """Schools' local time: the date a log-in "happened on" is the date in this zone."""
    return ZoneInfo(settings.TIME_ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_zone()).date()


@dataclass
class DateSpan:
    first: dt.date
    last: dt.date

    def include(self, day: dt.date) -> None:
        if day < self.first:
            self.first = day
        elif day > self.last:
            self.last = day


@dataclass
class Touched:
    """The days each school's signals fall on: the daily facts to bring up to date."""

    spans: dict[int, DateSpan] = field(default_factory=dict)

    def add(self, school_id: int, day: dt.date) -> None:
        span = self.spans.get(school_id)
        if span is None:
            self.spans[school_id] = DateSpan(day, day)
        else:
            span.include(day)


class Moments:
    """Reads ISO 8601 date-times, fast: a county's activity file has tens of millions."""

    def __init__(self) -> None:
        self.zone = local_zone()
        self._fixed: dict[dt.timedelta | None, dt.tzinfo] = {}

    def parse(self, value: str) -> tuple[dt.datetime, dt.date]:
        """(the instant, its school-local date); without an offset the time is local.
        ValueError if it is not a date-time."""
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            return moment, moment.astimezone(self.zone).date()
        # Attaching the zone itself is slow; the fixed offset it has at that moment is not.
        offset = self.zone.utcoffset(moment)
        fixed = self._fixed.get(offset)
        if fixed is None:
            fixed = self._fixed[offset] = dt.timezone(offset) if offset is not None else dt.UTC
        return moment.replace(tzinfo=fixed), moment.date()


class SignalFile:
    """One CSV of one kind of signal, read row by row with its values checked."""

    def __init__(self, table: CsvTable, *, school_urn: str | None, required: tuple[str, ...]):
        self.table = table
        self.problem = table.problem
        table.require(*required)
        if not school_urn:
            table.require("school_urn")
        self.school_urn = school_urn
        self.schools = {school.urn: school.pk for school in School.objects.only("pk", "urn")}
        if school_urn and school_urn not in self.schools:
            raise FileProblem(table.name, f"no school has URN {school_urn}")
        self._pupils: dict[int, dict[str, int]] = {}
        self._dates: dict[str, dt.date] = {}
        self._getters: dict[str, Getter] = {}
        self.touched = Touched()
        self.rows_read = 0
        self.rows_skipped = 0
        self.repeats = 0  # rows that repeat an earlier row exactly, kept once
        self.adapt_date = date_adapter()
        self.adapt_datetime = datetime_adapter()
        self.moments = Moments()
        # Files come grouped by school: remember the last school and its pupils.
        self._urn, self._upn = table.getter("school_urn"), table.getter("upn")
        self._last_urn: str | None = None
        self._last_school: int | None = None
        self._pupil_school: int | None = None
        self._pupil_map: dict[str, int] = {}

    def rows(self) -> Iterator[tuple[int, Row]]:
        """The data rows from the top, counted afresh (the bulk path may read a file twice)."""
        self.rows_read = self.rows_skipped = self.repeats = 0
        return self.table.rows()

    def get(self, column: str) -> Getter:
        getter = self._getters.get(column)
        if getter is None:
            getter = self._getters[column] = self.table.getter(column)
        return getter

    # --- who -----------------------------------------------------------------------------

    def school_id(self, line: int, row: Row) -> int | None:
        """The row's school, or None when the import is for another school (row skipped)."""
        self.rows_read += 1
        urn = self._urn(row) or self.school_urn or ""
        if urn != self._last_urn:
            self._last_school = self._school_of(line, urn)
            self._last_urn = urn
        if self._last_school is None:
            self.rows_skipped += 1
        return self._last_school

    def _school_of(self, line: int, urn: str) -> int | None:
        if self.school_urn and urn != self.school_urn:
            return None
        school_id = self.schools.get(urn)
        if school_id is None:
            if not urn:
                raise self.problem(line, "school_urn", "is required (or give --school URN)")
            raise self.problem(line, "school_urn", f"no school has URN {urn}")
        return school_id

    def pupils_of(self, school_id: int) -> dict[str, int]:
        pupils = self._pupils.get(school_id)
        if pupils is None:
            pause_copies()
            pupils = self._pupils[school_id] = dict(
                Pupil.objects.filter(school_id=school_id)
                .exclude(upn="")
                .annotate(key=Upper("upn"))
                .values_list("key", "pk")
            )
        return pupils

    def pupil_id(self, line: int, row: Row, school_id: int) -> int:
        if school_id != self._pupil_school:
            self._pupil_school, self._pupil_map = school_id, self.pupils_of(school_id)
        upn = self._upn(row).upper()
        pupil_id = self._pupil_map.get(upn)
        if pupil_id is not None:
            return pupil_id
        column = "upn"
        if not upn:
            raise self.problem(line, column, "is required")
        if not UPN_RE.match(upn):
            raise self.problem(line, column, f"'{upn}' is not a UPN (a letter and 12 more)")
        raise self.problem(line, column, f"no pupil at this school has UPN {upn}")

    # --- values --------------------------------------------------------------------------

    def text(self, line: int, row: Row, column: str, limit: int, *, required: bool = False) -> str:
        value = self.get(column)(row)
        if required and not value:
            raise self.problem(line, column, "is required")
        if len(value) > limit:
            raise self.problem(line, column, f"is longer than {limit} characters")
        return value

    def date(self, line: int, row: Row, column: str) -> dt.date | None:
        value = self.get(column)(row)
        if not value:
            return None
        day = self._dates.get(value)
        if day is None:
            try:
                day = self._dates[value] = parse_date(value)
            except ValueError as exc:
                raise self.problem(line, column, str(exc)) from None
        return day

    def required_date(self, line: int, row: Row, column: str) -> dt.date:
        day = self.date(line, row, column)
        if day is None:
            raise self.problem(line, column, "is required (a date written YYYY-MM-DD)")
        return day

    def moment(self, line: int, row: Row, column: str) -> dt.datetime | None:
        """An ISO 8601 date-time; without an offset it is school-local time."""
        value = self.get(column)(row)
        if not value:
            return None
        try:
            return self.moments.parse(value)[0]
        except ValueError:
            raise self.problem(
                line, column, f"'{value}' is not a date-time like 2026-09-01T08:15:00Z"
            ) from None

    def required_moment_and_day(
        self, line: int, row: Row, column: str
    ) -> tuple[dt.datetime, dt.date]:
        """An ISO 8601 date-time (aware) and its school-local date."""
        value = self.get(column)(row)
        try:
            return self.moments.parse(value)
        except ValueError:
            if not value:
                message = "is required (a date-time like 2026-09-01T08:15Z)"
            else:
                message = f"'{value}' is not a date-time like 2026-09-01T08:15:00Z"
            raise self.problem(line, column, message) from None

    def decimal(self, line: int, row: Row, column: str) -> Decimal | None:
        value = self.get(column)(row)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise self.problem(line, column, f"'{value}' is not a number") from None
        if not number.is_finite() or number < 0 or number >= 100_000:
            raise self.problem(line, column, f"'{value}' should be between 0 and 99999.99")
        return number.quantize(Decimal("0.01"))

    def flag(self, line: int, row: Row, column: str) -> bool:
        value = self.get(column)(row).lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        raise self.problem(line, column, f"'{value}' should be yes or no")

    def choice(self, line: int, row: Row, column: str, allowed: dict[str, str]) -> str:
        raw = self.get(column)(row)
        value = allowed.get(raw.lower())
        if value is None:
            shown = ", ".join(sorted(key for key in allowed if key))
            raise self.problem(line, column, f"'{raw}' is not one of: {shown}")
        return value
