"""Reads for "did it work?": the school's figures per kind of help, the pupils counted, and
one pupil's help measured. A fixed number of queries however many pupils or entries: the flags
(one query), every source once for the flagged pupils, the calendar and the daily facts."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from schoolwindow.core.capabilities import (
    SEE_PUPIL_OUTCOMES,
    SEE_SUPPORT_OUTCOMES,
)
from schoolwindow.core.errors import Refused
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement.facts import DayFacts, pupil_day_series
from schoolwindow.engagement.models import Flag, PupilDay
from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import AcademicYear, Term
from schoolwindow.support.outcomes.models import OutcomeSettings
from schoolwindow.support.outcomes.recovery import (
    DEFAULT_RECOVERY_DAYS,
    Counted,
    FlagSpan,
    KindOutcome,
    flagged_on,
    kind_outcome,
    measure,
    spans_by_pupil,
)
from schoolwindow.support.timeline import (
    SupportEntry,
    SupportKind,
    pupil_support_entries,
    support_entries,
)

PAGE_SIZE = 25
PERIODS = {
    "term": _("This term"),
    "last_term": _("Last term"),
    "year": _("This school year"),
}


def outcome_school_ids(actor: Actor) -> list[int]:
    schools = actor.schools_where(SEE_SUPPORT_OUTCOMES)
    if not schools:
        raise Refused
    return schools


def recovery_days_of(school_id: int) -> int:
    found = OutcomeSettings.objects.filter(school_id=school_id).values_list(
        "recovery_days", flat=True
    )
    return next(iter(found), DEFAULT_RECOVERY_DAYS)


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date
    end: dt.date


def period_of(school_id: int, key: str, today: dt.date) -> Period:
    """This term (the one we are in, or the last one begun in a holiday), the term before it,
    or this school year; a school with no calendar gets the last twelve weeks."""
    key = key if key in PERIODS else "term"
    label = str(PERIODS[key])
    if key == "year":
        year = (
            AcademicYear.objects.filter(school_id=school_id, start__lte=today)
            .order_by("-start")
            .first()
        )
        if year is not None:
            return Period(key, label, year.start, min(year.end, today))
    else:
        terms = list(
            Term.objects.filter(school_id=school_id, start__lte=today).order_by("-start")[:2]
        )
        index = 0 if key == "term" else 1
        if len(terms) > index:
            term = terms[index]
            return Period(key, label, term.start, min(term.end, today))
    return Period(key, label, today - dt.timedelta(weeks=12), today)


def flag_spans(
    school_id: int, start: dt.date, end: dt.date, pupil_id: int | None = None
) -> list[FlagSpan]:
    """Every flag of the school that was open at some time from start to end. One query."""
    rows = Flag.objects.filter(school_id=school_id, opened_on__lte=end).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__date__gte=start)
    )
    if pupil_id is not None:
        rows = rows.filter(pupil_id=pupil_id)
    return [
        FlagSpan(
            pupil_id=pid,
            opened_on=opened,
            closed_on=timezone.localdate(resolved) if resolved is not None else None,
        )
        for pid, opened, resolved in rows.order_by("opened_on", "id").values_list(
            "pupil_id", "opened_on", "resolved_at"
        )
    ]


def series_for(
    school_id: int, pupil_ids: set[int], first: dt.date, today: dt.date
) -> dict[int, list[DayFacts]]:
    """Each pupil's facts for every school day from `first` to yesterday (today's are not in
    yet). Three queries."""
    if not pupil_ids:
        return {}
    end = max(first, today - dt.timedelta(days=1))
    return pupil_day_series(school_id=school_id, pupil_ids=pupil_ids, start=first, end=end)


def records_online(school_id: int, start: dt.date, end: dt.date) -> bool:
    """Whether the school records online learning at all in this time (a primary school that
    sends only registers does not): then days online are part of recovery. One query."""
    return (
        PupilDay.objects.filter(school_id=school_id, date__gte=start, date__lte=end)
        .filter(Q(logins__gt=0) | Q(lessons__gt=0) | Q(activities__gt=0))
        .exists()
    )


@dataclass
class Report:
    school_id: int
    period: Period
    days: int
    kinds: list[KindOutcome]
    flagged: int

    def kind(self, key: str) -> KindOutcome | None:
        return next((k for k in self.kinds if k.kind == key), None)


def outcomes_report(*, actor: Actor, school_id: int, period: str, today: dt.date) -> Report:
    """Per kind of help, the flagged pupils who got it in the period and those who did not."""
    actor.require(SEE_SUPPORT_OUTCOMES, school_id)
    days = recovery_days_of(school_id)
    chosen = period_of(school_id, period, today)
    spans = flag_spans(school_id, chosen.start, chosen.end)
    flagged = {s.pupil_id for s in spans}
    entries: list[SupportEntry] = []
    if flagged:
        entries = [
            e
            for e in support_entries(school_id=school_id, pupil_ids=flagged, since=chosen.start)
            if e.on <= chosen.end
        ]
    # The facts from the first day anything is measured from: the first help, or the Monday of
    # its week for the comparison.
    starts = [e.on - dt.timedelta(days=e.on.weekday()) for e in entries]
    first = min(starts, default=today)
    key = report_key(school_id, chosen, days, today, spans, entries, first)
    cached = cache.get(key)
    if isinstance(cached, Report):
        return cached
    series = series_for(school_id, flagged, first, today)
    online_expected = records_online(school_id, chosen.start, today)
    kinds = [
        kind_outcome(
            kind,
            entries=entries,
            spans=spans,
            series=series,
            days=days,
            today=today,
            online_expected=online_expected,
        )
        for kind in SupportKind.values
    ]
    report = Report(
        school_id=school_id, period=chosen, days=days, kinds=kinds, flagged=len(flagged)
    )
    cache.set(key, report, REPORT_CACHE_SECONDS)
    return report


# Reading a term of daily facts for hundreds of flagged pupils is most of the page's cost, and
# the answer only changes when the facts, the flags or the help change: the key holds all three.
REPORT_CACHE_SECONDS = 600


def report_key(
    school_id: int,
    chosen: Period,
    days: int,
    today: dt.date,
    spans: Sequence[FlagSpan],
    entries: Sequence[SupportEntry],
    first: dt.date,
) -> str:
    """The inputs of one report, as a cache key: the period, N, the day and language, every flag
    and piece of help counted, and the daily facts' last rebuild (facts are rewritten, never
    edited in place, so new rows mean new ids). One query."""
    facts = PupilDay.objects.filter(school_id=school_id, date__gte=first).aggregate(
        last=Max("pk"), rows=Count("pk")
    )
    digest = hashlib.sha256()
    for span in spans:
        digest.update(f"{span.pupil_id}:{span.opened_on}:{span.closed_on};".encode())
    for entry in entries:
        digest.update(f"{entry.kind}:{entry.ref}:{entry.pupil_id}:{entry.on};".encode())
    return "outcomes:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}".format(
        school_id,
        chosen.key,
        chosen.start,
        chosen.end,
        days,
        today,
        translation.get_language(),
        facts["last"],
        facts["rows"],
        digest.hexdigest(),
    )


@dataclass(frozen=True)
class CountedRow:
    pupil_id: int
    name: str
    year: str
    group: str  # "helped" or "comparison"
    counted: Counted


def counted_rows(report: Report, kind: str) -> list[CountedRow]:
    """The pupils counted for one kind, helped first, by name. One query for the names."""
    outcome = report.kind(kind)
    if outcome is None:
        return []
    pairs = [("helped", c) for c in outcome.helped] + [
        ("comparison", c) for c in outcome.comparison
    ]
    pupils = {
        p.pk: p
        for p in Pupil.objects.filter(
            school_id=report.school_id, pk__in=[c.pupil_id for _, c in pairs]
        )
        .select_related("year_group")
        .only(
            "id",
            "legal_first_name",
            "legal_last_name",
            "preferred_first_name",
            "preferred_last_name",
            "year_group__name",
        )
    }
    rows = []
    for group, c in pairs:
        pupil = pupils.get(c.pupil_id)
        if pupil is None:
            continue
        year = pupil.year_group.name if pupil.year_group is not None else ""
        rows.append(
            CountedRow(
                pupil_id=c.pupil_id, name=pupil.display_name, year=year, group=group, counted=c
            )
        )
    rows.sort(key=lambda r: (r.group != "helped", r.name.lower(), r.pupil_id))
    return rows


@dataclass(frozen=True)
class PupilHelp:
    entry: SupportEntry
    result: str  # a Result value
    counted: Counted


def pupil_help(*, actor: Actor, pupil: Pupil, today: dt.date) -> tuple[int, list[PupilHelp]]:
    """This pupil's help given while flagged (the pupil page has checked the actor may see the
    pupil), each measured; and N. Newest first."""
    actor.require(SEE_PUPIL_OUTCOMES, pupil.school_id)
    school_id = pupil.school_id
    # A pupil never flagged (most of them) costs the pupil page one query.
    spans = flag_spans(school_id, dt.date.min, today, pupil_id=pupil.pk)
    if not spans:
        return DEFAULT_RECOVERY_DAYS, []
    days = recovery_days_of(school_id)
    first = min(s.opened_on for s in spans)
    entries = [
        e
        for e in pupil_support_entries(pupil)
        if e.on >= first and flagged_on(spans_by_pupil(spans), pupil.pk, e.on) is not None
    ]
    if not entries:
        return days, []
    series = series_for(school_id, {pupil.pk}, min(e.on for e in entries), today)
    mine: Sequence[DayFacts] = series.get(pupil.pk, [])
    online_expected = records_online(school_id, min(e.on for e in entries), today)
    helps = []
    for entry in entries:
        result = measure(
            mine, start=entry.on, days=days, today=today, online_expected=online_expected
        )
        helps.append(
            PupilHelp(
                entry=entry,
                result=result.result,
                counted=Counted(pupil_id=pupil.pk, start=entry.on, measure=result, entry=entry),
            )
        )
    return days, helps
