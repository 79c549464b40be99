"""Writing attendance marks by hand (an absence the office confirms), never over one taken.

The register normally arrives from the school's MIS (connectors). When the office confirms an
absence a family reported, the marks are written here: one per session, with the category the
DfE gives the code. A session that already has a mark is not touched unless the caller names it
in `replace` — the person has seen both and chosen — so a register taken in the morning is never
silently overwritten by a report sent the night before. The pupil's daily facts for those days are
recomputed in the same transaction, so the watchlist sees the absence at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import CONFIRM_ABSENCES
from schoolwindow.core.errors import Invalid
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement.codes import CODES, classify, normalise
from schoolwindow.engagement.facts import pupil_days_recompute
from schoolwindow.engagement.models import AttendanceMark

SessionKey = tuple[dt.date, str]


@dataclass(frozen=True)
class TakenMark:
    date: dt.date
    session: str
    code: str


class MarksTaken(Invalid):
    """Some sessions already have a mark; nothing was written. `taken` says which."""

    def __init__(self, taken: list[TakenMark]) -> None:
        super().__init__(
            _("A mark is already in the register for some of these sessions. Choose for each."),
            field="replace",
        )
        self.taken = taken


def marks_taken(
    *, school_id: int, pupil_id: int, sessions: Sequence[SessionKey]
) -> list[TakenMark]:
    """The marks already in the register for these sessions, in order."""
    if not sessions:
        return []
    wanted = set(sessions)
    dates = {day for day, _session in sessions}
    rows = AttendanceMark.objects.filter(
        school_id=school_id, pupil_id=pupil_id, date__in=dates
    ).values_list("date", "session", "code")
    return sorted(
        (TakenMark(day, session, code) for day, session, code in rows if (day, session) in wanted),
        key=lambda mark: (mark.date, mark.session),
    )


def attendance_marks_record(
    *,
    actor: Actor,
    school_id: int,
    pupil_id: int,
    sessions: Sequence[SessionKey],
    code: str,
    replace: Collection[SessionKey] = (),
) -> int:
    """Write `code` for each session; raises MarksTaken (writing nothing) when a session has a
    different mark not named in `replace`. Returns the marks written."""
    actor.require(CONFIRM_ABSENCES, school_id)
    code = normalise(code)
    if code not in CODES:
        raise Invalid(_("Choose a register code from the list."), field="code")
    category = classify(code)
    with transaction.atomic():
        existing = {
            (mark.date, mark.session): mark
            for mark in AttendanceMark.objects.select_for_update().filter(
                school_id=school_id,
                pupil_id=pupil_id,
                date__in={day for day, _session in sessions},
            )
            if (mark.date, mark.session) in set(sessions)
        }
        clash = [
            TakenMark(key[0], key[1], mark.code)
            for key, mark in sorted(existing.items())
            if mark.code != code and key not in set(replace)
        ]
        if clash:
            raise MarksTaken(clash)
        written = 0
        for day, session in sessions:
            mark = existing.get((day, session))
            if mark is not None and mark.code == code:
                continue
            before = mark.code if mark is not None else ""
            if mark is None:
                mark = AttendanceMark.objects.create(
                    school_id=school_id,
                    pupil_id=pupil_id,
                    date=day,
                    session=session,
                    code=code,
                    category=category,
                )
            else:
                mark.code, mark.category = code, category
                mark.save(update_fields=["code", "category", "recorded_at"])
            audit_record(
                actor=actor,
                action="attendance.mark_recorded",
                target=mark,
                detail={"pupil_id": pupil_id, "code": code, "replaced": before},
            )
            written += 1
        if written:
            days = sorted({day for day, _session in sessions})
            pupil_days_recompute(school_id=school_id, start=days[0], end=days[-1])
    return written
