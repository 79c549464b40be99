"""Texts to a pupil's phone that are nobody's conversation: a study group's daily check-in.

Each copy goes through the outbox like any other text (claimed, sent once, retried, its fate
recorded), but it belongs to no family and no member of staff: it hangs off one message in a
per-school conversation of kind `PUPIL_TEXTS` that no inbox lists, carries no read link (a
pupil texted because they have no data could not open it) and feeds no early-warning fact.

Its idempotency key comes from the caller's key, so asking for the same text twice — a job run
twice, a retry after a crash — queues it once: the unique (school, idempotency_key) says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolwindow.messaging.delivery.channels.sms import phone_normalise
from schoolwindow.messaging.delivery.services import new_token
from schoolwindow.messaging.models import Conversation, ConversationKind, Delivery, Message
from schoolwindow.people.models import Channel

SUBJECT = "Texts to pupils"


def text_key(school_id: int, key: str) -> str:
    return hashlib.sha256(f"pupil-text:{school_id}:{key}".encode()).hexdigest()[:40]


def texts_conversation(school_id: int, now: dt.datetime) -> Conversation:
    conversation = (
        Conversation.objects.filter(school_id=school_id, kind=ConversationKind.PUPIL_TEXTS)
        .order_by("pk")
        .first()
    )
    if conversation is None:
        conversation = Conversation.objects.create(
            school_id=school_id,
            kind=ConversationKind.PUPIL_TEXTS,
            subject=SUBJECT,
            last_message_at=now,
        )
    return conversation


def pupil_text_queue(
    *,
    school_id: int,
    pupil_id: int,
    address: str,
    body: str,
    key: str,
    not_before: dt.datetime,
    guardian_id: int | None = None,
) -> int | None:
    """Queue one text for a pupil to `address`, not before `not_before`; the delivery's id, or
    None when a text with this key was queued before (nothing new is queued). With
    `guardian_id` the number is that guardian's phone: the outbox cancels the text unsent if
    they come under a contact restriction about the pupil before it goes."""
    now = timezone.now()
    idempotency_key = text_key(school_id, key)
    if Delivery.objects.filter(school_id=school_id, idempotency_key=idempotency_key).exists():
        return None
    with transaction.atomic():
        conversation = texts_conversation(school_id, now)
        message = Message.objects.create(
            school_id=school_id, conversation=conversation, body=body, language="en"
        )
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    school_id=school_id,
                    message=message,
                    pupil_id=pupil_id,
                    phone_of_id=guardian_id,
                    channel=Channel.SMS,
                    address=phone_normalise(address),
                    language="en",
                    body=body,
                    translation_method="original",
                    not_before=not_before,
                    idempotency_key=idempotency_key,
                    reply_token=new_token(),
                )
        except IntegrityError:
            message.delete()
            return None
    return delivery.pk
