"""Announcements to many families: who they reach, and queueing one copy per guardian.

A guardian with two children in the audience gets one copy (about the first child, for the
family-side signal, with a FamilyMessage row per child). Guardians under a contact restriction
for a child in the audience get nothing; each is audited once per broadcast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement.models import FamilyMessage
from schoolwindow.messaging.models import (
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Conversation,
    ConversationKind,
    Delivery,
    Message,
    Participant,
)
from schoolwindow.messaging.services import (
    check_urgent,
    clean_body,
    family_delivery_build,
    staff_id_at,
)
from schoolwindow.people.models import Guardian, GuardianLink, Pupil, PupilStatus

# Who may send to a whole school, year or group. Teachers may write to their own classes.
BROADCAST_ROLES = ("leader", "pastoral", "office", "dsl")


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
    links = GuardianLink.objects.filter(
        school_id=broadcast.school_id, pupil__in=pupils.values("pk")
    ).order_by("guardian_id", "pupil_id")
    guardian_pupils: dict[int, list[int]] = {}
    restricted: set[tuple[int, int]] = set()
    for guardian_id, pupil_id, is_restricted in links.values_list(
        "guardian_id", "pupil_id", "contact_restricted"
    ):
        if is_restricted:
            restricted.add((guardian_id, pupil_id))
        else:
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
    if not actor.has_role(school_id, *BROADCAST_ROLES):
        if not (audience == AudienceKind.GROUP and actor.has_role(school_id, "teacher")):
            raise PermissionDenied
        from schoolwindow.people.models import TeachingAssignment

        if not TeachingAssignment.objects.filter(
            school_id=school_id, group_id=group_id or 0, staff_id=staff_id
        ).exists():
            raise PermissionDenied
    check_urgent(actor, school_id, urgent)
    body = clean_body(body)
    if not subject.strip():
        raise ValueError(_("Give the announcement a subject."))
    if audience not in AudienceKind.values:
        raise ValueError(_("Choose who the announcement is for."))
    if audience == AudienceKind.YEAR and year_group_id is None:
        raise ValueError(_("Choose a year group."))
    if audience == AudienceKind.GROUP and group_id is None:
        raise ValueError(_("Choose a class or group."))
    if audience == AudienceKind.LIST and not pupil_ids:
        raise ValueError(_("Choose at least one pupil."))
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

    A scheduled broadcast's copies wait (not_before) until its time. Queueing twice queues once.
    """
    staff_id_at(actor, broadcast.school_id)
    with transaction.atomic():
        locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if locked.status in (BroadcastStatus.QUEUED, BroadcastStatus.SCHEDULED):
            return Delivery.objects.filter(message__broadcast=locked).count()
        if locked.status == BroadcastStatus.CANCELLED:
            raise ValueError(_("This announcement was cancelled."))
        audience = audience_resolve(locked)
        now = timezone.now()
        conversation = Conversation.objects.create(
            school_id=locked.school_id,
            subject=locked.subject,
            kind=ConversationKind.BROADCAST,
            created_by_id=locked.created_by_id,
            last_message_at=now,
        )
        if locked.created_by_id is not None:
            Participant.objects.create(
                school_id=locked.school_id, conversation=conversation, staff_id=locked.created_by_id
            )
        message = Message.objects.create(
            school_id=locked.school_id,
            conversation=conversation,
            author_staff_id=locked.created_by_id,
            body=locked.body,
            urgent=locked.urgent,
            broadcast=locked,
        )
        guardians = Guardian.objects.in_bulk(list(audience.guardian_pupils))
        pupils = Pupil.objects.in_bulk([ids[0] for ids in audience.guardian_pupils.values()])
        copies = []
        for guardian_id, pupil_ids in audience.guardian_pupils.items():
            copy = family_delivery_build(
                message=message,
                guardian=guardians[guardian_id],
                pupil=pupils[pupil_ids[0]],
                subject=locked.subject,
                now=now,
            )
            if locked.scheduled_for is not None and locked.scheduled_for > copy.not_before:
                copy.not_before = locked.scheduled_for
            copies.append(copy)
        Delivery.objects.bulk_create(copies, batch_size=2000)
        FamilyMessage.objects.bulk_create(
            [
                FamilyMessage(
                    school_id=locked.school_id,
                    pupil_id=pupil_id,
                    guardian_id=copy.guardian_id,
                    sent_at=locked.scheduled_for or now,
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
        locked.status = (
            BroadcastStatus.SCHEDULED
            if locked.scheduled_for and locked.scheduled_for > now
            else BroadcastStatus.QUEUED
        )
        locked.queued_at = now
        locked.save(update_fields=["status", "queued_at"])
        audit_record(
            actor=actor,
            action="messaging.broadcast_queued",
            target=locked,
            detail={"copies": len(copies)},
        )
    return len(copies)
