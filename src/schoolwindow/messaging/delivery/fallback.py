"""When a channel fails a family: email → text → letter.

A family's copy that bounced or failed, or an email still unread after the school's
`unread_fallback_hours`, is followed by a copy on the next channel the guardian has: a short
text (the first 300 characters and the read link) when they have a phone, an email when the
failed copy was a text and they have an address, otherwise a letter to print (status `letter`).
A guardian whose copies ended bounced, failed or as a letter is on the "families we can't
reach" list (messaging.delivery.reach).

Every fallback copy points at the first copy (`fallback_of`), so the chain of one message to one
guardian is the first copy and its fallbacks, and the early-warning row stays the first copy's.
Unread announcements do not fall back unless they were urgent: a school does not want a text to
every family who did not click a newsletter. Bounced and failed ones always do.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from schoolwindow.messaging.delivery.quiet import settings_for
from schoolwindow.messaging.delivery.services import (
    family_delivery_build,
    family_signal_sync,
    guardian_is_restricted,
)
from schoolwindow.messaging.models import Delivery, DeliveryStatus
from schoolwindow.people.models import Channel, Guardian, Pupil

logger = logging.getLogger(__name__)

SMS_SHORT = 300
# Failures older than this are not looked at again (their chain has run its course).
LOOK_BACK = dt.timedelta(days=14)


def short_text(body: str) -> str:
    body = body.strip()
    return body if len(body) <= SMS_SHORT else body[: SMS_SHORT - 1].rstrip() + "…"


def next_channel(guardian: Guardian, tried: set[str], *, unread: bool, broadcast: bool) -> str:
    if Channel.SMS not in tried and guardian.phone:
        return Channel.SMS
    if unread:
        # An unread email with no phone to text: a letter, but not for announcements.
        return "" if broadcast or Channel.LETTER in tried else Channel.LETTER
    if Channel.EMAIL not in tried and guardian.email:
        return Channel.EMAIL
    if Channel.LETTER not in tried:
        return Channel.LETTER
    return ""


def fallback_for(
    delivery: Delivery, now: dt.datetime | None = None, *, unread: bool = False
) -> Delivery | None:
    """The next copy after this failed (or unread) one; None if there is one or none is left."""
    if delivery.guardian_id is None:
        return None
    now = now or timezone.now()
    root_id = delivery.fallback_of_id or delivery.pk
    with transaction.atomic():
        roots = Delivery.objects.select_related("message")
        if connection.features.has_select_for_update:
            roots = roots.select_for_update(of=("self",))
        root = roots.get(pk=root_id)  # one fallback at a time per chain
        chain = list(
            Delivery.objects.filter(Q(pk=root_id) | Q(fallback_of_id=root_id)).values_list(
                "pk", "channel", "status"
            )
        )
        if any(pk > delivery.pk for pk, _channel, _status in chain):
            return None  # this copy has been followed already
        if guardian_is_restricted(delivery.school_id, delivery.guardian_id, delivery.pupil_id):
            return None
        guardian = Guardian.objects.get(pk=delivery.guardian_id)
        tried = {channel for _pk, channel, _status in chain}
        channel = next_channel(
            guardian,
            tried,
            unread=unread,
            broadcast=root.message.broadcast_id is not None,
        )
        if not channel:
            return None
        pupil = Pupil.objects.filter(pk=delivery.pupil_id).first() if delivery.pupil_id else None
        copy = family_delivery_build(
            message=root.message,
            guardian=guardian,
            pupil=pupil,
            subject=root.subject,
            now=now,
            channel=channel,
            fallback_of=root,
        )
        if channel == Channel.SMS:
            copy.body = short_text(copy.body)
        copy.save()
        family_signal_sync([copy])
    logger.info("delivery %s fell back to %s as %s", delivery.pk, channel, copy.pk)
    return copy


def not_followed() -> Q:
    """Copies that are the last of their chain."""
    later_in_chain = Delivery.objects.filter(
        fallback_of_id=OuterRef("fallback_of_id"), pk__gt=OuterRef("pk")
    )
    followers = Delivery.objects.filter(fallback_of_id=OuterRef("pk"))
    return ~Q(Exists(followers)) & ~Q(Exists(later_in_chain))


def fallback_sweep(now: dt.datetime | None = None) -> int:
    """Follow every failed, bounced or long-unread family copy; return the copies made."""
    now = now or timezone.now()
    made = 0
    failed = (
        Delivery.objects.filter(
            not_followed(),
            Q(bounced_at__gte=now - LOOK_BACK) | Q(failed_at__gte=now - LOOK_BACK),
            guardian__isnull=False,
            channel__in=(Channel.EMAIL, Channel.SMS),
            status__in=(DeliveryStatus.BOUNCED, DeliveryStatus.FAILED),
        )
        .select_related("message")
        .order_by("pk")
    )
    for delivery in failed:
        if fallback_for(delivery, now):
            made += 1
    unread = Delivery.objects.filter(
        not_followed(),
        Q(message__broadcast__isnull=True) | Q(message__urgent=True),
        guardian__isnull=False,
        channel=Channel.EMAIL,
        status__in=(DeliveryStatus.SENT, DeliveryStatus.DELIVERED),
        read_at__isnull=True,
        replied_at__isnull=True,
        sent_at__gte=now - LOOK_BACK,
        sent_at__lte=now - dt.timedelta(hours=1),
    )
    for school_id in set(unread.values_list("school_id", flat=True)):
        hours = settings_for(school_id).unread_fallback_hours
        for delivery in unread.filter(
            school_id=school_id, sent_at__lte=now - dt.timedelta(hours=hours)
        ).select_related("message"):
            if fallback_for(delivery, now, unread=True):
                made += 1
    return made
