"""Did it work? The one definition of recovery, as pure functions over daily facts.

Engagement is read from `PupilDay` (through engagement's `pupil_day_series`) with the two
measures the watchlist's trend shows: attendance (sessions present of sessions possible) and
days online (logged in, joined a lesson or opened work: engagement's own `online`).

Recovered: in the N school days after the help began (N set by the school, 15 unless changed),
the pupil attended at least 90% of sessions — the line below which a pupil is persistently
absent — and, where the school records online learning, was online on at least 4 days in 5.
A day away with permission for every session (engagement's `excused`), or one with no facts at
all for the pupil, counts neither way. Fewer than N school days since the help began: too early
to say. No day that counts: not known, and left out of the numbers.

The comparison for a kind of help: pupils flagged on the Monday of a week in which some pupil got
that help, who got none of it while flagged, measured the same way from that Monday. Each pupil
counts once a kind: a helped pupil from their first such help while flagged, a comparison pupil
from the first week they match.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwindow.engagement.flags import has_data
from schoolwindow.engagement.rules import excused, online
from schoolwindow.support.timeline import SupportEntry

DEFAULT_RECOVERY_DAYS = 15
ATTENDANCE_LINE = 0.9  # below 90% a pupil is persistently absent
ONLINE_SHARE = 0.8  # online on at least 4 school days in 5
SMALL_GROUP = 20  # below this, a percentage says little and the page says so


class Result(models.TextChoices):
    RECOVERED = "recovered", _("Recovered")
    NOT_YET = "not_yet", _("Not recovered yet")
    TOO_EARLY = "too_early", _("Too early to say")
    NO_DATA = "no_data", _("Not known")


def counts(day: Any) -> bool:
    """Whether a school day counts: not away with permission all day, and something known."""
    return not excused(day) and has_data(day)


@dataclass(frozen=True)
class Measure:
    result: str  # a Result value
    counted_days: int = 0
    sessions_possible: int = 0
    sessions_present: int = 0
    online_days: int = 0

    @property
    def label(self) -> str:
        return str(Result(self.result).label)

    @property
    def attendance_pct(self) -> float | None:
        if not self.sessions_possible:
            return None
        return 100.0 * self.sessions_present / self.sessions_possible


def measure(
    series: Sequence[Any], *, start: dt.date, days: int, today: dt.date, online_expected: bool
) -> Measure:
    """Recovery over the `days` school days after `start`, from a pupil's series of school-day
    facts (every school day, oldest first, as pupil_day_series gives them). Today's facts are
    not in yet, so only days before today are read. `online_expected`: the school records
    online learning, so days online are part of recovery."""
    first = bisect.bisect_right(series, start, key=lambda day: day.date)
    window = [day for day in series[first : first + days] if day.date < today]
    if len(window) < days:
        return Measure(Result.TOO_EARLY)
    counted = [day for day in window if counts(day)]
    if not counted:
        return Measure(Result.NO_DATA)
    possible = sum(day.sessions_possible for day in counted)
    present = sum(day.sessions_present for day in counted)
    on = sum(1 for day in counted if online(day))
    attended = not possible or present >= ATTENDANCE_LINE * possible
    was_online = not online_expected or on >= ONLINE_SHARE * len(counted)
    return Measure(
        Result.RECOVERED if attended and was_online else Result.NOT_YET,
        counted_days=len(counted),
        sessions_possible=possible,
        sessions_present=present,
        online_days=on,
    )


@dataclass(frozen=True)
class FlagSpan:
    """When a pupil was on the watchlist: from the day the flag opened to the day it was
    resolved (None: still open)."""

    pupil_id: int
    opened_on: dt.date
    closed_on: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or day <= self.closed_on)


def spans_by_pupil(spans: Iterable[FlagSpan]) -> dict[int, list[FlagSpan]]:
    by_pupil: dict[int, list[FlagSpan]] = {}
    for span in spans:
        by_pupil.setdefault(span.pupil_id, []).append(span)
    return by_pupil


def flagged_on(
    spans: Mapping[int, Sequence[FlagSpan]], pupil_id: int, day: dt.date
) -> FlagSpan | None:
    """The pupil's flag open on `day`, if any (`spans` by pupil: `spans_by_pupil`)."""
    return next((s for s in spans.get(pupil_id, ()) if s.covers(day)), None)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Counted:
    """One pupil in one group of one kind: measured from `start`."""

    pupil_id: int
    start: dt.date
    measure: Measure
    entry: SupportEntry | None = None  # the help, for the helped group


