"""Reads for weekly summaries (nudges): who may see and approve them, and each pupil's week
from the engagement facts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from schoolwindow.core.capabilities import APPROVE_SUMMARIES
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import VIEW, policy_for
from schoolwindow.engagement.models import (
    AttendanceCategory,
    AttendanceMark,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
)
from schoolwindow.messaging.delivery.quiet import settings_for
from schoolwindow.messaging.models import (
    ConversationKind,
    Delivery,
    NudgeBatch,
)
from schoolwindow.people.models import Enrolment, Pupil, PupilStatus
from schoolwindow.schools.models import GroupKind


def may_see_nudges(actor: Actor) -> bool:
    return bool(schools_for_nudges(actor))


# Who approves when the school has named nobody.
PRESENT = (AttendanceCategory.PRESENT, AttendanceCategory.ELSEWHERE)
COUNTED = (
    AttendanceCategory.PRESENT,
    AttendanceCategory.ELSEWHERE,
    AttendanceCategory.AUTHORISED,
    AttendanceCategory.UNAUTHORISED,
)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# --- Who approves ----------------------------------------------------------------------------


def approver_id(school_id: int) -> int | None:
    return settings_for(school_id).nudge_approver_id


def may_approve(actor: Actor, school_id: int) -> bool:
    """The named approver; when nobody is named, a leader or the pastoral lead."""
    staff_id = actor.staff_ids.get(school_id)
    if staff_id is None:
        return False
    named = approver_id(school_id)
    if named is not None:
        return staff_id == named
    return actor.can(APPROVE_SUMMARIES, school_id)


def may_view(actor: Actor, school_id: int) -> bool:
    """Leaders and the pastoral lead may look at a batch; the approver too, whoever they are."""
    return may_approve(actor, school_id) or actor.can(APPROVE_SUMMARIES, school_id)


def schools_for_nudges(actor: Actor) -> list[int]:
    return [school_id for school_id in sorted(actor.staff_ids) if may_view(actor, school_id)]


# --- The facts of a week ---------------------------------------------------------------------


@dataclass
class PupilWeek:
    sessions_possible: int = 0
    sessions_present: int = 0
    missing: list[str] | None = None
    coming_up: list[tuple[str, str]] | None = None  # (title, due date ISO)
    class_name: str = ""
    class_full: int = 0  # classmates (with marks) in for every session
    class_size: int = 0
    class_present_avg: float = 0.0

    def has_news(self) -> bool:
        missed_sessions = self.sessions_possible > self.sessions_present
        return bool(missed_sessions or self.missing or self.coming_up)

    def as_facts(self) -> dict[str, object]:
        return {
            "sessions_possible": self.sessions_possible,
            "sessions_present": self.sessions_present,
            "missing": list(self.missing or []),
            "coming_up": [list(item) for item in self.coming_up or []],
            "class_name": self.class_name,
            "class_full": self.class_full,
            "class_size": self.class_size,
            "class_present_avg": round(self.class_present_avg, 1),
        }


def week_facts(school_id: int, week_starting: dt.date) -> dict[int, PupilWeek]:
    """Each active pupil's week: attendance (with their class), homework missing and due next."""
    friday = week_starting + dt.timedelta(days=4)
    next_monday = week_starting + dt.timedelta(days=7)
    next_sunday = week_starting + dt.timedelta(days=13)
    pupils = dict(
        Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE).values_list(
            "pk", "year_group_id"
        )
    )
    weeks: dict[int, PupilWeek] = {pupil_id: PupilWeek() for pupil_id in pupils}
    # Attendance this week.
    marks = (
        AttendanceMark.objects.filter(
            school_id=school_id, date__range=(week_starting, friday), category__in=COUNTED
        )
        .values("pupil_id")
        .annotate(possible=Count("id"), present=Count("id", filter=Q(category__in=PRESENT)))
    )
    for row in marks:
        week = weeks.get(row["pupil_id"])
        if week is not None:
            week.sessions_possible = row["possible"]
            week.sessions_present = row["present"]
    # The class to compare with: the registration group, else the year group.
    registration = dict(
        Enrolment.objects.filter(
            school_id=school_id, active=True, group__kind=GroupKind.REGISTRATION
        )
        .order_by("pupil_id", "group_id")
        .values_list("pupil_id", "group_id")
    )
    group_names = dict(
        Enrolment.objects.filter(
            school_id=school_id, active=True, group__kind=GroupKind.REGISTRATION
        )
        .values_list("group_id", "group__name")
        .distinct()
    )
    cohorts: dict[tuple[str, int], list[int]] = defaultdict(list)
    for pupil_id, year_group_id in pupils.items():
        if pupil_id in registration:
            cohorts[("group", registration[pupil_id])].append(pupil_id)
        elif year_group_id is not None:
            cohorts[("year", year_group_id)].append(pupil_id)
    for (kind, cohort_id), members in cohorts.items():
        marked = [weeks[m] for m in members if weeks[m].sessions_possible]
        if not marked:
            continue
        full = sum(1 for w in marked if w.sessions_present == w.sessions_possible)
        average = sum(w.sessions_present for w in marked) / len(marked)
        for member in members:
            week = weeks[member]
            week.class_full = full
            week.class_size = len(marked)
            week.class_present_avg = average
            week.class_name = group_names.get(cohort_id, "") if kind == "group" else ""
    # Homework due this week and not handed in.
    missing = (
        HomeworkSubmission.objects.filter(
            school_id=school_id,
            status=HomeworkStatus.MISSING,
            homework__due_on__range=(week_starting, friday),
        )
        .order_by("homework__due_on", "homework__title")
        .values_list("pupil_id", "homework__title", "homework__subject")
    )
    for pupil_id, title, subject in missing:
        week = weeks.get(pupil_id)
        if week is not None:
            week.missing = (week.missing or []) + [_item(title, subject)]
    # Homework due next week, for the groups each pupil is in (not yet handed in).
    upcoming = list(
        Homework.objects.filter(
            school_id=school_id, due_on__range=(next_monday, next_sunday), group__isnull=False
        )
        .order_by("due_on", "title")
        .values_list("pk", "group_id", "title", "subject", "due_on")
    )
    if upcoming:
        members_of: dict[int, list[int]] = defaultdict(list)
        for group_id, pupil_id in Enrolment.objects.filter(
            school_id=school_id, active=True, group_id__in={row[1] for row in upcoming}
        ).values_list("group_id", "pupil_id"):
            members_of[group_id].append(pupil_id)
        handed_in = set(
            HomeworkSubmission.objects.filter(
                school_id=school_id,
                homework_id__in=[row[0] for row in upcoming],
                status__in=(HomeworkStatus.ON_TIME, HomeworkStatus.LATE),
            ).values_list("homework_id", "pupil_id")
        )
        for homework_id, group_id, title, subject, due_on in upcoming:
            for pupil_id in members_of.get(group_id, []):
                week = weeks.get(pupil_id)
                if week is None or (homework_id, pupil_id) in handed_in:
                    continue
                week.coming_up = (week.coming_up or []) + [
                    (_item(title, subject), due_on.isoformat())
                ]
    return weeks


def _item(title: str, subject: str) -> str:
    return f"{subject}: {title}" if subject and subject.lower() not in title.lower() else title


# --- Reviewing and approving -----------------------------------------------------------------


def batch_for(actor: Actor, batch_id: int, action: str = VIEW) -> NudgeBatch:
    """A batch the actor may see (else not found) and act on (else refused): NudgeBatchPolicy."""
    return policy_for(NudgeBatch).get(
        actor,
        pk=batch_id,
        action=action,
        queryset=NudgeBatch.objects.select_related("school", "approved_by"),
    )


def nudge_delivery_by_token(token: str) -> Delivery | None:
    """A nudge copy by its reply token: the key of the opt-out link (works without signing in)."""
    if not token or len(token) > 64:
        return None
    return (
        Delivery.objects.filter(
            reply_token=token,
            guardian__isnull=False,
            message__conversation__kind=ConversationKind.NUDGE,
        )
        .select_related("guardian")
        .first()
    )
