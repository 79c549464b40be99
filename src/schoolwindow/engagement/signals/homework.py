"""Homework set, and what each pupil did with it.

Columns: school_urn, homework_id, title, subject, group (optional: a class's code, source id or
name), set_on, due_on, max_score (optional), then per pupil: upn, status (on_time, late,
missing or set) or submitted_at, score (optional). One row per pupil per piece of homework;
the homework's own columns repeat on each row and must agree. A row with no upn records the
homework alone.

Without a status, a submission on or before the due date (school-local) is on time, after it
late; no submission is missing once the due date has passed, else still set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models.functions import Lower
from django.utils import timezone

from schoolwindow.engagement.models import Homework, HomeworkStatus, HomeworkSubmission
from schoolwindow.engagement.signals.reading import Row, SignalFile, local_date
from schoolwindow.engagement.signals.staging import (
    DuplicateKey,
    MergeCounts,
    Stage,
    Upsert,
    column_type,
    merge,
    pause_copies,
    quote,
    stage_columns,
    table_of,
)
from schoolwindow.schools.models import Group

LABEL = "homework"
SUBMISSIONS_LABEL = "homework submissions"
REQUIRED = ("homework_id", "title", "set_on", "due_on")
STATUSES: dict[str, str] = {
    **{status.value: status.value for status in HomeworkStatus},
    "on time": HomeworkStatus.ON_TIME.value,
    "not handed in": HomeworkStatus.MISSING.value,
}
HOMEWORK_COLUMNS = (
    "school_id",
    "source_id",
    "title",
    "subject",
    "group_id",
    "set_on",
    "due_on",
    "max_score",
)
HOMEWORK_UPSERT = Upsert(
    model=Homework,
    columns=HOMEWORK_COLUMNS,
    key=("school_id", "source_id"),
    compare=HOMEWORK_COLUMNS[2:],
)
SUBMISSION_COLUMNS = ("school_id", "homework_id", "pupil_id", "status", "submitted_at", "score")


def submission_upsert(stage: Stage) -> Upsert:
    # Staged rows name their homework by the school's id for it; the join finds our row.
    homework = table_of(Homework)
    return Upsert(
        model=HomeworkSubmission,
        columns=SUBMISSION_COLUMNS,
        key=("school_id", "homework_id", "pupil_id"),
        compare=("status", "submitted_at", "score"),
        source=(
            f"SELECT s.school_id, h.id AS homework_id, s.pupil_id, s.status, s.submitted_at, "
            f"s.score FROM {stage.table} s JOIN {homework} h "
            f"ON h.{quote('school_id')} = s.school_id AND h.{quote('source_id')} = s.homework"
        ),
    )


@dataclass
class HomeworkRow:
    line: int
    values: tuple[Any, ...]  # HOMEWORK_COLUMNS[2:] as read (dates and numbers unadapted)
    due_on: dt.date
    max_score: Decimal | None


def load(reader: SignalFile, *, now: Any) -> dict[str, MergeCounts]:
    homework_stage = stage_columns(Homework, HOMEWORK_COLUMNS)
    submission_stage = [
        ("line", "integer"),
        ("school_id", "bigint"),
        ("homework", column_type(Homework, "source_id")),
        ("pupil_id", "bigint"),
        *[(c, column_type(HomeworkSubmission, c)) for c in ("status", "submitted_at", "score")],
    ]
    with (
        Stage("sw_stage_homework", homework_stage) as pieces,
        Stage("sw_stage_submission", submission_stage) as submissions,
    ):
        homework = _stage_submissions(reader, submissions)
        submissions.finish()  # one COPY at a time on a connection
        for (school_id, source_id), piece in homework.items():
            values = list(piece.values)
            values[3] = reader.adapt_date(values[3])  # set_on
            values[4] = reader.adapt_date(values[4])  # due_on
            pieces.add((piece.line, school_id, source_id, *values))
        pieces.finish()
        homework_counts = merge(pieces, HOMEWORK_UPSERT, now=now, duplicate_key=("line",))
        try:
            submission_counts = merge(
                submissions,
                submission_upsert(submissions),
                now=now,
                duplicate_key=("school_id", "homework", "pupil_id"),
            )
        except DuplicateKey as duplicate:
            raise reader.problem(
                duplicate.repeat,
                "upn",
                f"this pupil and homework are also on line {duplicate.first}",
            ) from None
    return {LABEL: homework_counts, SUBMISSIONS_LABEL: submission_counts}


def _stage_submissions(reader: SignalFile, stage: Stage) -> dict[tuple[int, str], HomeworkRow]:
    homework: dict[tuple[int, str], HomeworkRow] = {}
    groups = GroupNames()
    today = timezone.localdate()
    get_upn = reader.get("upn")
    for line, row in reader.rows():
        school_id = reader.school_id(line, row)
        if school_id is None:
            continue
        source_id = reader.text(line, row, "homework_id", 128, required=True)
        piece = _homework_row(reader, line, row, groups.group_id(reader, line, row, school_id))
        known = homework.setdefault((school_id, source_id), piece)
        if known is not piece:
            _check_same(reader, line, known, piece)
        reader.touched.add(school_id, piece.due_on)
        if not get_upn(row):
            continue
        pupil_id = reader.pupil_id(line, row, school_id)
        status, submitted_at = _status(reader, line, row, piece.due_on, today)
        score = reader.decimal(line, row, "score")
        if score is not None and piece.max_score is not None and score > piece.max_score:
            raise reader.problem(line, "score", f"{score} is more than max_score {piece.max_score}")
        moment = reader.adapt_datetime(submitted_at) if submitted_at else None
        stage.add((line, school_id, source_id, pupil_id, status, moment, score))
    return homework


def _homework_row(reader: SignalFile, line: int, row: Row, group_id: int | None) -> HomeworkRow:
    set_on = reader.required_date(line, row, "set_on")
    due_on = reader.required_date(line, row, "due_on")
    if due_on < set_on:
        raise reader.problem(line, "due_on", f"{due_on} is before set_on {set_on}")
    max_score = reader.decimal(line, row, "max_score")
    values = (
        reader.text(line, row, "title", 200, required=True),
        reader.text(line, row, "subject", 120),
        group_id,
        set_on,
        due_on,
        max_score,
    )
    return HomeworkRow(line, values, due_on, max_score)


def _check_same(reader: SignalFile, line: int, known: HomeworkRow, piece: HomeworkRow) -> None:
    for column, first, this in zip(HOMEWORK_COLUMNS[2:], known.values, piece.values, strict=True):
        if first != this:
            name = "group" if column == "group_id" else column
            raise reader.problem(
                line, name, f"this homework has a different {name} on line {known.line}"
            )


def _status(
    reader: SignalFile, line: int, row: Row, due_on: dt.date, today: dt.date
) -> tuple[str, dt.datetime | None]:
    submitted_at = reader.moment(line, row, "submitted_at")
    written = reader.get("status")(row)
    if written:
        return reader.choice(line, row, "status", STATUSES), submitted_at
    if submitted_at is not None:
        on_time = local_date(submitted_at) <= due_on
        return (HomeworkStatus.ON_TIME if on_time else HomeworkStatus.LATE).value, submitted_at
    return (HomeworkStatus.MISSING if due_on < today else HomeworkStatus.SET).value, None


class GroupNames:
    """A school's classes by source id, code or (any case) name, loaded when first needed."""

    def __init__(self) -> None:
        self._by_school: dict[int, dict[str, int]] = {}

    def group_id(self, reader: SignalFile, line: int, row: Row, school_id: int) -> int | None:
        written = reader.get("group")(row)
        if not written:
            return None
        names = self._by_school.get(school_id)
        if names is None:
            names = self._by_school[school_id] = self._load(school_id)
        group_id = names.get(written) or names.get(written.lower())
        if group_id is None:
            raise reader.problem(line, "group", f"no class at this school is called '{written}'")
        return group_id

    @staticmethod
    def _load(school_id: int) -> dict[str, int]:
        pause_copies()
        groups = Group.objects.filter(school_id=school_id)
        names: dict[str, int] = {}
        for pk, name in groups.annotate(lower=Lower("name")).values_list("pk", "lower"):
            names.setdefault(name, pk)
        for pk, code in groups.exclude(code="").values_list("pk", "code"):
            names[code] = pk
        for pk, source_id in groups.exclude(source_id="").values_list("pk", "source_id"):
            names[source_id] = pk
        return names