@dataclass
class KindOutcome:
    kind: str
    helped: list[Counted] = field(default_factory=list)
    comparison: list[Counted] = field(default_factory=list)

    @staticmethod
    def _known(group: Sequence[Counted]) -> list[Counted]:
        return [c for c in group if c.measure.result in (Result.RECOVERED, Result.NOT_YET)]

    @property
    def helped_n(self) -> int:
        return len(self._known(self.helped))

    @property
    def comparison_n(self) -> int:
        return len(self._known(self.comparison))

    @property
    def helped_recovered(self) -> int:
        return sum(1 for c in self.helped if c.measure.result == Result.RECOVERED)

    @property
    def comparison_recovered(self) -> int:
        return sum(1 for c in self.comparison if c.measure.result == Result.RECOVERED)

    @property
    def helped_pct(self) -> float | None:
        return 100.0 * self.helped_recovered / self.helped_n if self.helped_n else None

    @property
    def comparison_pct(self) -> float | None:
        return 100.0 * self.comparison_recovered / self.comparison_n if self.comparison_n else None

    @property
    def helped_too_early(self) -> int:
        return sum(1 for c in self.helped if c.measure.result == Result.TOO_EARLY)

    @property
    def comparison_too_early(self) -> int:
        return sum(1 for c in self.comparison if c.measure.result == Result.TOO_EARLY)

    @property
    def small(self) -> bool:
        """Either group too small for its percentage to mean much."""
        return self.helped_n < SMALL_GROUP or self.comparison_n < SMALL_GROUP


def kind_outcome(
    kind: str,
    *,
    entries: Sequence[SupportEntry],
    spans: Sequence[FlagSpan],
    series: Mapping[int, Sequence[Any]],
    days: int,
    today: dt.date,
    online_expected: bool,
) -> KindOutcome:
    """The helped and comparison groups of one kind of help. `entries` are every kind's entries
    of the flagged pupils in the period (the comparison needs to know who got this kind)."""
    outcome = KindOutcome(kind=kind)
    spans_of = spans_by_pupil(spans)
    of_kind = sorted((e for e in entries if e.kind == kind), key=lambda e: (e.on, e.ref))
    by_pupil: dict[int, list[SupportEntry]] = {}
    for entry in of_kind:
        by_pupil.setdefault(entry.pupil_id, []).append(entry)
    weeks: set[dt.date] = set()
    for pupil_id, given in by_pupil.items():
        for entry in given:
            if flagged_on(spans_of, pupil_id, entry.on) is not None:
                outcome.helped.append(
                    Counted(
                        pupil_id=pupil_id,
                        start=entry.on,
                        measure=measure(
                            series.get(pupil_id, []),
                            start=entry.on,
                            days=days,
                            today=today,
                            online_expected=online_expected,
                        ),
                        entry=entry,
                    )
                )
                weeks.add(monday(entry.on))
                break
    helped = {c.pupil_id for c in outcome.helped}
    taken: set[int] = set()
    for week in sorted(weeks):
        for span in spans:
            pupil_id = span.pupil_id
            if pupil_id in helped or pupil_id in taken or not span.covers(week):
                continue
            # Got this kind of help at any time while this flag was open: not a comparison.
            if any(span.covers(e.on) for e in by_pupil.get(pupil_id, [])):
                continue
            taken.add(pupil_id)
            outcome.comparison.append(
                Counted(
                    pupil_id=pupil_id,
                    start=week,
                    measure=measure(
                        series.get(pupil_id, []),
                        start=week,
                        days=days,
                        today=today,
                        online_expected=online_expected,
                    ),
                )
            )
    return outcome
