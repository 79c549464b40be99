"""Reads for weekly summaries (nudges): who may see and approve them, and each pupil's week
from the engagement facts.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

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
from schoolwindow.messaging.delivery.services import channel_for
from schoolwindow.messaging.models import (
    ConversationKind,
    Delivery,
    DeliveryStatus,
    Message,
    Nudge,
    NudgeBatch,
    Tone,
)
from schoolwindow.people.models import Channel, Enrolment, Guardian, Pupil, PupilStatus
from schoolwindow.people.selectors import language_name
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
    praise: int = 0  # positive notes home this week
    messages: int = 0  # other messages between school and home about the child this week

    def has_news(self) -> bool:
        """Whether there is anything new to tell: a full week with nothing due, missing, praised
        or written about is not worth a message."""
        missed_sessions = self.sessions_possible > self.sessions_present
        return bool(
            missed_sessions or self.missing or self.coming_up or self.praise or self.messages
        )

    def hard_week(self) -> bool:
        """Half the week or more away, or three pieces of homework missing: worth a read."""
        away = self.sessions_possible - self.sessions_present
        return bool(
            (self.sessions_possible and away * 2 >= self.sessions_possible)
            or len(self.missing or []) >= 3
        )

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
            "praise": self.praise,
            "messages": self.messages,
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
        .values_list("pupil_id", "homework__title", "homework__subject", "homework__group__name")
    )
    for pupil_id, title, subject, group_name in missing:
        week = weeks.get(pupil_id)
        if week is not None:
            week.missing = (week.missing or []) + [_item(title, subject, group_name)]
    # Homework due next week, for the groups each pupil is in (not yet handed in).
    upcoming = list(
        Homework.objects.filter(
            school_id=school_id, due_on__range=(next_monday, next_sunday), group__isnull=False
        )
        .order_by("due_on", "title")
        .values_list("pk", "group_id", "title", "subject", "due_on", "group__name")
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
        for homework_id, group_id, title, subject, due_on, group_name in upcoming:
            for pupil_id in members_of.get(group_id, []):
                week = weeks.get(pupil_id)
                if week is None or (homework_id, pupil_id) in handed_in:
                    continue
                week.coming_up = (week.coming_up or []) + [
                    (_item(title, subject, group_name), due_on.isoformat())
                ]
    _contact_this_week(school_id, week_starting, weeks)
    return weeks


def _contact_this_week(school_id: int, week_starting: dt.date, weeks: dict[int, PupilWeek]) -> None:
    """Praise sent home, and other messages about each child, in the week (two queries)."""
    start = timezone.make_aware(dt.datetime.combine(week_starting, dt.time.min))
    end = start + dt.timedelta(days=7)
    praise = (
        Delivery.objects.filter(
            school_id=school_id,
            pupil__isnull=False,
            message__tone=Tone.POSITIVE,
            message__author_staff__isnull=False,
            queued_at__gte=start,
            queued_at__lt=end,
            fallback_of__isnull=True,
        )
        .exclude(status=DeliveryStatus.CANCELLED)
        .values("pupil_id")
        .annotate(n=Count("message_id", distinct=True))
    )
    for row in praise:
        week = weeks.get(row["pupil_id"])
        if week is not None:
            week.praise = row["n"]
    talk = (
        Message.objects.filter(
            school_id=school_id,
            conversation__pupil__isnull=False,
            conversation__kind=ConversationKind.CONVERSATION,
            created_at__gte=start,
            created_at__lt=end,
        )
        .exclude(tone=Tone.POSITIVE)
        .values("conversation__pupil_id")
        .annotate(n=Count("id"))
    )
    for talked in talk:
        week = weeks.get(talked["conversation__pupil_id"])
        if week is not None:
            week.messages = talked["n"]


def _item(title: str, subject: str, group_name: str | None = "") -> str:
    """A piece of homework in words for a family: the subject and title, without the teaching
    group's code ("Quiz: cells (8Sc3)" → "Science: Quiz: cells"), which means nothing at home."""
    if group_name:
        title = re.sub(rf"\s*[(\[]{re.escape(group_name)}[)\]]", "", title).strip() or title
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


# --- Approving by exception ------------------------------------------------------------------

LONGEST_SHOWN = 10
SAMPLE_SIZE = 5
SHOW_CHOICES = ("look", "held", "skipped", "all")


@dataclass(frozen=True)
class BatchCounts:
    prepared: int
    to_look: int
    held: int
    skipped: int
    sent: int
    to_send: int  # what "approve the rest" would send now
    by_language: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]


def longest_ids(batch: NudgeBatch) -> list[int]:
    """The batch's longest summaries: long ones are where an odd sentence hides."""
    return list(
        Nudge.objects.filter(batch=batch)
        .order_by(Length("body").desc(), "pk")
        .values_list("pk", flat=True)[:LONGEST_SHOWN]
    )


