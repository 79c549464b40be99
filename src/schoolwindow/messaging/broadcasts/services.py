"""Announcements to many families: who they reach, and queueing one copy per guardian.

A guardian with two children in the audience gets one copy (about the first child, for the
family-side signal, with a FamilyMessage row per child). Guardians under a contact restriction
for a child in the audience get nothing; each is audited once per broadcast.

A scheduled announcement reaches nobody before its time: every copy waits in the outbox
(`not_before`), the copies in the app and the letters too, which the worker releases when due
(`outbox.held_release`), and parents see it in the app only from then (`selectors`).

Announcements are one-way. Parents read them in the app like any message, but nobody replies
into one: a family's answer (written from the announcement's page, through the link in the email
or text, or as an email or text reply) goes into that family's own conversation with the school
about it (`announcement_answer`), which the announcement's author is in.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import ANNOUNCE_TO_OWN_GROUPS, SEND_ANNOUNCEMENTS
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.once import content_token, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement.models import FamilyMessage
from schoolwindow.messaging.broadcasts.video import video_url
from schoolwindow.messaging.conversations.services import (
    conversation_url,
    guardian_message_create,
)
from schoolwindow.messaging.delivery.quiet import send_not_before
from schoolwindow.messaging.delivery.services import (
    check_urgent,
    clean_body,
    family_delivery_build,
    family_signal_sync,
    guardian_is_restricted,
    restriction_refuse,
    staff_id_at,
)
from schoolwindow.messaging.models import (
    Attachment,
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryStatus,
    Message,
    Participant,
)
from schoolwindow.people.contact import contactable_links, restricted_links
from schoolwindow.people.models import (
    Channel,
    Guardian,
    Pupil,
    PupilStatus,
    Staff,
)
from schoolwindow.schools.models import School

# Who may send to a whole school, year or group. Teachers may write to their own classes.


@dataclass(frozen=True)
class Audience:
    guardian_pupils: dict[int, list[int]]  # guardian id → their children in the audience
    restricted: set[tuple[int, int]]  # (guardian, pupil) pairs left out

    @property
    def size(self) -> int:
        return len(self.guardian_pupils)


def audience_pupils(
    *,
    school_id: int,
    audience: str,
    year_group_id: int | None = None,
    group_id: int | None = None,
    pupil_ids: Sequence[int] = (),
) -> QuerySet[Pupil]:
    pupils = Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE)
    if audience == AudienceKind.YEAR:
        return pupils.filter(year_group_id=year_group_id)
    if audience == AudienceKind.GROUP:
        return pupils.filter(enrolments__group_id=group_id or 0, enrolments__active=True).distinct()
    if audience == AudienceKind.LIST:
        return pupils.filter(pk__in=list(pupil_ids))
    return pupils


def audience_resolve(broadcast: Broadcast) -> Audience:
    pupils = audience_pupils(
        school_id=broadcast.school_id,
        audience=broadcast.audience,
        year_group_id=broadcast.year_group_id,
        group_id=broadcast.group_id,
        pupil_ids=broadcast.pupil_ids,
    )
    in_audience = {"school_id": broadcast.school_id, "pupil__in": pupils.values("pk")}
    restricted: set[tuple[int, int]] = set(
        restricted_links(**in_audience).values_list("guardian_id", "pupil_id")
    )
    guardian_pupils: dict[int, list[int]] = {}
    for guardian_id, pupil_id in (
        contactable_links(**in_audience)
        .order_by("guardian_id", "pupil_id")
        .values_list("guardian_id", "pupil_id")
    ):
        guardian_pupils.setdefault(guardian_id, []).append(pupil_id)
    # A guardian restricted for any child in the audience gets nothing from this broadcast:
    # an announcement to "Year 7 families" is about that child too.
    for guardian_id, _pupil_id in restricted:
        guardian_pupils.pop(guardian_id, None)
    return Audience(guardian_pupils=guardian_pupils, restricted=restricted)


def broadcast_create(
    *,
    actor: Actor,
    school_id: int,
    subject: str,
    body: str,
    audience: str,
    year_group_id: int | None = None,
    group_id: int | None = None,
    pupil_ids: Sequence[int] = (),
    urgent: bool = False,
    scheduled_for: dt.datetime | None = None,
    video_link: str = "",
) -> Broadcast:
    """A draft announcement; `broadcast_queue` sends it (now, or at `scheduled_for`)."""
    staff_id = staff_id_at(actor, school_id)
    if not actor.can(SEND_ANNOUNCEMENTS, school_id):
        if not (audience == AudienceKind.GROUP and actor.can(ANNOUNCE_TO_OWN_GROUPS, school_id)):
            raise Refused
        from schoolwindow.people.models import TeachingAssignment

        if not TeachingAssignment.objects.filter(
            school_id=school_id, group_id=group_id or 0, staff_id=staff_id
        ).exists():
            raise Refused
    check_urgent(actor, school_id, urgent)
    body = clean_body(body)
    if not subject.strip():
        raise Invalid(_("Give the announcement a subject."), field="subject")
    if audience not in AudienceKind.values:
        raise Invalid(_("Choose who the announcement is for."), field="audience")
    if audience == AudienceKind.YEAR and year_group_id is None:
        raise Invalid(_("Choose a year group."), field="year_group")
    if audience == AudienceKind.GROUP and group_id is None:
        raise Invalid(_("Choose a class or group."), field="group")
    if audience == AudienceKind.LIST and not pupil_ids:
        raise Invalid(_("Choose at least one pupil."), field="pupils")
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            school_id=school_id,
            created_by_id=staff_id,
            subject=subject.strip()[:200],
            body=body,
            audience=audience,
            year_group_id=year_group_id,
            group_id=group_id,
            pupil_ids=list(pupil_ids),
            urgent=urgent,
            scheduled_for=scheduled_for,
            video_link=video_link,
        )
        audit_record(actor=actor, action="messaging.broadcast_created", target=broadcast)
    return broadcast


def broadcast_queue(*, actor: Actor, broadcast: Broadcast) -> int:
    """Write the message and one copy per guardian, in one transaction; return the copies.

    A scheduled broadcast's copies all wait (not_before) until its time — in the app and as
    letters too, released by the worker when due — and its message is dated then. Queueing
    twice queues once.
    """
    staff_id_at(actor, broadcast.school_id)
    with transaction.atomic():
        locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if locked.status in (BroadcastStatus.QUEUED, BroadcastStatus.SCHEDULED):
            return Delivery.objects.filter(message__broadcast=locked).count()
        if locked.status == BroadcastStatus.CANCELLED:
            raise Invalid(_("This announcement was cancelled."))
        audience = audience_resolve(locked)
        now = timezone.now()
        # The time it goes out: now, or its time when that is still to come.
        due = locked.scheduled_for if locked.scheduled_for and locked.scheduled_for > now else None
        conversation = Conversation.objects.create(
            school_id=locked.school_id,
            subject=locked.subject,
            kind=ConversationKind.BROADCAST,
            created_by_id=locked.created_by_id,
            last_message_at=due or now,
        )
        if locked.created_by_id is not None:
            # Their own announcement is not news to its author (nor when its time comes).
            Participant.objects.create(
                school_id=locked.school_id,
                conversation=conversation,
                staff_id=locked.created_by_id,
                last_read_at=due or now,
            )
        message = Message.objects.create(
            school_id=locked.school_id,
            conversation=conversation,
            author_staff_id=locked.created_by_id,
            body=locked.body,
            urgent=locked.urgent,
            broadcast=locked,
        )
        held_until = None
        if due is not None:
            # Families see it dated when it reached them.
            Message.objects.filter(pk=message.pk).update(created_at=due)
            message.created_at = due
            # Emails and texts at its time, or when the quiet hours that time falls in end.
            held_until = send_not_before(school_id=locked.school_id, now=due, urgent=locked.urgent)
        guardians = Guardian.objects.in_bulk(list(audience.guardian_pupils))
        pupils = Pupil.objects.in_bulk([ids[0] for ids in audience.guardian_pupils.values()])
        copies = []
        released = send_not_before(school_id=locked.school_id, now=now, urgent=locked.urgent)
        for guardian_id, pupil_ids in audience.guardian_pupils.items():
            copy = family_delivery_build(
                message=message,
                guardian=guardians[guardian_id],
                pupil=pupils[pupil_ids[0]],
                subject=locked.subject,
                now=now,
                not_before=released,
            )
            if due is not None and held_until is not None:
                # Nothing before its time: not in the app, not as a letter to print.
                copy.status = DeliveryStatus.QUEUED
                copy.sent_at = copy.delivered_at = None
                copy.not_before = (
                    due if copy.channel in (Channel.APP, Channel.LETTER) else held_until
                )
            copies.append(copy)
        Delivery.objects.bulk_create(copies, batch_size=2000)
        FamilyMessage.objects.bulk_create(
            [
                FamilyMessage(
                    school_id=locked.school_id,
                    pupil_id=pupil_id,
                    guardian_id=copy.guardian_id,
                    sent_at=due or now,
                    delivered_at=copy.delivered_at,
                    needs_reply=False,
                    source_id=f"delivery:{copy.pk}"
                    if pupil_id == copy.pupil_id
                    else f"delivery:{copy.pk}:{pupil_id}",
                )
                for copy in copies
                for pupil_id in audience.guardian_pupils[copy.guardian_id or 0]
            ],
            batch_size=2000,
        )
        for guardian_id, pupil_id in sorted(audience.restricted):
            audit_record(
                actor=actor,
                action="messaging.contact_refused",
                school_id=locked.school_id,
                detail={
                    "guardian_id": guardian_id,
                    "pupil_id": pupil_id,
                    "what": "broadcast",
                    "broadcast_id": locked.pk,
                },
            )
        locked.status = BroadcastStatus.SCHEDULED if due is not None else BroadcastStatus.QUEUED
        locked.queued_at = now
        locked.save(update_fields=["status", "queued_at"])
        audit_record(
            actor=actor,
            action="messaging.broadcast_queued",
            target=locked,
            detail={"copies": len(copies)},
        )
    return len(copies)


# --- A family's answer ------------------------------------------------------------------------


def answer_subject(subject: str) -> str:
    return f"Re: {subject}"[:200]


def announcement_answer(
    *,
    actor: Actor,
    copy: Delivery,
    body: str,
    once: uuid.UUID | None = None,
) -> Message:
    """A family answers an announcement (their `copy` of it): the message goes into their own
    conversation with the school about it, started on the first answer, never into the
    announcement. The announcement's author is in it (and is told); it is about the child the
    copy was about. Their copies of the announcement count as answered.

    A family under a contact restriction for that child is refused (ContactRestricted, audited).
    """
    guardian_id = copy.guardian_id
    if guardian_id is None or copy.message.broadcast_id is None:
        raise Refused
    body = clean_body(body)
    if guardian_is_restricted(copy.school_id, guardian_id, copy.pupil_id):
        raise restriction_refuse(
            actor=actor,
            school_id=copy.school_id,
            guardian_id=guardian_id,
            pupil_id=copy.pupil_id,
            what="answer to an announcement",
        )
    now = timezone.now()
    with transaction.atomic():
        # One family's answers are written one at a time, so they share one conversation.
        broadcast = Broadcast.objects.select_for_update().get(pk=copy.message.broadcast_id)
        claim = once_claim(once, actor=actor, repeated=_("This message was already sent."))
        conversation = announcement_answer_conversation(
            broadcast_id=broadcast.pk, guardian_id=guardian_id
        )
        if conversation is None:
            conversation = Conversation.objects.create(
                school_id=broadcast.school_id,
                pupil_id=copy.pupil_id,
                subject=answer_subject(broadcast.subject),
                kind=ConversationKind.CONVERSATION,
                in_answer_to=broadcast,
                last_message_at=now,
            )
            people = [
                Participant(
                    school_id=broadcast.school_id,
                    conversation=conversation,
                    guardian_id=guardian_id,
                )
            ]
            if Staff.objects.filter(pk=broadcast.created_by_id or 0, active=True).exists():
                people.append(
                    Participant(
                        school_id=broadcast.school_id,
                        conversation=conversation,
                        staff_id=broadcast.created_by_id,
                    )
                )
            Participant.objects.bulk_create(people)
            audit_record(
                actor=actor,
                action="messaging.announcement_answered",
                target=conversation,
                detail={"broadcast_id": broadcast.pk, "guardian_id": guardian_id},
            )
        message = guardian_message_create(
            conversation=conversation,
            guardian_id=guardian_id,
            body=body,
            actor=actor,
            replying_to=copy,
        )
        # The family answered the announcement: each of their copies of it is answered.
        answered = list(
            Delivery.objects.filter(
                message__broadcast=broadcast, guardian_id=guardian_id, replied_at__isnull=True
            )
            .exclude(status=DeliveryStatus.CANCELLED)
            .select_related("message")
        )
        for delivery in answered:
            delivery.replied_at = now
            delivery.read_at = delivery.read_at or now
            if delivery.status not in (DeliveryStatus.BOUNCED, DeliveryStatus.FAILED):
                delivery.status = DeliveryStatus.REPLIED
        Delivery.objects.bulk_update(answered, ["replied_at", "read_at", "status"])
        family_signal_sync(answered)
        once_done(claim, conversation_url(conversation.pk) + f"#m{message.pk}")
    return message


def announcement_answer_conversation(*, broadcast_id: int, guardian_id: int) -> Conversation | None:
    """The family's conversation answering this announcement, if they have started one."""
    return (
        Conversation.objects.filter(
            in_answer_to_id=broadcast_id, participants__guardian_id=guardian_id
        )
        .order_by("pk")
        .first()
    )


