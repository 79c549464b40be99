"""Online activity: log-ins, online lessons attended, learning activities opened and completed.

Columns: school_urn, upn, occurred_at (ISO 8601; without an offset it is school-local time),
kind (login, lesson, launched, completed), source (optional: which platform), event_id
(optional). An event is something that happened: once stored it is not changed. Its identity
is the event_id, or — when the file has none — the pupil, the instant, the kind and the source
together, so the same file imported twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

from schoolwindow.engagement.models import ActivityEvent, ActivityKind
from schoolwindow.engagement.signals import staging
from schoolwindow.engagement.signals.reading import SignalFile
from schoolwindow.engagement.signals.staging import MergeCounts, Stage, Upsert, stage_columns

LABEL = "activity events"
REQUIRED = ("upn", "occurred_at", "kind")
KINDS: dict[str, str] = {
    **{kind.value: kind.value for kind in ActivityKind},
    "log-in": ActivityKind.LOGIN.value,
    "logged-in": ActivityKind.LOGIN.value,
    "attended": ActivityKind.LESSON.value,
    "started": ActivityKind.LAUNCHED.value,
    "opened": ActivityKind.LAUNCHED.value,
    "submitted": ActivityKind.COMPLETED.value,
}
COLUMNS = ("school_id", "pupil_id", "occurred_at", "date", "kind", "source", "external_id")
UPSERT = Upsert(
    model=ActivityEvent,
    columns=COLUMNS,
    key=("school_id", "external_id"),
    update=False,
)
EVENT_ID_LIMIT = 64
RECENT_IDS = 100_000


def derived_event_id(instant: dt.datetime, pupil_id: int, kind: str, source: str) -> str:
    """A stable id for an event the file gave none: the same facts give the same id.

    It is those facts themselves, the instant first (in microseconds since 1970, so a day's
    new events sit together at the end of the unique index and a county loads quickly).
    """
    micros = round(instant.timestamp() * 1_000_000)
    event_id = f"t{micros}.{pupil_id}.{kind}.{source}"
    if len(event_id) > EVENT_ID_LIMIT:  # a long source name: keep a digest of it
        digest = hashlib.blake2b(source.encode(), digest_size=8).hexdigest()
        event_id = f"t{micros}.{pupil_id}.{kind}.#{digest}"
    return event_id


def load(reader: SignalFile, *, now: Any) -> dict[str, MergeCounts]:
    with Stage("sw_stage_activity", stage_columns(ActivityEvent, COLUMNS)) as stage:
        # Repeats of one event (in the file or already stored) are the same event: kept once.
        counts = staging.load(lambda: _rows(reader), stage, UPSERT, now=now)
    counts.unchanged += reader.repeats
    return {LABEL: counts}


def _rows(reader: SignalFile) -> Iterator[tuple[Any, ...]]:
    get_kind, get_source, get_id = reader.get("kind"), reader.get("source"), reader.get("event_id")
    school_of, pupil_of = reader.school_id, reader.pupil_id
    moment_of, touched = reader.required_moment_and_day, reader.touched
    adapt_date, adapt_moment = reader.adapt_date, reader.adapt_datetime
    days: dict[dt.date, Any] = {}
    # Platforms log some events twice. Dropping repeats seen lately keeps the fast append
    # path open (a repeat would stop it); any that slip through are merged away later.
    recent: set[str] = set()
    for line, row in reader.rows():
        school_id = school_of(line, row)
        if school_id is None:
            continue
        pupil_id = pupil_of(line, row, school_id)
        moment, day = moment_of(line, row, "occurred_at")
        kind = KINDS.get(get_kind(row).lower())
        if kind is None:
            shown = ", ".join(kind.value for kind in ActivityKind)
            raise reader.problem(line, "kind", f"'{get_kind(row)}' is not one of: {shown}")
        source = get_source(row)
        if len(source) > 64:
            raise reader.problem(line, "source", "is longer than 64 characters")
        event_id = get_id(row)
        if len(event_id) > EVENT_ID_LIMIT:
            raise reader.problem(line, "event_id", f"is longer than {EVENT_ID_LIMIT} characters")
        if not event_id:
            event_id = derived_event_id(moment, pupil_id, kind, source)
        if event_id in recent:
            reader.repeats += 1
            continue
        if len(recent) >= RECENT_IDS:
            recent.clear()
        recent.add(event_id)
        stored_day = days.get(day)
        if stored_day is None:
            stored_day = days[day] = adapt_date(day)
        touched.add(school_id, day)
        yield (line, school_id, pupil_id, adapt_moment(moment), stored_day, kind, source, event_id)
