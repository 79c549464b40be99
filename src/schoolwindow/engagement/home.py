"""Engagement's blocks on the home page, the trust officer's figures, and a child's week.

Each block is bounded: a count, the first few rows (`HOME_TOP`) and a link to the full list,
in a fixed number of queries whatever the size of the school. Who sees a block is decided by the
home capabilities (`core/capabilities.py`); which flags they see, by the flag policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from schoolwindow.core.capabilities import HOME_SCHOOL_GLANCE, HOME_TRIAGE
from schoolwindow.core.panels import HOME_TOP
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement.charts import ATTENDANCE, GRID, fmt, percent_text
from schoolwindow.engagement.models import (
    AttendanceCategory,
    AttendanceMark,
    Flag,
    FlagStatus,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
    PupilDay,
)
from schoolwindow.engagement.rules import reason_text
from schoolwindow.engagement.selectors import (
    change_date,
    flags_visible,
    new_since_last_school_day,
    previous_weekday,
)
from schoolwindow.people.models import Enrolment, Pupil
from schoolwindow.schools.models import School

# A lighter shade for last week's bars, still 3:1 against white.
LAST_WEEK = "#5b7fa6"
PRESENT = (AttendanceCategory.PRESENT, AttendanceCategory.ELSEWHERE)
COUNTED = (*PRESENT, AttendanceCategory.AUTHORISED, AttendanceCategory.UNAUTHORISED)
# How far ahead a pupil's or parent's "homework due" looks, and how far back "missing".
HOMEWORK_AHEAD_DAYS = 14
MISSING_BACK_DAYS = 28


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def next_weekday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


# --- Flags: the pastoral lead's morning ------------------------------------------------------


@dataclass(frozen=True)
class FlagLine:
    flag_id: int
    pupil_name: str
    year_name: str
    what: str  # why it is here: "New", "New reason", "Snooze ends …"
    reason: str  # the first reason, in plain words


@dataclass(frozen=True)
class FlagBlock:
    count: int
    lines: list[FlagLine]
    more_url_query: str = ""


def triage_flags(actor: Actor) -> QuerySet[Flag]:
    """The flags of the schools where this actor starts the day with triage."""
    return flags_visible(actor=actor).filter(school_id__in=actor.schools_where(HOME_TRIAGE))


def flag_lines(flags: QuerySet[Flag], what: Any) -> list[FlagLine]:
    rows = flags.select_related("pupil", "pupil__year_group").only(
        "id",
        "status",
        "opened_on",
        "worsened_on",
        "woken_on",
        "snoozed_until",
        "reasons",
        "risk",
        "pupil__legal_first_name",
        "pupil__preferred_first_name",
        "pupil__legal_last_name",
        "pupil__preferred_last_name",
        "pupil__year_group__name",
    )[:HOME_TOP]
    return [
        FlagLine(
            flag_id=flag.pk,
            pupil_name=flag.pupil.display_name,
            year_name=flag.pupil.year_group.name if flag.pupil.year_group else "",
            what=what(flag),
            reason=first_reason(flag),
        )
        for flag in rows
    ]


def first_reason(flag: Flag) -> str:
    for reason in flag.reasons or []:
        if reason.get("rule") != "risk" or flag.risk is None:
            return reason_text(reason)
    return ""


def change_label(flag: Flag) -> str:
    changed = change_date(flag)
    if flag.opened_on == changed:
        return _("New")
    if flag.worsened_on == changed:
        return _("New reason")
    return _("Back from snooze")


RANKED = (F("risk").desc(nulls_last=True), "-severity", "pupil__legal_last_name", "pk")


def new_flags_block(actor: Actor, today: dt.date) -> FlagBlock:
    """Raised, worse or back from snooze since the last school day ("since yesterday")."""
    flags = triage_flags(actor).filter(new_since_last_school_day(today))
    return FlagBlock(
        count=flags.count(),
        lines=flag_lines(flags.order_by(*RANKED), change_label),
        more_url_query="new=1",
    )


def my_flags_block(actor: Actor) -> FlagBlock:
    flags = triage_flags(actor).filter(
        status=FlagStatus.OPEN, assigned_to_id__in=list(actor.staff_ids.values())
    )
    return FlagBlock(
        count=flags.count(),
        lines=flag_lines(flags.order_by(*RANKED), change_label),
        more_url_query="mine=1",
    )


def snooze_label(flag: Flag) -> str:
    if flag.status == FlagStatus.OPEN:
        return _("Snooze ended")
    assert flag.snoozed_until is not None
    return _("Snooze ends %(date)s") % {"date": date_format(flag.snoozed_until, "D j M")}


def contacts_due_block(actor: Actor, today: dt.date) -> FlagBlock:
    """Snoozed flags waking by the next school day, and those woken since the last one: the
    family is due a call."""
    since = previous_weekday(today)
    flags = triage_flags(actor).filter(
        Q(status=FlagStatus.SNOOZED, snoozed_until__lte=next_weekday(today))
        | Q(status=FlagStatus.OPEN, woken_on__gt=since)
    )
    ordered = flags.order_by(F("snoozed_until").asc(nulls_first=True), *RANKED)
    return FlagBlock(
        count=flags.count(),
        lines=flag_lines(ordered, snooze_label),
        more_url_query="status=snoozed",
    )


def home_new_flags(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not actor.can_anywhere(HOME_TRIAGE):
        return None
    return {"block": new_flags_block(actor, today)}


def home_my_flags(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not actor.can_anywhere(HOME_TRIAGE):
        return None
    return {"block": my_flags_block(actor)}


def home_contacts_due(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not actor.can_anywhere(HOME_TRIAGE):
        return None
    return {"block": contacts_due_block(actor, today)}


# --- Attendance: this week against last --------------------------------------------------------


@dataclass(frozen=True)
class DayRate:
    day: dt.date
    present: int
    possible: int

    @property
    def rate(self) -> float | None:
        return 100.0 * self.present / self.possible if self.possible else None


@dataclass
class WeekPair:
    """A school's attendance by weekday, this week and last (school days with facts only)."""

    this_monday: dt.date
    this_week: list[DayRate | None] = field(default_factory=list)  # Monday to Friday
    last_week: list[DayRate | None] = field(default_factory=list)

    @staticmethod
    def total(days: Sequence[DayRate | None]) -> float | None:
        present = sum(d.present for d in days if d is not None)
        possible = sum(d.possible for d in days if d is not None)
        return 100.0 * present / possible if possible else None

    @property
    def this_rate(self) -> float | None:
        return self.total(self.this_week)

    @property
    def last_rate(self) -> float | None:
        return self.total(self.last_week)

    @property
    def this_text(self) -> str:
        return percent_text(self.this_rate)

    @property
    def last_text(self) -> str:
        return percent_text(self.last_rate)

    @property
    def rows(self) -> list[tuple[dt.date, str, str]]:
        """Weekday (this week's date), last week's rate, this week's rate — for the table."""
        return [
            (
                self.this_monday + dt.timedelta(days=i),
                percent_text(last.rate) if last else "—",
                percent_text(this.rate) if this else "—",
            )
            for i, (last, this) in enumerate(zip(self.last_week, self.this_week, strict=True))
        ]

    @property
    def chart(self) -> SafeString:
        return week_pair_svg(self)


