"""Addressing messages: who may be contacted, who gets a copy on which channel, and the outbox
rows behind every message (conversations, announcements, summaries and praise all write here).

Every message is written with one Delivery per recipient in the same transaction, so a crash
loses nothing; the worker (`messaging.delivery.outbox`) sends them. Contact restrictions are
checked here, for every copy: a restricted guardian never gets anything about the child, and
each attempt is refused and written to the audit log (outside the refused transaction, so it
stays).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import SEND_URGENT
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.engagement.models import FamilyMessage
from schoolwindow.messaging.delivery.quiet import send_not_before
from schoolwindow.messaging.models import (
    Delivery,
    DeliveryStatus,
    Message,
    Participant,
)
from schoolwindow.messaging.translation.phrasebook import grammatical_gender
from schoolwindow.messaging.translation.services import render_for_family, subject_for_family
from schoolwindow.people.contact import guardians_contactable, may_contact, restricted_links
from schoolwindow.people.models import Channel, Guardian, GuardianLink, Pupil, Staff

MAX_BODY = 10_000
# Roles that may mark a message to families urgent, so it skips quiet hours.


class ContactRestricted(Refused):
    """A guardian may not be contacted about this child. The attempt has been audited."""


@dataclass(frozen=True)
class FamilyRecipient:
    guardian: Guardian
    pupil_id: int | None


# --- Who may be contacted -------------------------------------------------------------------


def staff_id_at(actor: Actor, school_id: int) -> int:
    staff_id = actor.staff_ids.get(school_id)
    if staff_id is None:
        raise Refused
    return staff_id


def pupil_for_staff(actor: Actor, pupil_id: int) -> Pupil:
    pupil = policy_for(Pupil).visible(actor).filter(pk=pupil_id).distinct().first()
    if pupil is None or pupil.school_id not in actor.staff_ids:
        raise Refused
    return pupil


def restriction_refuse(
    *, actor: Actor, school_id: int, guardian_id: int, pupil_id: int | None, what: str
) -> ContactRestricted:
    """Audit a refused attempt in its own transaction and return the error to raise."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="messaging.contact_refused",
            school_id=school_id,
            detail={"guardian_id": guardian_id, "pupil_id": pupil_id, "what": what},
        )
    return ContactRestricted(
        _("This person may not be contacted about this child. The attempt has been recorded.")
    )