def broadcast_send(
    *, actor: Actor, school: School, data: dict[str, Any], once: uuid.UUID | None = None
) -> tuple[Broadcast, int]:
    """Create the announcement with its files, and queue it (now, or for its time). `once` is
    the form's token (core/once.py): the same form sent twice makes one announcement."""
    audience = data["audience"]
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This announcement was already sent."))
        same_today = once_claim(
            same_announcement_token(actor=actor, school=school, data=data) if once else None,
            actor=actor,
            repeated=_("You sent this announcement to the same families today already."),
        )
        broadcast = broadcast_create(
            actor=actor,
            school_id=school.pk,
            subject=data["subject"],
            body=data["body"],
            audience=audience,
            year_group_id=data["year_group"].pk
            if audience == AudienceKind.YEAR and data.get("year_group")
            else None,
            group_id=data["group"].pk
            if audience == AudienceKind.GROUP and data.get("group")
            else None,
            pupil_ids=[p.pk for p in data.get("pupils") or []]
            if audience == AudienceKind.LIST
            else [],
            urgent=bool(data.get("urgent")),
            scheduled_for=data.get("scheduled_for"),
            video_link=data.get("video_link", ""),
        )
        for upload, content_type in data.get("attachments") or []:
            Attachment.objects.create(
                school=school,
                broadcast=broadcast,
                file=upload,
                name=(upload.name or "file")[:200],
                content_type=content_type,
                size=upload.size or 0,
            )
        if data.get("video") or data.get("video_link"):
            if data.get("video"):
                broadcast.video = data["video"]
                broadcast.video_poster = data["video_poster"]
            line = _("Watch the video: %(link)s") % {"link": video_url(broadcast)}
            broadcast.body = f"{broadcast.body}\n\n{line}"
            broadcast.save(update_fields=["video", "video_poster", "body"])
        copies = broadcast_queue(actor=actor, broadcast=broadcast)
        # The attachments go with the message that carries the announcement.
        Attachment.objects.filter(broadcast=broadcast).update(
            message=broadcast.messages.order_by("pk").first()
        )
        detail = reverse("families:broadcast_detail", args=[broadcast.pk])
        once_done(claim, detail)
        once_done(same_today, detail)
    return broadcast, copies


def same_announcement_token(*, actor: Actor, school: School, data: dict[str, Any]) -> uuid.UUID:
    """One announcement per author, audience, words and time each day: a second tab opened on
    the compose page sends nothing twice, and tomorrow the same words can go again."""
    audience = data["audience"]
    who = {
        AudienceKind.YEAR: getattr(data.get("year_group"), "pk", ""),
        AudienceKind.GROUP: getattr(data.get("group"), "pk", ""),
        AudienceKind.LIST: sorted(p.pk for p in data.get("pupils") or []),
    }.get(audience, "")
    return content_token(
        "announcement",
        school.pk,
        actor.user.pk if actor.user else "",
        timezone.localdate(),
        audience,
        who,
        data.get("scheduled_for") or "",
        data["subject"].strip(),
        data["body"].strip(),
    )
