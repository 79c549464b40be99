"""Attendance marks: one row per pupil per session, with the DfE register code.

Columns: school_urn, upn, date, session (AM or PM), code. The natural key is pupil, date and
session: importing a corrected register replaces the code, importing the same one changes
nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from schoolwindow.engagement import codes
from schoolwindow.engagement.models import AttendanceMark, Session
from schoolwindow.engagement.signals import staging
from schoolwindow.engagement.signals.reading import SignalFile
from schoolwindow.engagement.signals.staging import (
    DuplicateKey,
    MergeCounts,
    Stage,
    Upsert,
    stage_columns,
)

LABEL = "attendance marks"
REQUIRED = ("upn", "date", "session", "code")
SESSIONS = {
    "am": Session.AM.value,
    "pm": Session.PM.value,
    "morning": Session.AM.value,
    "afternoon": Session.PM.value,
}
COLUMNS = ("school_id", "pupil_id", "date", "session", "code", "category")
UPSERT = Upsert(
    model=AttendanceMark,
    columns=COLUMNS,
    key=("school_id", "pupil_id", "date", "session"),
    compare=("code", "category"),
    stamp=("recorded_at",),
)


def load(reader: SignalFile, *, now: Any) -> dict[str, MergeCounts]:
    with Stage("sw_stage_attendance", stage_columns(AttendanceMark, COLUMNS)) as stage:
        try:
            counts = staging.load(lambda: _rows(reader), stage, UPSERT, now=now)
        except DuplicateKey as duplicate:
            raise reader.problem(
                duplicate.repeat,
                "session",
                f"the same pupil, date and session are on line {duplicate.first}",
            ) from None
    return {LABEL: counts}


def _rows(reader: SignalFile) -> Iterator[tuple[Any, ...]]:
    get_session, get_code = reader.get("session"), reader.get("code")
    marks: dict[str, tuple[str, str]] = {}  # code as written → (code, category)
    adapted: dict[dt.date, Any] = {}
    touched, adapt = reader.touched, reader.adapt_date
    school_of, pupil_of, date_of = reader.school_id, reader.pupil_id, reader.required_date
    for line, row in reader.rows():
        school_id = school_of(line, row)
        if school_id is None:
            continue
        pupil_id = pupil_of(line, row, school_id)
        day = date_of(line, row, "date")
        session = SESSIONS.get(get_session(row).lower())
        if session is None:
            raise reader.problem(line, "session", f"'{get_session(row)}' should be AM or PM")
        written = get_code(row)
        mark = marks.get(written)
        if mark is None:
            try:
                category = codes.classify(written).value
            except codes.UnknownCode as exc:
                raise reader.problem(line, "code", str(exc)) from None
            mark = marks[written] = (codes.normalise(written), category)
        when = adapted.get(day)
        if when is None:
            when = adapted[day] = adapt(day)
        touched.add(school_id, day)
        yield (line, school_id, pupil_id, when, session, *mark)