def restricted_pairs(school_id: int, guardian_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(guardian, pupil) pairs at this school under a contact restriction."""
    return set(
        restricted_links(school_id=school_id, guardian_id__in=list(guardian_ids)).values_list(
            "guardian_id", "pupil_id"
        )
    )


def guardian_is_restricted(school_id: int, guardian_id: int, pupil_id: int | None) -> bool:
    """Restricted for this child; for a general message, restricted for any child here."""
    links = restricted_links(school_id=school_id, guardian_id=guardian_id)
    if pupil_id is not None:
        links = links.filter(pupil_id=pupil_id)
    return links.exists()


def family_recipients(
    *, actor: Actor, school_id: int, pupil_id: int | None, guardian_ids: Sequence[int]
) -> list[FamilyRecipient]:
    """The guardians asked for, each checked: linked to the child here, and not restricted."""
    links = GuardianLink.objects.filter(school_id=school_id, guardian_id__in=list(guardian_ids))
    if pupil_id is not None:
        links = links.filter(pupil_id=pupil_id)
    linked = {}
    for link in links.select_related("guardian"):
        if not may_contact(link):
            raise restriction_refuse(
                actor=actor,
                school_id=school_id,
                guardian_id=link.guardian_id,
                pupil_id=link.pupil_id,
                what="conversation",
            )
        linked[link.guardian_id] = link.guardian
    missing = set(guardian_ids) - set(linked)
    if missing:
        raise Refused(_("Those people can't be written to from here. Choose again."))
    return [FamilyRecipient(linked[gid], pupil_id) for gid in guardian_ids]


# --- Copies to send -------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(16)[:22]


def channel_for(guardian: Guardian) -> tuple[str, str]:
    """The guardian's preferred working channel and its address; a letter when there is none."""
    preferred = guardian.preferred_channel
    if preferred == Channel.APP and guardian.user_id is not None:
        return Channel.APP, ""
    if preferred == Channel.SMS and guardian.phone:
        return Channel.SMS, guardian.phone
    if preferred == Channel.LETTER:
        return Channel.LETTER, guardian.address
    if guardian.email:
        return Channel.EMAIL, guardian.email
    if guardian.phone:
        return Channel.SMS, guardian.phone
    if guardian.user_id is not None:
        return Channel.APP, ""
    return Channel.LETTER, guardian.address


def phrase_fields(pupil: Pupil | None, school_name: str = "") -> dict[str, str]:
    """The phrasebook's fields: {child} (first name) and {school} (the school's name)."""
    if not school_name and pupil is not None:
        school_name = pupil.school.name
    return {"child": pupil.first_name if pupil is not None else "", "school": school_name}


def family_delivery_build(
    *,
    message: Message,
    guardian: Guardian,
    pupil: Pupil | None,
    subject: str,
    now: dt.datetime,
    channel: str | None = None,
    fallback_of: Delivery | None = None,
    not_before: dt.datetime | None = None,
) -> Delivery:
    """One family copy. `not_before` may be passed in by a caller making thousands of copies of
    one message, so the school's quiet hours are read once, not once per copy."""
    if channel is None:
        channel, address = channel_for(guardian)
    else:
        address = guardian.email if channel == Channel.EMAIL else guardian.phone
        if channel == Channel.LETTER:
            address = guardian.address
    gender = grammatical_gender(pupil.gender) if pupil is not None else ""
    rendering = render_for_family(
        body=message.body,
        language=guardian.preferred_language,
        phrase_key=message.phrase_key,
        fields=phrase_fields(pupil, message.school.name),
        gender=gender,
    )
    if rendering.language != "en":
        subject = subject_for_family(subject=subject, language=rendering.language, gender=gender)[
            :200
        ]
    status = DeliveryStatus.QUEUED
    sent_at = delivered_at = None
    if channel == Channel.APP:
        # In the app the message is there as soon as it is written.
        status, sent_at, delivered_at = DeliveryStatus.DELIVERED, now, now
    elif channel == Channel.LETTER:
        status = DeliveryStatus.LETTER
    return Delivery(
        school_id=message.school_id,
        message=message,
        guardian=guardian,
        pupil=pupil,
        channel=channel,
        address=address,
        language=rendering.language,
        subject=subject,
        body=rendering.text,
        translation_method=rendering.method,
        status=status,
        not_before=not_before
        or send_not_before(school_id=message.school_id, now=now, urgent=message.urgent),
        sent_at=sent_at,
        delivered_at=delivered_at,
        idempotency_key=uuid.uuid4().hex,
        reply_token=new_token(),
        fallback_of=fallback_of,
    )


def staff_delivery_build(
    *, message: Message, staff: Staff, subject: str, now: dt.datetime
) -> Delivery | None:
    """A note to a member of staff that a family wrote; never sent in quiet hours."""
    address = staff.email or (staff.user.email if staff.user is not None else "")
    if not address:
        return None
    body = _("%(name)s wrote in “%(subject)s”. Open School Window to read and answer.") % {
        "name": message.author_guardian.display_name if message.author_guardian else "",
        "subject": subject,
    }
    return Delivery(
        school_id=message.school_id,
        message=message,
        staff=staff,
        channel=Channel.EMAIL,
        address=address,
        language="en",
        subject=subject,
        body=body,
        translation_method="original",
        not_before=send_not_before(
            school_id=message.school_id, now=now, urgent=False, to_staff=True
        ),
        idempotency_key=uuid.uuid4().hex,
        reply_token=new_token(),
    )


def family_signal_sync(deliveries: Iterable[Delivery]) -> None:
    """Copy each family copy's fate into the early warning's FamilyMessage facts.

    One row per message per guardian per child, keyed by the first copy (a fallback SMS updates
    the row of the email it replaces; a broadcast's rows for a guardian's other children are
    keyed `delivery:ID:PUPIL`). The keys are looked up exactly — the guardian's children give
    the `:PUPIL` ones — because a prefix match cannot use the (school, source_id) index and
    read the school's whole history once per copy.
    """
    family = [d for d in deliveries if d.guardian_id is not None and d.pupil_id is not None]
    if not family:
        return
    children: dict[tuple[int, int], list[int]] = defaultdict(list)
    for school_id, guardian_id, pupil_id in GuardianLink.objects.filter(
        school_id__in={d.school_id for d in family},
        guardian_id__in={d.guardian_id for d in family},
    ).values_list("school_id", "guardian_id", "pupil_id"):
        children[(school_id, guardian_id)].append(pupil_id)
    for delivery in family:
        assert delivery.guardian_id is not None and delivery.pupil_id is not None
        key = f"delivery:{delivery.fallback_of_id or delivery.pk}"
        keys = [key] + [
            f"{key}:{pupil_id}" for pupil_id in children[(delivery.school_id, delivery.guardian_id)]
        ]
        rows = FamilyMessage.objects.filter(school_id=delivery.school_id, source_id__in=keys)
        if delivery.status == DeliveryStatus.CANCELLED:
            rows.delete()
            continue
        fate = {
            "delivered_at": delivery.delivered_at,
            "read_at": delivery.read_at,
            "replied_at": delivery.replied_at,
        }
        if rows.update(**fate):
            continue
        FamilyMessage.objects.create(
            school_id=delivery.school_id,
            source_id=key,
            pupil_id=delivery.pupil_id,
            guardian_id=delivery.guardian_id,
            sent_at=delivery.sent_at or delivery.queued_at or timezone.now(),
            needs_reply=delivery.message.needs_reply,
            **fate,
        )


def deliveries_queue(message: Message, *, actor: Actor, subject: str) -> list[Delivery]:
    """One copy per other participant: families in their language, staff as a notification."""
    now = timezone.now()
    conversation = message.conversation
    pupil = (
        Pupil.objects.filter(pk=conversation.pupil_id).first() if conversation.pupil_id else None
    )
    copies: list[Delivery] = []
    participants = Participant.objects.filter(conversation=conversation).select_related(
        "guardian", "staff__user"
    )
    for participant in participants:
        if participant.guardian is not None:
            if participant.guardian_id == message.author_guardian_id:
                continue
            pupil_id = pupil.pk if pupil is not None else None
            if guardian_is_restricted(message.school_id, participant.guardian.pk, pupil_id):
                # A restriction added after the conversation began: this copy is never made.
                with transaction.atomic():
                    audit_record(
                        actor=actor,
                        action="messaging.contact_refused",
                        school_id=message.school_id,
                        detail={
                            "guardian_id": participant.guardian_id,
                            "pupil_id": pupil_id,
                            "what": "message",
                        },
                    )
                continue
            copies.append(
                family_delivery_build(
                    message=message,
                    guardian=participant.guardian,
                    pupil=pupil,
                    subject=subject,
                    now=now,
                )
            )
        elif participant.staff is not None and message.author_guardian_id is not None:
            copy = staff_delivery_build(
                message=message, staff=participant.staff, subject=subject, now=now
            )
            if copy is not None:
                copies.append(copy)
    Delivery.objects.bulk_create(copies)
    family_signal_sync(copies)
    return copies


# --- Checks every writer makes; reading copies ----------------------------------------------


def clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise Invalid(_("Write a message first."), field="body")
    if len(body) > MAX_BODY:
        raise Invalid(_("That message is too long. Keep it under 10,000 characters."), field="body")
    return body


def check_urgent(actor: Actor, school_id: int, urgent: bool) -> None:
    if urgent and not actor.can(SEND_URGENT, school_id):
        raise Refused(_("Only leaders, the DSL, pastoral leads and the office may mark urgent."))


def deliveries_read(deliveries: Iterable[Delivery], now: dt.datetime) -> list[Delivery]:
    changed = []
    for delivery in deliveries:
        delivery.read_at = now
        if delivery.status in (
            DeliveryStatus.SENT,
            DeliveryStatus.DELIVERED,
            DeliveryStatus.QUEUED,
            DeliveryStatus.SENDING,
        ):
            delivery.status = DeliveryStatus.READ
        changed.append(delivery)
    Delivery.objects.bulk_update(changed, ["read_at", "status"])
    family_signal_sync(
        Delivery.objects.filter(pk__in=[d.pk for d in changed]).select_related("message")
    )
    return changed


def delivery_read_by_token(token: str) -> Delivery | None:
    """The family opened the link in an email or text: that copy is read."""
    delivery = (
        Delivery.objects.filter(reply_token=token, guardian__isnull=False)
        .select_related("message__conversation", "guardian")
        .first()
    )
    if delivery is None:
        return None
    if delivery.read_at is None:
        with transaction.atomic():
            deliveries_read([delivery], timezone.now())
    return delivery


def guardian_ids_for_pupil(school_id: int, pupil_id: int) -> list[int]:
    """Guardians of a child who may be contacted about them, first contact first."""
    return list(
        guardians_contactable(school_id=school_id, pupil_id=pupil_id).values_list(
            "guardian_id", flat=True
        )
    )
