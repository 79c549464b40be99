"""Messages from school to a pupil's family, and whether they were delivered, read, answered.

Columns: school_urn, message_id, upn, guardian_email (optional: which parent or carer of the
pupil), sent_at, delivered_at, read_at, replied_at (date-times, optional but sent_at), and
needs_reply (yes or no, default no). Until the messaging capability records these itself,
a school exports them from its messaging service; importing a later export updates each
message by its id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models.functions import Lower

from schoolwindow.engagement.models import FamilyMessage
from schoolwindow.engagement.signals import staging
from schoolwindow.engagement.signals.reading import Row, SignalFile, local_date
from schoolwindow.engagement.signals.staging import (
    DuplicateKey,
    MergeCounts,
    Stage,
    Upsert,
    pause_copies,
    stage_columns,
)
from schoolwindow.people.models import GuardianLink

LABEL = "family messages"
REQUIRED = ("message_id", "upn", "sent_at")
COLUMNS = (
    "school_id",
    "source_id",
    "pupil_id",
    "guardian_id",
    "sent_at",
    "delivered_at",
    "read_at",
    "replied_at",
    "needs_reply",
)
UPSERT = Upsert(
    model=FamilyMessage,
    columns=COLUMNS,
    key=("school_id", "source_id"),
    compare=COLUMNS[2:],
)
LATER_MOMENTS = ("delivered_at", "read_at", "replied_at")


def load(reader: SignalFile, *, now: Any) -> dict[str, MergeCounts]:
    with Stage("sw_stage_messages", stage_columns(FamilyMessage, COLUMNS)) as stage:
        try:
            counts = staging.load(lambda: _rows(reader), stage, UPSERT, now=now)
        except DuplicateKey as duplicate:
            raise reader.problem(
                duplicate.repeat, "message_id", f"this message is also on line {duplicate.first}"
            ) from None
    return {LABEL: counts}


def _rows(reader: SignalFile) -> Iterator[tuple[Any, ...]]:
    guardians = GuardianEmails()
    adapt = reader.adapt_datetime
    for line, row in reader.rows():
        school_id = reader.school_id(line, row)
        if school_id is None:
            continue
        source_id = reader.text(line, row, "message_id", 128, required=True)
        pupil_id = reader.pupil_id(line, row, school_id)
        guardian_id = guardians.guardian_id(reader, line, row, school_id, pupil_id)
        sent_at, sent_on = reader.required_moment_and_day(line, row, "sent_at")
        later = [_later_moment(reader, line, row, column, sent_at) for column in LATER_MOMENTS]
        reader.touched.add(school_id, sent_on)
        for moment in later:
            if moment is not None:
                reader.touched.add(school_id, local_date(moment))
        yield (
            line,
            school_id,
            source_id,
            pupil_id,
            guardian_id,
            adapt(sent_at),
            *(adapt(moment) if moment else None for moment in later),
            reader.flag(line, row, "needs_reply"),
        )


def _later_moment(
    reader: SignalFile, line: int, row: Row, column: str, sent_at: dt.datetime
) -> dt.datetime | None:
    moment = reader.moment(line, row, column)
    if moment is not None and moment < sent_at:
        raise reader.problem(line, column, f"{moment.isoformat()} is before sent_at")
    return moment


class GuardianEmails:
    """Each pupil's parents and carers by email (any case), per school, loaded once."""

    def __init__(self) -> None:
        self._by_school: dict[int, dict[tuple[int, str], int]] = {}

    def guardian_id(
        self, reader: SignalFile, line: int, row: Row, school_id: int, pupil_id: int
    ) -> int | None:
        email = reader.get("guardian_email")(row).lower()
        if not email:
            return None
        emails = self._by_school.get(school_id)
        if emails is None:
            pause_copies()
            links = GuardianLink.objects.filter(school_id=school_id).exclude(guardian__email="")
            emails = self._by_school[school_id] = {
                (pupil, address): guardian
                for pupil, address, guardian in links.annotate(
                    address=Lower("guardian__email")
                ).values_list("pupil_id", "address", "guardian_id")
            }
        guardian_id = emails.get((pupil_id, email))
        if guardian_id is None:
            raise reader.problem(
                line, "guardian_email", f"no parent or carer of this pupil has email {email}"
            )
        return guardian_id