def attendance_weeks(school_ids: Iterable[int], today: dt.date) -> dict[int, WeekPair]:
    """Per school, the daily facts summed for this week and last, in one query."""
    this_monday = week_start(today)
    last_monday = this_monday - dt.timedelta(days=7)
    ids = list(school_ids)
    pairs = {
        sid: WeekPair(this_monday=this_monday, this_week=[None] * 5, last_week=[None] * 5)
        for sid in ids
    }
    rows = (
        PupilDay.objects.filter(school_id__in=ids, date__gte=last_monday, date__lte=today)
        .values("school_id", "date")
        .annotate(present=Sum("sessions_present"), possible=Sum("sessions_possible"))
        .order_by()
    )
    for row in rows:
        day: dt.date = row["date"]
        if day.weekday() >= 5:
            continue
        rate = DayRate(day=day, present=row["present"] or 0, possible=row["possible"] or 0)
        pair = pairs[row["school_id"]]
        week = pair.this_week if day >= this_monday else pair.last_week
        week[day.weekday()] = rate
    return pairs


def week_pair_svg(pair: WeekPair) -> SafeString:
    """Five pairs of bars (last week lighter, this week darker), from 50% to 100%."""
    left, top, plot_h, col = 34.0, 8.0, 90.0, 52.0
    width, height = left + col * 5 + 4, top + plot_h + 22

    def y(value: float) -> float:
        return top + plot_h - plot_h * (max(50.0, min(value, 100.0)) - 50.0) / 50.0

    summary = _("Attendance this week %(this)s, last week %(last)s.") % {
        "this": pair.this_text,
        "last": pair.last_text,
    }
    parts = [
        f'<svg class="week-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {fmt(width)} '
        f'{fmt(height)}" role="img" aria-label="{escape(summary)}">'
    ]
    for value in (50, 75, 90, 100):
        parts.append(
            f'<line x1="{fmt(left)}" y1="{fmt(y(value))}" x2="{fmt(width)}" y2="{fmt(y(value))}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{fmt(left - 4)}" y="{fmt(y(value) + 3)}" font-size="9" text-anchor="end" '
            f'fill="#1b1f24">{value}%</text>'
        )
    for i, (last, this) in enumerate(zip(pair.last_week, pair.this_week, strict=True)):
        x = left + i * col
        for offset, rate, colour in ((0.12, last, LAST_WEEK), (0.5, this, ATTENDANCE)):
            if rate is not None and rate.rate is not None:
                bar_y = y(rate.rate)
                parts.append(
                    f'<rect x="{fmt(x + col * offset)}" y="{fmt(bar_y)}" '
                    f'width="{fmt(col * 0.36)}" height="{fmt(top + plot_h - bar_y)}" '
                    f'fill="{colour}"/>'
                )
        day = pair.this_monday + dt.timedelta(days=i)
        parts.append(
            f'<text x="{fmt(x + col / 2)}" y="{fmt(top + plot_h + 14)}" font-size="9" '
            f'text-anchor="middle" fill="#1b1f24">{escape(date_format(day, "D"))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- The school at a glance (leader) ---------------------------------------------------------


@dataclass(frozen=True)
class WatchlistCounts:
    open: int
    assigned: int


def watchlist_counts(school_ids: Iterable[int]) -> dict[int, WatchlistCounts]:
    rows = (
        Flag.objects.filter(school_id__in=list(school_ids), status=FlagStatus.OPEN)
        .values("school_id")
        .annotate(open=Count("id"), assigned=Count("id", filter=Q(assigned_to_id__isnull=False)))
        .order_by()
    )
    return {
        row["school_id"]: WatchlistCounts(open=row["open"], assigned=row["assigned"])
        for row in rows
    }


@dataclass(frozen=True)
class SchoolGlance:
    school_id: int
    school_name: str
    attendance: WeekPair
    watchlist: WatchlistCounts


def home_school_glance(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    school_ids = actor.schools_where(HOME_SCHOOL_GLANCE)
    if not school_ids:
        return None
    names = dict(School.objects.filter(pk__in=school_ids).values_list("pk", "name"))
    weeks = attendance_weeks(school_ids, today)
    counts = watchlist_counts(school_ids)
    schools = [
        SchoolGlance(
            school_id=sid,
            school_name=names.get(sid, ""),
            attendance=weeks[sid],
            watchlist=counts.get(sid, WatchlistCounts(open=0, assigned=0)),
        )
        for sid in sorted(school_ids, key=lambda sid: names.get(sid, ""))
    ]
    return {"schools": schools, "show_school": len(schools) > 1}


# --- The trust officer's figures --------------------------------------------------------------


def attendance_this_week_figure(school_ids: Sequence[int], today: dt.date) -> Mapping[int, str]:
    return {sid: pair.this_text for sid, pair in attendance_weeks(school_ids, today).items()}


def flags_open_figure(school_ids: Sequence[int], today: dt.date) -> Mapping[int, str]:
    counts = watchlist_counts(school_ids)
    return {sid: str(counts[sid].open if sid in counts else 0) for sid in school_ids}


# --- A pupil's week (the pupil's home, and their parent's page) ---------------------------------


@dataclass(frozen=True)
class HomeworkLine:
    title: str
    subject: str
    due_on: dt.date
    status: str  # HomeworkStatus, or "" when nothing is recorded yet
    status_label: str


@dataclass(frozen=True)
class PupilWeek:
    pupil_id: int
    this_monday: dt.date
    present: int
    possible: int
    due_count: int
    due: list[HomeworkLine]
    missing_count: int = 0
    missing: list[HomeworkLine] = field(default_factory=list)

    @property
    def attendance_text(self) -> str:
        return percent_text(100.0 * self.present / self.possible if self.possible else None)


def homework_lines(rows: Iterable[HomeworkSubmission | Homework]) -> list[HomeworkLine]:
    lines = []
    for row in rows:
        homework = row.homework if isinstance(row, HomeworkSubmission) else row
        status = row.status if isinstance(row, HomeworkSubmission) else ""
        lines.append(
            HomeworkLine(
                title=homework.title,
                subject=homework.subject,
                due_on=homework.due_on,
                status=status,
                status_label=str(HomeworkStatus(status).label) if status else "",
            )
        )
    return lines


def pupil_week(pupil: Pupil, today: dt.date, *, with_missing: bool) -> PupilWeek:
    """This week's attendance marks, the homework due in the next two weeks (set for one of the
    pupil's classes, not yet handed in) and, for parents, what was not handed in lately."""
    monday = week_start(today)
    marks = AttendanceMark.objects.filter(
        pupil_id=pupil.pk, school_id=pupil.school_id, date__gte=monday, date__lte=today
    ).aggregate(
        present=Count("id", filter=Q(category__in=PRESENT)),
        possible=Count("id", filter=Q(category__in=COUNTED)),
    )
    handed_in = HomeworkSubmission.objects.filter(
        pupil_id=pupil.pk,
        school_id=pupil.school_id,
        status__in=[HomeworkStatus.ON_TIME, HomeworkStatus.LATE],
    ).values("homework_id")
    groups = Enrolment.objects.filter(pupil_id=pupil.pk, active=True).values("group_id")
    due = (
        Homework.objects.filter(
            school_id=pupil.school_id,
            group_id__in=groups,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=HOMEWORK_AHEAD_DAYS),
        )
        .exclude(pk__in=handed_in)
        .order_by("due_on", "title", "pk")
    )
    due_count = due.count()
    due_lines = homework_lines(due[:HOME_TOP])
    missing_count, missing_lines = 0, []
    if with_missing:
        missing = (
            HomeworkSubmission.objects.filter(
                pupil_id=pupil.pk,
                school_id=pupil.school_id,
                status=HomeworkStatus.MISSING,
                homework__due_on__gte=today - dt.timedelta(days=MISSING_BACK_DAYS),
                homework__due_on__lt=today,
            )
            .select_related("homework")
            .order_by("-homework__due_on", "pk")
        )
        missing_count = missing.count()
        missing_lines = homework_lines(missing[:HOME_TOP])
    return PupilWeek(
        pupil_id=pupil.pk,
        this_monday=monday,
        present=marks["present"] or 0,
        possible=marks["possible"] or 0,
        due_count=due_count,
        due=due_lines,
        missing_count=missing_count,
        missing=missing_lines,
    )


def home_pupil_week(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if actor.pupil_id is None:
        return None
    pupil = Pupil.objects.filter(pk=actor.pupil_id).only("pk", "school_id").first()
    if pupil is None:
        return None
    return {"week": pupil_week(pupil, today, with_missing=False)}
