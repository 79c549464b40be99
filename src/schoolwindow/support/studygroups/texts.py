"""Checking in by text, for a pupil with no data: a daily text to the member's phone at the
group's time, and "1", "2" or "3" back records the check-in exactly as the tap does.

The daily job (core/scheduler.py, each school morning; or `schoolwindow manage
studygroup_texts`) writes one `CheckInText` per member and day in the same transaction as its
outbox copy (`messaging.api.pupil_text_queue`, not before the group's time). The unique key on
the CheckInText and the outbox's own idempotency key mean the job run twice texts once, and the
outbox sends each copy once even across a crash.

An answer arrives through messaging's inbound-text registry: `checkin_text_claim` claims a text
that reads as one of the three answers from a number that was sent a check-in text today. A
text it cannot read ("see you later") or from a number it did not text today goes on to the
family's conversation as before — on a parent's phone it may well be meant for the school.
A phone shared by two pupils who both got a text today cannot say whose answer it is: that
text also goes on, and the pupils check in in the app.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from schoolwindow.core.permissions import system_actor
from schoolwindow.messaging.api import SmsClaim, phone_normalise, pupil_text_queue
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import PupilStatus
from schoolwindow.schools.calendar import school_days
from schoolwindow.support.studygroups.models import (
    Answer,
    CheckInText,
    StudyGroupMember,
    TextTo,
)
from schoolwindow.support.studygroups.services import checkin_by_text, phone_valid

# Answers by text are audited as "system (inbound)", like every reply that comes in.
INBOUND = system_actor("inbound")

WORDS = {
    "1": Answer.ON_IT,
    "on it": Answer.ON_IT,
    "ok": Answer.ON_IT,
    "2": Answer.NEED_HELP,
    "help": Answer.NEED_HELP,
    "need help": Answer.NEED_HELP,
    "3": Answer.CANT_TODAY,
    "cant": Answer.CANT_TODAY,
    "cant today": Answer.CANT_TODAY,
    "can not today": Answer.CANT_TODAY,
    "cannot today": Answer.CANT_TODAY,
}


def answer_from_text(text: str) -> str | None:
    """The answer a text carries ("1", " 1. ", "On it", "need help", "can't today"), or None."""
    words = re.sub(r"[^\w\s]", "", text.lower().replace("\u2019", "").replace("'", ""))
    words = " ".join(words.split())
    return WORDS.get(words)


def checkin_text_claim(sender: str, text: str, received_at: dt.datetime) -> SmsClaim | None:
    """messaging's inbound-text handler: the answer to today's check-in text, or None."""
    answer = answer_from_text(text)
    if answer is None:
        return None
    today = timezone.localdate(received_at)
    sent = list(
        CheckInText.objects.filter(address=phone_normalise(sender), day=today).order_by("pk")
    )
    if not sent or len({row.pupil_id for row in sent}) > 1:
        return None
    recorded = 0
    # One pupil in two groups answers both with one reply.
    for row in sent:
        if (
            checkin_by_text(
                actor=INBOUND,
                group_id=row.group_id,
                pupil_id=row.pupil_id,
                answer=answer,
                today=today,
            )
            is not None
        ):
            recorded += 1
    if not recorded:
        return None
    return SmsClaim(school_id=sent[0].school_id, detail=f"study group check-in: {answer}")


def checkin_text_body(group_name: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "%(group)s: how is today going? Reply 1 if you are on it, 2 if you need help, "
            "3 if you can't today."
        ) % {"group": group_name}


@dataclass
class TextsResult:
    queued: int = 0
    already: int = 0
    no_number: int = 0


def checkin_texts_queue(*, today: dt.date | None = None) -> TextsResult:
    """Queue today's check-in texts for every member who checks in by text, in groups of
    schools for which today is a school day; each at its group's time. Safe to run again."""
    today = today or timezone.localdate()
    result = TextsResult()
    members = list(
        StudyGroupMember.objects.filter(
            group__active=True, pupil__status=PupilStatus.ACTIVE, text_to__in=TextTo.values
        )
        .exclude(text_to=TextTo.APP)
        .select_related("group", "pupil", "text_guardian")
        .order_by("school_id", "group_id", "pupil_id")
    )
    if not members:
        return result
    done = set(CheckInText.objects.filter(day=today).values_list("member_id", flat=True))
    # The contact restriction, asked of people for every pair at once, on the day of sending.
    pairs = {(m.school_id, m.pupil_id, m.text_guardian_id) for m in members if m.text_guardian_id}
    allowed = set(
        contactable_links(
            school_id__in={s for s, _p, _g in pairs},
            pupil_id__in={p for _s, p, _g in pairs},
            guardian_id__in={g for _s, _p, g in pairs},
        ).values_list("school_id", "pupil_id", "guardian_id")
        if pairs
        else []
    )
    open_on: dict[int, bool] = {}
    for member in members:
        if member.school_id not in open_on:
            open_on[member.school_id] = bool(
                school_days(school_id=member.school_id, start=today, end=today)
            )
        if not open_on[member.school_id]:
            continue
        if member.pk in done:
            result.already += 1
            continue
        number = ""
        if member.text_to == TextTo.PUPIL:
            number = member.pupil.mobile
        elif (
            member.text_guardian is not None
            and (member.school_id, member.pupil_id, member.text_guardian_id) in allowed
        ):
            number = member.text_guardian.phone
        if not number or not phone_valid(number):
            result.no_number += 1
            continue
        if member_text_queue(member, number, today):
            result.queued += 1
        else:
            result.already += 1
    return result


def member_text_queue(member: StudyGroupMember, number: str, today: dt.date) -> bool:
    """The day's row and its outbox copy, in one transaction: both or neither."""
    at = timezone.make_aware(dt.datetime.combine(today, member.group.text_at))
    with transaction.atomic():
        row, created = CheckInText.objects.get_or_create(
            member=member,
            day=today,
            defaults={
                "school_id": member.school_id,
                "group_id": member.group_id,
                "pupil_id": member.pupil_id,
                "address": phone_normalise(number),
            },
        )
        if not created:
            return False
        row.delivery_id = pupil_text_queue(
            school_id=member.school_id,
            pupil_id=member.pupil_id,
            guardian_id=member.text_guardian_id if member.text_to == TextTo.GUARDIAN else None,
            address=number,
            body=checkin_text_body(member.group.name),
            key=f"studygroup-checkin:{member.pk}:{today.isoformat()}",
            not_before=at,
        )
        row.save(update_fields=["delivery_id"])
    return True


@task()
def checkin_texts_task(run_date: str | None = None) -> int:
    """The scheduler's daily job: queue the day's check-in texts. Returns how many."""
    day = dt.date.fromisoformat(run_date) if run_date else None
    return checkin_texts_queue(today=day).queued
