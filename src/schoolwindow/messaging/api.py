"""The messaging app's public face: the only messaging module other apps may import.

The apps above messaging (support, portal, community, and whatever comes next) start
conversations, write to families, log contacts and ask what a family has read through these
functions, never through `messaging.conversations`, `messaging.delivery` or the other parts,
which may change shape. Each function is keyword-only and delegates to the service or selector
that does the work, with the same checks as the pages: the acting `Actor` must be allowed, a
guardian under a contact restriction is refused (`ContactRestricted`, audited), a body that is
empty or too long is a `ValueError`, and anything else out of reach is `PermissionDenied`.

Texts to a pupil's phone (a study group's daily check-in) are queued with `pupil_text_queue`
— through the outbox, once per key — and answers to them come back through a handler an app
registers with `register_inbound_sms_handler(name, handler)`: it is given each incoming text
(sender in E.164, text, time received) before the family routing and returns an `SmsClaim`
when the text was for it. `phone_normalise` writes a number the way the handlers see it.

`is_rtl(language)` and `base_language(language)` let a page written for a family set its
text's direction the way messaging does (Arabic and Urdu right to left).

Nothing here sends anything: messages are written with one outbox copy per recipient, in the
guardian's preferred channel and language, and the worker sends them (quiet hours apply unless
the message is urgent and the actor may mark it so).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Max

from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.conversations import services as conversation_services
from schoolwindow.messaging.delivery import selectors as delivery_selectors
from schoolwindow.messaging.delivery.channels.sms import phone_normalise
from schoolwindow.messaging.delivery.inbound import (
    SmsClaim,
    SmsHandler,
    register_inbound_sms_handler,
)
from schoolwindow.messaging.delivery.selectors import ReadCounts
from schoolwindow.messaging.delivery.services import ContactRestricted, guardian_ids_for_pupil
from schoolwindow.messaging.delivery.texts import pupil_text_queue
from schoolwindow.messaging.models import (
    ContactKind,
    ContactLog,
    ContactOutcome,
    Conversation,
    Message,
    Tone,
)
from schoolwindow.messaging.translation.services import base_language, is_rtl

__all__ = [
    "ContactKind",
    "ContactOutcome",
    "ContactRestricted",
    "ReadCounts",
    "SmsClaim",
    "SmsHandler",
    "base_language",
    "contact_record",
    "conversation_start",
    "family_contact_last",
    "family_message_queue",
    "family_read_counts",
    "family_reply",
    "is_rtl",
    "messages_undelivered",
    "phone_normalise",
    "pupil_text_queue",
    "register_inbound_sms_handler",
]


def conversation_start(
    *,
    actor: Actor,
    school_id: int,
    subject: str,
    body: str,
    guardian_ids: Sequence[int] = (),
    pupil_id: int | None = None,
    tone: str = Tone.NEUTRAL,
    needs_reply: bool = False,
) -> Conversation:
    """A member of staff starts one conversation with these guardians (about the pupil, when
    given). With a pupil and no guardians: everyone who may be contacted about the pupil."""
    if not guardian_ids and pupil_id is not None:
        guardian_ids = guardian_ids_for_pupil(school_id, pupil_id)
    [conversation] = conversation_services.conversation_start(
        actor=actor,
        school_id=school_id,
        pupil_id=pupil_id,
        guardian_ids=guardian_ids,
        subject=subject,
        body=body,
        tone=tone,
        needs_reply=needs_reply,
    )
    return conversation


def family_message_queue(
    *,
    actor: Actor,
    school_id: int,
    body: str,
    guardian_ids: Sequence[int] = (),
    pupil_id: int | None = None,
    subject: str = "",
    urgent: bool = False,
    tone: str = Tone.NEUTRAL,
) -> Message:
    """Queue a message to a family, in a new conversation with them: each guardian gets a copy
    by their own preferred channel (the app, email, text, or a letter when nothing else works),
    in their language. With a pupil and no guardians: everyone who may be contacted about the
    pupil. `urgent` (leaders, the DSL, pastoral leads and the office only) lets it through the
    school's quiet hours."""
    if not guardian_ids and pupil_id is not None:
        guardian_ids = guardian_ids_for_pupil(school_id, pupil_id)
    [conversation] = conversation_services.conversation_start(
        actor=actor,
        school_id=school_id,
        pupil_id=pupil_id,
        guardian_ids=guardian_ids,
        subject=subject,
        body=body,
        urgent=urgent,
        tone=tone,
    )
    return conversation.messages.get()


def contact_record(
    *,
    actor: Actor,
    pupil_id: int,
    kind: str,
    outcome: str,
    happened_at: dt.datetime,
    guardian_id: int | None = None,
    notes: str = "",
    tone: str = Tone.NEUTRAL,
    flag_id: int | None = None,
    once: uuid.UUID | None = None,
) -> ContactLog:
    """Log a call, meeting or visit with a pupil's family (`ContactKind`, `ContactOutcome`);
    with a `flag_id`, it counts as action on that watchlist flag."""
    return conversation_services.contact_log_record(
        actor=actor,
        pupil_id=pupil_id,
        guardian_id=guardian_id,
        kind=kind,
        outcome=outcome,
        happened_at=happened_at,
        notes=notes,
        tone=tone,
        flag_id=flag_id,
        once=once,
    )


