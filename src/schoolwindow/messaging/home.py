"""Messaging's blocks on the home page, the trust officer's figure, and a child's recent messages.

Bounded like every home block: counts, the first few rows (`HOME_TOP`), a link to the full
list, in a fixed number of queries. Which block shows is decided by the home capabilities;
which records, by the conversation policy, `people/contact.py` (through `reach`) and the
capabilities that guard each page linked to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from schoolwindow.core.capabilities import (
    HOME_CLASSES,
    HOME_MY_REPLIES,
    HOME_OFFICE,
    HOME_SCHOOL_GLANCE,
    HOME_TRIAGE,
    PRINT_LETTERS,
)
from schoolwindow.core.panels import HOME_TOP, ParentHomeSubject
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.broadcasts.video import video_url
from schoolwindow.messaging.conversations.inbox_selectors import (
    guardian_inbox,
    guardian_inbox_rows,
    waiting_for_reply,
)
from schoolwindow.messaging.conversations.selectors import announcement_copies
from schoolwindow.messaging.delivery.reach import UnreachableFamily, unreachable_families
from schoolwindow.messaging.models import (
    ContactLog,
    Conversation,
    Delivery,
    DeliveryStatus,
    Message,
    Participant,
    Tone,
)
from schoolwindow.messaging.policies import staff_scope
from schoolwindow.people.models import Enrolment, Guardian, Pupil, PupilStatus, TeachingAssignment
from schoolwindow.schools.models import School

RECENT_MESSAGES = 3
PRAISE_GAP_DAYS = 30


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- Families waiting for a reply ---------------------------------------------------------------


@dataclass(frozen=True)
class WaitingLine:
    conversation_id: int
    subject: str
    pupil_name: str
    family_name: str
    since: dt.datetime


@dataclass(frozen=True)
class WaitingBlock:
    count: int
    lines: list[WaitingLine]
    whole_school: bool


def families_waiting(actor: Actor) -> WaitingBlock:
    """Conversations where the family wrote last, oldest first: every one the actor may see at
    the schools where they triage, and elsewhere the ones they are in."""
    triage = actor.schools_where(HOME_TRIAGE)
    mine = Participant.objects.filter(staff_id__in=list(actor.staff_ids.values()))
    scope = Q(pk__in=mine.values("conversation_id"))
    if triage:
        scope |= Q(school_id__in=triage) & staff_scope(actor)
    conversations = waiting_for_reply(
        Conversation.objects.filter(school_id__in=list(actor.staff_ids)).filter(scope)
    )
    top = list(
        conversations.select_related("pupil")
        .only(
            "id",
            "subject",
            "last_message_at",
            "pupil__legal_first_name",
            "pupil__preferred_first_name",
            "pupil__legal_last_name",
            "pupil__preferred_last_name",
        )
        .order_by("last_message_at", "id")[:HOME_TOP]
    )
    guardians = Guardian.objects.in_bulk(
        [c.waiting_guardian_id for c in top]  # type: ignore[attr-defined]
    )
    lines = []
    for conversation in top:
        guardian = guardians.get(conversation.waiting_guardian_id)  # type: ignore[attr-defined]
        lines.append(
            WaitingLine(
                conversation_id=conversation.pk,
                subject=conversation.subject,
                pupil_name=conversation.pupil.display_name if conversation.pupil else "",
                family_name=guardian.display_name if guardian else "",
                since=conversation.last_message_at,
            )
        )
    return WaitingBlock(count=conversations.count(), lines=lines, whole_school=bool(triage))


def home_families_waiting(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not (actor.can_anywhere(HOME_TRIAGE) or actor.can_anywhere(HOME_MY_REPLIES)):
        return None
    return {"block": families_waiting(actor)}


# --- Praise (teachers) --------------------------------------------------------------------------


@dataclass(frozen=True)
class PraiseBlock:
    sent_this_week: int
    not_praised_count: int
    not_praised: list[Pupil]
    first_group_id: int | None


def praise_block(actor: Actor, today: dt.date) -> PraiseBlock:
    staff_ids = list(actor.staff_ids.values())
    sent = Message.objects.filter(
        author_staff_id__in=staff_ids,
        tone=Tone.POSITIVE,
        created_at__gte=start_of(week_start(today)),
    ).count()
    cutoff = start_of(today - dt.timedelta(days=PRAISE_GAP_DAYS))
    groups = TeachingAssignment.objects.filter(staff_id__in=staff_ids, group__active=True)
    praised_copy = Delivery.objects.filter(
        school_id=OuterRef("school_id"),
        pupil_id=OuterRef("pk"),
        message__tone=Tone.POSITIVE,
        message__author_staff__isnull=False,
        queued_at__gte=cutoff,
    ).exclude(status=DeliveryStatus.CANCELLED)
    praised_contact = ContactLog.objects.filter(
        school_id=OuterRef("school_id"),
        pupil_id=OuterRef("pk"),
        tone=Tone.POSITIVE,
        happened_at__gte=cutoff,
    )
    pupils = (
        Pupil.objects.filter(
            status=PupilStatus.ACTIVE,
            pk__in=Enrolment.objects.filter(
                active=True, group_id__in=groups.values("group_id")
            ).values("pupil_id"),
        )
        .exclude(Exists(praised_copy))
        .exclude(Exists(praised_contact))
    )
    return PraiseBlock(
        sent_this_week=sent,
        not_praised_count=pupils.count(),
        not_praised=list(
            pupils.select_related("year_group").order_by("legal_last_name", "pk")[:HOME_TOP]
        ),
        first_group_id=groups.order_by("group__name").values_list("group_id", flat=True).first(),
    )


def home_praise(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not actor.can_anywhere(HOME_CLASSES):
        return None
    return {"block": praise_block(actor, today), "gap_days": PRAISE_GAP_DAYS}


# --- Families we can't reach, letters to print -------------------------------------------------


@dataclass(frozen=True)
class ReachBlock:
    school_id: int
    school_name: str
    count: int
    families: list[UnreachableFamily]


def home_unreachable(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    school_ids = [
        sid for sid in actor.schools_where(HOME_SCHOOL_GLANCE) if actor.can(PRINT_LETTERS, sid)
    ]
    if not school_ids:
        return None
    names = dict(School.objects.filter(pk__in=school_ids).values_list("pk", "name"))
    blocks = []
    for sid in sorted(school_ids, key=lambda sid: names.get(sid, "")):
        # Three queries a school (the reach code's own); a leader has one school, or a few.
        families = unreachable_families(sid)
        blocks.append(
            ReachBlock(
                school_id=sid,
                school_name=names.get(sid, ""),
                count=len(families),
                families=families[:HOME_TOP],
            )
        )
    return {"blocks": blocks, "show_school": len(blocks) > 1}


@dataclass(frozen=True)
class LetterCount:
    school_id: int
    school_name: str
    count: int


def home_letters(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    school_ids = [sid for sid in actor.schools_where(HOME_OFFICE) if actor.can(PRINT_LETTERS, sid)]
    if not school_ids:
        return None
    counts = dict(
        Delivery.objects.filter(school_id__in=school_ids, status=DeliveryStatus.LETTER)
        .values("school_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("school_id", "n")
    )
    names = dict(School.objects.filter(pk__in=school_ids).values_list("pk", "name"))
    rows = [
        LetterCount(school_id=sid, school_name=names.get(sid, ""), count=counts.get(sid, 0))
        for sid in sorted(school_ids, key=lambda sid: names.get(sid, ""))
    ]
    return {"rows": rows, "total": sum(row.count for row in rows), "show_school": len(rows) > 1}


def unreachable_figure(school_ids: Sequence[int], today: dt.date) -> dict[int, str]:
    return {sid: str(len(unreachable_families(sid))) for sid in school_ids}


# --- A child's recent messages (their parent's page) ------------------------------------------


def child_messages_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    if actor.guardian_id is None:
        return None
    conversations = list(guardian_inbox(actor=actor).filter(pupil_id=pupil.pk)[:RECENT_MESSAGES])
    return {
        "rows": guardian_inbox_rows(actor=actor, conversations=conversations),
        "pupil": pupil,
    }


def parent_home_messages(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    """The parent's home: the newest conversations about this child and the announcements of
    the child's school, and how many of those are new."""
    if actor.guardian_id is None:
        return None
    child = subject.child
    about_child = guardian_inbox(actor=actor).filter(
        Q(pupil_id=child.pk) | Q(pupil__isnull=True, school_id=child.school_id)
    )
    conversations = list(
        about_child.select_related("school", "pupil").order_by("-last_message_at", "-pk")[
            :RECENT_MESSAGES
        ]
    )
    rows = guardian_inbox_rows(actor=actor, conversations=conversations)
    return {"rows": rows, "pupil": child, "unread": sum(1 for row in rows if row.unread)}


HEAD_VIDEO_FRESH_DAYS = 60


def parent_home_video(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    """The parent's home: the latest announcement with a video (the head's message) from the
    child's school that reached this parent, while it is news. The video itself is one link
    away, so the home page stays small on a slow phone."""
    if actor.guardian_id is None:
        return None
    since = timezone.now() - dt.timedelta(days=HEAD_VIDEO_FRESH_DAYS)
    copy = (
        announcement_copies(actor.guardian_id)
        .filter(
            message__broadcast__school_id=subject.child.school_id, message__created_at__gte=since
        )
        .filter(~Q(message__broadcast__video="") | ~Q(message__broadcast__video_link=""))
        .select_related("message__broadcast", "message__conversation")
        .order_by("-message__created_at", "-pk")
        .first()
    )
    if copy is None or copy.message.broadcast is None:
        return None
    broadcast = copy.message.broadcast
    watch = video_url(broadcast, absolute=False) if broadcast.video else broadcast.video_link
    return {
        "broadcast": broadcast,
        "sent_at": copy.message.created_at,
        "watch_url": watch,
        "read_url": reverse("messaging:conversation", args=[copy.message.conversation_id]),
        "school": subject.child.school,
    }