def to_look_at(batch: NudgeBatch, longest: Sequence[int]) -> Q:
    return Q(batch=batch) & (Q(needs_look=True) | Q(pk__in=list(longest)))


def batch_counts(batch: NudgeBatch, longest: Sequence[int]) -> BatchCounts:
    """The figures at the top of the page, in four queries whatever the batch's size."""
    totals = Nudge.objects.filter(batch=batch).aggregate(
        n_prepared=Count("id"),
        n_held=Count("id", filter=Q(held=True, message__isnull=True)),
        n_skipped=Count("id", filter=Q(skipped=True)),
        n_sent=Count("id", filter=Q(message__isnull=False)),
        n_to_send=Count("id", filter=Q(held=False, skipped=False, message__isnull=True)),
    )
    to_look = Nudge.objects.filter(to_look_at(batch, longest)).count()
    languages = (
        Nudge.objects.filter(batch=batch)
        .values("guardian__preferred_language")
        .annotate(n=Count("id"))
        .order_by("-n", "guardian__preferred_language")
    )
    channels: dict[str, int] = defaultdict(int)
    # The guardians grouped by what picks their channel (a few dozen kinds, not 2,000 rows);
    # channel_for decides each kind on a stand-in holding only those facts.
    kinds = (
        Guardian.objects.filter(pk__in=Nudge.objects.filter(batch=batch).values("guardian_id"))
        .values("preferred_channel")
        .annotate(
            app=ExpressionWrapper(Q(user_id__isnull=False), output_field=BooleanField()),
            sms=ExpressionWrapper(~Q(phone=""), output_field=BooleanField()),
            mail=ExpressionWrapper(~Q(email=""), output_field=BooleanField()),
            n=Count("id"),
        )
        .order_by()
    )
    for kind in kinds:
        stand_in = Guardian(
            preferred_channel=kind["preferred_channel"],
            user_id=0 if kind["app"] else None,
            phone="1" if kind["sms"] else "",
            email="@" if kind["mail"] else "",
        )
        channels[channel_for(stand_in)[0]] += kind["n"]
    labels = dict(Channel.choices)
    return BatchCounts(
        prepared=totals["n_prepared"],
        to_look=to_look,
        held=totals["n_held"],
        skipped=totals["n_skipped"],
        sent=totals["n_sent"],
        to_send=totals["n_to_send"],
        by_language=[
            (language_name(row["guardian__preferred_language"] or "en"), row["n"])
            for row in languages
        ],
        by_channel=[
            (str(labels.get(channel, channel)), n)
            for channel, n in sorted(channels.items(), key=lambda item: (-item[1], item[0]))
        ],
    )


def _with_people(queryset: QuerySet[Nudge]) -> QuerySet[Nudge]:
    return queryset.select_related("guardian", "pupil").only(
        "body",
        "edited",
        "skipped",
        "held",
        "look",
        "message_id",
        "pupil__legal_first_name",
        "pupil__legal_last_name",
        "pupil__preferred_first_name",
        "pupil__preferred_last_name",
        "guardian__title",
        "guardian__first_name",
        "guardian__last_name",
        "guardian__preferred_language",
    )


def batch_sample(batch: NudgeBatch, longest: Sequence[int]) -> list[Nudge]:
    """A few of the summaries nobody needs to look at, chosen at random but the same each time
    the page is shown (seeded by the batch), so two readers see the same ones."""
    others = list(
        Nudge.objects.filter(batch=batch)
        .exclude(to_look_at(batch, longest))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = random.Random(batch.pk).sample(others, min(SAMPLE_SIZE, len(others)))
    return list(_with_people(Nudge.objects.filter(pk__in=chosen)).order_by("pk"))


def batch_nudges(
    batch: NudgeBatch, *, longest: Sequence[int], show: str = "look", search: str = ""
) -> QuerySet[Nudge]:
    """The summaries to list: those to look at (the default), held back, skipped or all,
    narrowed by a search on the child's or the parent's name."""
    nudges = Nudge.objects.filter(batch=batch)
    if show == "look":
        nudges = nudges.filter(to_look_at(batch, longest))
    elif show == "held":
        nudges = nudges.filter(held=True, message__isnull=True)
    elif show == "skipped":
        nudges = nudges.filter(skipped=True)
    for word in search.split()[:4]:
        nudges = nudges.filter(
            Q(pupil__legal_first_name__icontains=word)
            | Q(pupil__legal_last_name__icontains=word)
            | Q(pupil__preferred_first_name__icontains=word)
            | Q(pupil__preferred_last_name__icontains=word)
            | Q(guardian__first_name__icontains=word)
            | Q(guardian__last_name__icontains=word)
        )
    return _with_people(nudges).order_by(
        "pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "guardian_id"
    )