def family_contact_last(*, school_id: int, pupil_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each pupil's family was last really in touch, in two queries whatever the count:
    a call, meeting or visit where someone spoke with them, or a message a parent or carer
    wrote in a conversation about the pupil (an answer, or one they started). A message the
    school sent and nobody answered is not contact; neither is a call nobody picked up."""
    ids = list(pupil_ids)
    last: dict[int, dt.datetime] = {}
    if not ids:
        return last
    logged = (
        ContactLog.objects.filter(
            school_id=school_id, pupil_id__in=ids, outcome=ContactOutcome.SPOKE
        )
        .values("pupil_id")
        .annotate(at=Max("happened_at"))
        .values_list("pupil_id", "at")
    )
    written = (
        Message.objects.filter(
            school_id=school_id,
            conversation__pupil_id__in=ids,
            author_guardian__isnull=False,
        )
        .values("conversation__pupil_id")
        .annotate(at=Max("created_at"))
        .values_list("conversation__pupil_id", "at")
    )
    for pupil_id, at in [*logged, *written]:
        if (
            pupil_id is not None
            and at is not None
            and (pupil_id not in last or at > last[pupil_id])
        ):
            last[pupil_id] = at
    return last


@dataclass(frozen=True)
class FamilyContact:
    """A call, meeting or visit where someone spoke with a pupil's family."""

    id: int
    pupil_id: int
    staff_id: int | None
    kind: str  # a ContactKind value
    happened_at: dt.datetime


def family_contacts_spoken(
    *,
    school_id: int,
    pupil_ids: Iterable[int] | None = None,
    since: dt.datetime | None = None,
    staff_ids: Iterable[int] | None = None,
) -> list[FamilyContact]:
    """Every logged contact where someone spoke with the family (what `family_contact_last`
    counts from the log), oldest first, in one query: for these pupils (the whole school when
    None), from `since`, by these staff (anyone when None)."""
    rows = ContactLog.objects.filter(
        school_id=school_id, pupil_id__isnull=False, outcome=ContactOutcome.SPOKE
    )
    if pupil_ids is not None:
        rows = rows.filter(pupil_id__in=list(pupil_ids))
    if since is not None:
        rows = rows.filter(happened_at__gte=since)
    if staff_ids is not None:
        rows = rows.filter(staff_id__in=list(staff_ids))
    return [
        FamilyContact(id=pk, pupil_id=pupil_id, staff_id=staff_id, kind=kind, happened_at=at)
        for pk, pupil_id, staff_id, kind, at in rows.order_by("happened_at", "id").values_list(
            "id", "pupil_id", "staff_id", "kind", "happened_at"
        )
    ]


def family_read_counts(
    *,
    actor: Actor,
    since: dt.datetime,
    until: dt.datetime,
    guardian_id: int | None = None,
    household_id: int | None = None,
) -> ReadCounts:
    """How many messages reached one guardian (or a household's guardians) in [since, until),
    and how many of them were read."""
    return delivery_selectors.family_read_counts(
        actor=actor,
        guardian_id=guardian_id,
        household_id=household_id,
        since=since,
        until=until,
    )


def family_reply(
    *, actor: Actor, conversation_id: int, body: str, once: uuid.UUID | None = None
) -> Message:
    """A parent (the acting guardian) writes in a conversation they are in: a reply to
    something the school sent them (a published report). NotFound when the conversation is not
    theirs to see; the same checks as the conversation page's reply box."""
    from schoolwindow.core.errors import NotFound

    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None or actor.guardian_id is None:
        raise NotFound
    return conversation_services.message_post(
        actor=actor, conversation=conversation, body=body, once=once
    )


def messages_undelivered(*, message_ids: Iterable[int]) -> set[int]:
    """Of these messages, those no copy of which reached a family: every copy to a guardian
    failed, bounced or was cancelled (a letter waiting to be printed still counts as on its
    way). One query whatever the count."""
    from django.db.models import Count, Q

    from schoolwindow.messaging.models import Delivery, DeliveryStatus

    ids = list(message_ids)
    if not ids:
        return set()
    lost = (DeliveryStatus.FAILED, DeliveryStatus.BOUNCED, DeliveryStatus.CANCELLED)
    rows = (
        Delivery.objects.filter(message_id__in=ids, guardian__isnull=False)
        .values("message_id")
        .annotate(copies=Count("id"), lost=Count("id", filter=Q(status__in=lost)))
        .values_list("message_id", "copies", "lost")
    )
    return {message_id for message_id, copies, lost_copies in rows if copies == lost_copies}
