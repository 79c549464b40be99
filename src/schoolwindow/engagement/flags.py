"""Raising and updating flags: run the rules (and the learned score) for every pupil of a school.

`flags_evaluate(school_id=…, on_date=…)` is what the worker runs each school-day morning. It
uses what was known that morning: the daily facts of the school days *before* on_date (today's
registers and log-ins are not in yet), homework due before today, and messages as they stood
at the start of the day. It loads everything for the whole school in a fixed number of queries
and writes in bulk, so a 1,500-pupil school takes well under a second of database time.

Lifecycle, decided here and nowhere else:

- a pupil with reasons and no live flag gets one ("opened"), unless a person resolved a flag
  with the same reasons in the last four weeks (nothing new, nothing worse: stay quiet);
- a new reason, or a reason that got markedly worse, on a live flag: "worsened" (worsened_on);
- a snoozed flag comes back when its date arrives, or at once when it worsens ("woken");
- when every reason has gone the flag stays (people close flags, not the system): "cleared",
  and after 10 school days without reasons a suggestion that it may be closed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation

from schoolwindow.engagement.facts import pupil_day_series
from schoolwindow.engagement.models import (
    FamilyMessage,
    Flag,
    FlagEvent,
    FlagEventKind,
    FlagStatus,
    HomeworkStatus,
    HomeworkSubmission,
    PupilDay,
    RuleSetting,
)
from schoolwindow.engagement.rules import (
    FAMILY_LOOKBACK_DAYS,
    SOURCES,
    MissingHomework,
    Reason,
    RuleConfig,
    RuleInput,
    SignalContext,
    WaitingMessage,
    YearAttendance,
    excused,
    iso,
    online,
    rule_config,
    rules_run,
    severity_of,
    window_school_days,
)
from schoolwindow.people.models import Pupil, PupilStatus
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import AcademicYear

logger = logging.getLogger(__name__)

RESOLVED_QUIET_DAYS = 28  # a resolved flag is not raised again for the same reasons this soon
SUGGEST_CLOSE_AFTER = 10  # school days without any reason
TREND_WEEKS = 6
# What an evaluation may change on a live flag (last_evaluated_on aside).
UPDATED_FIELDS = (
    "status",
    "reasons",
    "severity",
    "risk",
    "risk_reasons",
    "trend",
    "worsened_on",
    "woken_on",
    "snoozed_until",
    "clear_since",
    "close_suggested",
)


# --- Loading -------------------------------------------------------------------------------


def day_series(
    *, school_id: int, pupil_ids: Iterable[int], days: Sequence[dt.date]
) -> dict[int, list[Any]]:
    """Each pupil's facts for each of `days` (consecutive school days, in order), zero-filled:
    facts.pupil_day_series, the one reader of PupilDay."""
    if not days:
        return {pupil_id: [] for pupil_id in pupil_ids}
    return pupil_day_series(school_id=school_id, pupil_ids=pupil_ids, start=days[0], end=days[-1])


def school_rule_config(*, school_id: int) -> dict[str, RuleConfig]:
    stored = {
        rule: (enabled, params)
        for rule, enabled, params in RuleSetting.objects.filter(school_id=school_id).values_list(
            "rule", "enabled", "params"
        )
    }
    return rule_config(stored)


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, in the school's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def year_attendance(
    *, school_id: int, before: dt.date, since: dt.date
) -> dict[int, YearAttendance]:
    rows = (
        PupilDay.objects.filter(school_id=school_id, date__gte=since, date__lt=before)
        .values("pupil_id")
        .annotate(
            possible=Sum("sessions_possible"),
            present=Sum("sessions_present"),
            authorised=Sum("sessions_authorised"),
            unauthorised=Sum("sessions_unauthorised"),
        )
        .values_list("pupil_id", "possible", "present", "authorised", "unauthorised")
    )
    return {
        pupil_id: YearAttendance(possible or 0, present or 0, auth or 0, unauth or 0)
        for pupil_id, possible, present, auth, unauth in rows
    }


def missing_homework(
    *, school_id: int, since: dt.date, before: dt.date
) -> dict[int, list[MissingHomework]]:
    out: dict[int, list[MissingHomework]] = {}
    rows = HomeworkSubmission.objects.filter(
        school_id=school_id,
        status=HomeworkStatus.MISSING,
        homework__due_on__gte=since,
        homework__due_on__lt=before,
    ).values_list("pupil_id", "homework__title", "homework__subject", "homework__due_on")
    for pupil_id, title, subject, due_on in rows:
        out.setdefault(pupil_id, []).append(MissingHomework(title, subject, due_on))
    return out


def waiting_messages(*, school_id: int, on_date: dt.date) -> dict[int, list[WaitingMessage]]:
    """Messages to home of the last four weeks not read (or not answered) by this morning."""
    morning = start_of(on_date)
    out: dict[int, list[WaitingMessage]] = {}
    rows = FamilyMessage.objects.filter(
        school_id=school_id,
        sent_at__gte=start_of(on_date - dt.timedelta(days=FAMILY_LOOKBACK_DAYS)),
        sent_at__lt=morning,
    ).values_list("pupil_id", "sent_at", "read_at", "replied_at", "needs_reply")
    for pupil_id, sent_at, read_at, replied_at, needs_reply in rows:
        read = read_at is not None and read_at < morning
        replied = replied_at is not None and replied_at < morning
        if replied or (read and not needs_reply):
            continue
        sent_on = timezone.localtime(sent_at).date()
        out.setdefault(pupil_id, []).append(WaitingMessage(sent_on, read))
    return out


def risk_load(*, school_id: int, on_date: dt.date) -> dict[int, tuple[float, list[str]]]:
    """The learned score, when the school has a trained model; {} otherwise or on any failure."""
    try:
        module = importlib.import_module("schoolwindow.engagement.risk")
    except ImportError:
        return {}
    risk_scores = getattr(module, "risk_scores", None)
    if risk_scores is None:
        return {}
    try:
        scores = risk_scores(school_id=school_id, on_date=on_date) or {}
        return {
            int(pupil_id): (float(score.probability), [str(r) for r in score.top_reasons])
            for pupil_id, score in scores.items()
        }
    except Exception:  # the rules must still run when the model cannot
        logger.exception("risk scores failed for school %s on %s", school_id, on_date)
        return {}


# --- The six-week trend ----------------------------------------------------------------------


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def trend_of(
    series: Sequence[Any], *, last_day: dt.date, weeks: int = TREND_WEEKS
) -> dict[str, list[Any]]:
    """Weekly attendance % and days online for the `weeks` weeks ending with last_day's week."""
    first = monday(last_day) - dt.timedelta(weeks=weeks - 1)
    starts = [first + dt.timedelta(weeks=n) for n in range(weeks)]
    buckets: dict[dt.date, list[Any]] = {start: [] for start in starts}
    for day in series:
        start = monday(day.date)
        if start in buckets:
            buckets[start].append(day)
    attendance: list[float | None] = []
    online_days: list[int | None] = []
    school: list[int] = []
    homework: list[int] = []
    for start in starts:
        days = buckets[start]
        possible = sum(d.sessions_possible for d in days)
        present = sum(d.sessions_present for d in days)
        attendance.append(round(100.0 * present / possible, 1) if possible else None)
        expected = [d for d in days if not excused(d)]
        online_days.append(sum(1 for d in expected if online(d)) if days else None)
        school.append(len(days))
        homework.append(sum(d.homework_missing for d in days))
    return {
        "weeks": [iso(start) for start in starts],
        "attendance": attendance,
        "online": online_days,
        "school_days": school,
        "homework_missing": homework,
    }


# --- Evaluation ----------------------------------------------------------------------------


@dataclass
class EvaluationSummary:
    school_id: int
    on_date: dt.date
    pupils: int = 0
    with_reasons: int = 0
    opened: int = 0
    worsened: int = 0
    woken: int = 0
    cleared: int = 0
    live: int = 0
    seconds: float = 0.0


def levels(reasons: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    return {str(reason["key"]): int(reason.get("level", 1)) for reason in reasons}


def worse_keys(new: Iterable[Mapping[str, Any]], old: Mapping[str, int]) -> list[str]:
    """Reasons that are new, or at a higher level than before."""
    return [key for key, level in levels(new).items() if level > old.get(key, 0)]


def has_data(day: Any) -> bool:
    return bool(day.sessions_possible or day.homework_due or day.homework_missing or online(day))


def drop_days_without_data(
    days: list[dt.date], series: dict[int, list[Any]]
) -> tuple[list[dt.date], dict[int, list[Any]]]:
    """A school day on which no pupil has any fact at all (registers not sent yet, a closure
    nobody recorded) says nothing about anyone: it is left out, never counted as silence."""
    if not series:
        return days, series
    keep = [i for i in range(len(days)) if any(has_data(s[i]) for s in series.values())]
    if len(keep) == len(days):
        return days, series
    return [days[i] for i in keep], {pid: [s[i] for i in keep] for pid, s in series.items()}


def rule_input(
    *, school_id: int, on_date: dt.date, config: Mapping[str, RuleConfig]
) -> tuple[RuleInput, list[dt.date]]:
    """Load everything the rules need for every pupil on roll. Returns the input and the
    school days before on_date that were looked at (for counting quiet days)."""
    need = window_school_days(config)
    lookback = dt.timedelta(days=need * 7 // 5 + 150)
    before = school_days(
        school_id=school_id, start=on_date - lookback, end=on_date - dt.timedelta(days=1)
    )
    days = before[-need:]
    pupil_ids = list(
        Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    year = (
        AcademicYear.objects.filter(
            school_id=school_id, start__lt=on_date, end__gte=on_date - dt.timedelta(days=1)
        )
        .order_by("-start")
        .values_list("start", flat=True)
        .first()
    )
    series = day_series(school_id=school_id, pupil_ids=pupil_ids, days=days)
    days, series = drop_days_without_data(days, series)
    homework_weeks = config["homework_missing"].params["weeks"]
    homework_days = days[-homework_weeks * 5 :]
    data = RuleInput(
        on_date=on_date,
        days=days,
        series=series,
        year=year_attendance(
            school_id=school_id, before=on_date, since=year or (days[0] if days else on_date)
        ),
        homework=missing_homework(school_id=school_id, since=homework_days[0], before=on_date)
        if homework_days and config["homework_missing"].enabled
        else {},
        messages=waiting_messages(school_id=school_id, on_date=on_date)
        if config["family"].enabled
        else {},
        risk=risk_load(school_id=school_id, on_date=on_date),
    )
    on_roll = set(pupil_ids)
    data.year = {pid: value for pid, value in data.year.items() if pid in on_roll}
    data.homework = {pid: value for pid, value in data.homework.items() if pid in on_roll}
    data.messages = {pid: value for pid, value in data.messages.items() if pid in on_roll}
    data.risk = {pid: value for pid, value in data.risk.items() if pid in on_roll}
    for key, source in SOURCES.items():
        if key in config and config[key].enabled:
            found = source.load(
                SignalContext(
                    school_id=school_id,
                    on_date=on_date,
                    school_days=before,
                    pupil_ids=pupil_ids,
                    params=config[key].params,
                )
            )
            data.extra[key] = {pid: value for pid, value in found.items() if pid in on_roll}
    return data, before


def flags_evaluate(*, school_id: int, on_date: dt.date) -> EvaluationSummary:
    """Run every rule for every pupil on roll and bring the school's flags up to date."""
    started = time.perf_counter()
    config = school_rule_config(school_id=school_id)
    data, before = rule_input(school_id=school_id, on_date=on_date, config=config)
    # Reasons keep their words in the site's language for the history and exports; pages and
    # emails write them again in each reader's language from the reason's data.
    with translation.override(settings.LANGUAGE_CODE):
        found = rules_run(data, config)
    summary = EvaluationSummary(
        school_id=school_id, on_date=on_date, pupils=len(data.series), with_reasons=len(found)
    )
    last_day = data.days[-1] if data.days else on_date - dt.timedelta(days=1)

    live = {
        flag.pupil_id: flag
        for flag in Flag.objects.filter(
            school_id=school_id, status__in=[FlagStatus.OPEN, FlagStatus.SNOOZED]
        )
    }
    recently_resolved: dict[int, dict[str, int]] = {}
    for pupil_id, reasons in (
        Flag.objects.filter(
            school_id=school_id,
            status=FlagStatus.RESOLVED,
            resolved_at__gte=start_of(on_date - dt.timedelta(days=RESOLVED_QUIET_DAYS)),
        )
        .order_by("resolved_at")
        .values_list("pupil_id", "reasons")
    ):
        recently_resolved[pupil_id] = levels(reasons)

    on = iso(on_date)
    new_flags: list[Flag] = []
    new_flag_events: list[dict[str, Any]] = []
    changed: list[Flag] = []
    events: list[FlagEvent] = []

    def event(flag: Flag, kind: str, **detail: Any) -> None:
        events.append(
            FlagEvent(school_id=school_id, flag=flag, kind=kind, detail={"on": on, **detail})
        )

    def risk_fields(pupil_id: int) -> tuple[float | None, list[str]]:
        probability, reasons = data.risk.get(pupil_id, (None, []))
        return probability, reasons

    for pupil_id, reasons in found.items():
        if pupil_id in live:
            continue
        resolved = recently_resolved.get(pupil_id)
        if resolved is not None and not worse_keys(reasons, resolved):
            continue
        probability, risk_reasons = risk_fields(pupil_id)
        flag = Flag(
            school_id=school_id,
            pupil_id=pupil_id,
            status=FlagStatus.OPEN,
            opened_on=on_date,
            last_evaluated_on=on_date,
            reasons=reasons,
            severity=severity_of(reasons),
            risk=probability,
            risk_reasons=risk_reasons,
            trend=trend_of(data.series.get(pupil_id, []), last_day=last_day),
        )
        new_flags.append(flag)
        new_flag_events.append({"reasons": [r["text"] for r in reasons]})
    summary.opened = len(new_flags)

    now = timezone.now()
    evaluated: list[int] = []
    for pupil_id, flag in live.items():
        if pupil_id not in data.series:
            continue  # left the school: the flag waits for a person
        evaluated.append(flag.pk)
        before_values = [getattr(flag, name) for name in UPDATED_FIELDS]
        current: list[Reason] = found.get(pupil_id, [])
        worse = worse_keys(current, levels(flag.reasons))
        if current:
            if worse:
                flag.worsened_on = on_date
                event(
                    flag,
                    FlagEventKind.WORSENED,
                    keys=worse,
                    reasons=[r["text"] for r in current if r["key"] in worse],
                )
                summary.worsened += 1
            flag.clear_since = None
            flag.close_suggested = False
        elif flag.reasons:
            flag.clear_since = on_date
            event(flag, FlagEventKind.CLEARED)
            summary.cleared += 1
        elif flag.clear_since is not None and not flag.close_suggested:
            quiet = sum(1 for day in before if day >= flag.clear_since)
            if quiet >= SUGGEST_CLOSE_AFTER:
                flag.close_suggested = True
                event(flag, FlagEventKind.SUGGESTION, school_days=quiet)
        if flag.status == FlagStatus.SNOOZED:
            until = flag.snoozed_until
            if worse or until is None or until <= on_date:
                event(flag, FlagEventKind.WOKEN, because="worse" if worse else "date")
                flag.status = FlagStatus.OPEN
                flag.snoozed_until = None
                flag.woken_on = on_date
                summary.woken += 1
        probability, risk_reasons = risk_fields(pupil_id)
        flag.reasons = list(current)
        flag.severity = severity_of(current)
        flag.risk = probability
        flag.risk_reasons = risk_reasons
        flag.trend = trend_of(data.series[pupil_id], last_day=last_day)
        if [getattr(flag, name) for name in UPDATED_FIELDS] != before_values:
            flag.last_evaluated_on = on_date
            flag.updated_at = now  # what the watchlist shows has changed
            changed.append(flag)

    with transaction.atomic():
        Flag.objects.bulk_create(new_flags, batch_size=500)
        for flag, detail in zip(new_flags, new_flag_events, strict=True):
            event(flag, FlagEventKind.OPENED, **detail)
        Flag.objects.bulk_update(
            changed, [*UPDATED_FIELDS, "last_evaluated_on", "updated_at"], batch_size=500
        )
        unchanged = sorted(set(evaluated) - {flag.pk for flag in changed})
        for start in range(0, len(unchanged), 5000):
            Flag.objects.filter(pk__in=unchanged[start : start + 5000]).update(
                last_evaluated_on=on_date
            )
        FlagEvent.objects.bulk_create(events, batch_size=1000)
    summary.live = len(evaluated) + len(new_flags)
    summary.seconds = time.perf_counter() - started
    return summary
