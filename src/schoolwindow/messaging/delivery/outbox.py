"""The outbox worker: send every queued copy once, retry what can wait, record each fate.

How a copy goes out:

1. `outbox_claim` takes a batch of due copies (queued and due, or claimed by a worker whose
   claim has lapsed) in one short transaction — `SELECT … FOR UPDATE SKIP LOCKED` on
   PostgreSQL, the IMMEDIATE write transaction on SQLite — and marks them `sending` with the
   worker's id and the time. A claim lapses after MESSAGING_CLAIM_LEASE_SECONDS (5 minutes); a
   claim by a worker process on this machine that no longer exists lapses at once.
2. Each copy is sent through its channel. As soon as the mail server (or SMS provider) has
   accepted it, one small UPDATE marks it `sent` and is committed before the next copy is sent.
3. A copy that failed in a way that may pass (server down, timeout, 4xx, a provider's 5xx) goes
   back to `queued` with a back-off (1 min, 5 min, 15 min, 1 h, then every 4 h) and the error;
   after MAX_ATTEMPTS, or at once for a permanent refusal (recipient rejected, invalid number),
   it is `bounced` or `failed` and the fallback (`messaging.delivery.fallback`) sends a text or
   prepares a letter.

The delivery guarantee, honestly: nothing is lost — a copy leaves the outbox only when it is
recorded sent, failed or cancelled, and a worker that dies leaves its claimed copies to be taken
over. A copy is sent twice only if the worker dies in the few milliseconds after the server
accepted it and before its row was marked sent; the second copy then carries the same
Message-ID (`<idempotency_key@schoolwindow>`), so mail systems and clients treat it as the same
message. (SMS providers have no such key: a text could, in the same narrow window, arrive twice.)

Copies to a guardian who has come under a contact restriction since the copy was queued are
cancelled, never sent, and the refusal is audited.

Copies with nothing to send them through wait for their time too: a scheduled announcement's
copies in the app and its letters are `queued` until `not_before`, and `held_release` (run before
each claim) then makes the app copies delivered, at that time, and the letters ready to print.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from schoolwindow.audit.services import audit_record
from schoolwindow.core.permissions import system_actor
from schoolwindow.messaging.delivery.channels import SendError, read_link
from schoolwindow.messaging.delivery.channels import email as email_channel
from schoolwindow.messaging.delivery.channels.sms import SmsProvider, sms_provider
from schoolwindow.messaging.delivery.services import family_signal_sync
from schoolwindow.messaging.models import Delivery, DeliveryStatus
from schoolwindow.people.contact import restricted_links
from schoolwindow.people.models import Channel

logger = logging.getLogger(__name__)

SENT_SQL = (
    f"UPDATE {Delivery._meta.db_table} SET "
    f"status = CASE WHEN status = '{DeliveryStatus.SENDING.value}' "
    f"THEN '{DeliveryStatus.SENT.value}' ELSE status END, "
    "sent_at = %s, provider_id = %s, last_error = '' WHERE id = %s"
)

# Its audit rows (a copy cancelled for a restriction made since it was queued) say "system
# (outbox)".
OUTBOX_ACTOR = system_actor("outbox")
BATCH_SIZE = 100
BACKOFF_SECONDS = (60, 5 * 60, 15 * 60, 60 * 60, 4 * 60 * 60)
MAX_ATTEMPTS = 8
SENDABLE = (Channel.EMAIL, Channel.SMS)
SMS_BODY_LIMIT = 300
# How often the worker looks for copies that need a fallback.
SWEEP_SECONDS = 180.0


def worker_id_new() -> str:
    """host:pid:random — the host and pid let a restarted worker see that this one is gone."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "MESSAGING_CLAIM_LEASE_SECONDS", 300)))


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1])


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_local_workers(now: dt.datetime) -> list[str]:
    """Workers on this machine holding unexpired claims whose process has gone."""
    claimers = (
        Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__gte=now - lease())
        .values_list("claimed_by", flat=True)
        .distinct()
    )
    host = socket.gethostname()[:40]
    dead = []
    for claimer in claimers:
        parts = claimer.rsplit(":", 2)
        local = len(parts) == 3 and parts[0] == host and parts[1].isdigit()
        if local and int(parts[1]) != os.getpid() and not pid_alive(int(parts[1])):
            dead.append(claimer)
    return dead


def outbox_claim(
    worker_id: str, limit: int = BATCH_SIZE, now: dt.datetime | None = None
) -> list[Delivery]:
    """Claim up to `limit` due copies for this worker, in one short transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        taken_over = Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - lease())
        dead = dead_local_workers(now)
        if dead:
            taken_over |= Q(status=DeliveryStatus.SENDING, claimed_by__in=dead)
        due = Delivery.objects.filter(
            Q(status=DeliveryStatus.QUEUED, not_before__lte=now) | taken_over,
            channel__in=SENDABLE,
        ).order_by("not_before", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING,
            claimed_at=now,
            claimed_by=worker_id,
            attempts=F("attempts") + 1,
        )
    return list(
        Delivery.objects.filter(pk__in=ids, claimed_by=worker_id)
        .select_related("message", "school", "guardian")
        .order_by("not_before", "pk")
    )


# Copies the worker does not send but releases when due: into the app, or to be printed.
HELD = (Channel.APP, Channel.LETTER)


def held_release(now: dt.datetime, limit: int = 1000) -> int:
    """Release due copies that wait for their time without a channel to send them (a scheduled
    announcement's): in the app they are delivered at that time, letters become ready to print.
    Returns how many were released; a batch at a time, each in one short transaction."""
    released = 0
    while True:
        with transaction.atomic():
            due = Delivery.objects.filter(
                status=DeliveryStatus.QUEUED, not_before__lte=now, channel__in=HELD
            ).order_by("not_before", "pk")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            batch = list(due.values_list("pk", "channel")[:limit])
            if not batch:
                return released
            app = [pk for pk, channel in batch if channel == Channel.APP]
            letters = [pk for pk, channel in batch if channel == Channel.LETTER]
            Delivery.objects.filter(pk__in=app, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.DELIVERED,
                sent_at=F("not_before"),
                delivered_at=F("not_before"),
            )
            Delivery.objects.filter(pk__in=letters, status=DeliveryStatus.QUEUED).update(
                status=DeliveryStatus.LETTER
            )
            # The early warning sees the app copies delivered (a letter's row is unchanged).
            family_signal_sync(
                Delivery.objects.filter(pk__in=app, guardian__isnull=False).select_related(
                    "message"
                )
            )
        released += len(batch)
        if len(batch) < limit:
            return released


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    fell_back: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: SendReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.cancelled += other.cancelled
        self.fell_back += other.fell_back
        self.errors.extend(other.errors[-5:])


class Batch:
    """Records the fate of one claimed batch: each sent copy committed at once."""

    def __init__(self, worker_id: str, now: Callable[[], dt.datetime]) -> None:
        self.worker_id = worker_id
        self.now = now
        self.report = SendReport()
        self.changed: list[Delivery] = []
        self.gave_up: list[Delivery] = []
        self.claimed_at = time.monotonic()

    def sent(self, delivery: Delivery, provider_id: str) -> None:
        """One small UPDATE, committed (autocommit) before the next copy is sent.

        Written as SQL because it runs once per copy on the hot path: the ORM's compilation of
        the same statement cost more than the statement. A copy read meanwhile (the family
        opened the app) keeps its later status.
        """
        moment = self.now()
        with connection.cursor() as cursor:
            cursor.execute(
                SENT_SQL,
                [
                    connection.ops.adapt_datetimefield_value(moment),
                    provider_id[:128],
                    delivery.pk,
                ],
            )
        if delivery.status == DeliveryStatus.SENDING:
            delivery.status = DeliveryStatus.SENT
        delivery.sent_at, delivery.provider_id = moment, provider_id[:128]
        # No family_signal_sync for a copy that was just sent: the early warning's row was
        # written when the copy was queued and holds only delivered/read/replied times, which
        # sending does not change. Every other change (delivered, bounced, failed, cancelled,
        # read, replied) is synced.
        self.report.sent += 1

    def failed(self, delivery: Delivery, error: SendError) -> None:
        moment = self.now()
        message = str(error)[:2000]
        delivery.last_error = message
        if not error.permanent and delivery.attempts < MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.QUEUED
            delivery.not_before = moment + backoff(delivery.attempts)
            Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
                status=DeliveryStatus.QUEUED,
                not_before=delivery.not_before,
                claimed_by="",
                last_error=message,
            )
            self.report.retrying += 1
            self.report.errors.append(message)
            return
        if error.permanent and delivery.channel == Channel.EMAIL:
            delivery.status, delivery.bounced_at = DeliveryStatus.BOUNCED, moment
        else:
            delivery.status, delivery.failed_at = DeliveryStatus.FAILED, moment
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=delivery.status,
            bounced_at=delivery.bounced_at,
            failed_at=delivery.failed_at,
            claimed_by="",
            last_error=message,
        )
        self.changed.append(delivery)
        self.gave_up.append(delivery)
        self.report.failed += 1
        self.report.errors.append(message)

    def renew(self, remaining: Sequence[Delivery]) -> None:
        """Keep the claim on copies still to send when a batch runs long."""
        if time.monotonic() - self.claimed_at < lease().total_seconds() / 3:
            return
        Delivery.objects.filter(
            pk__in=[d.pk for d in remaining],
            status=DeliveryStatus.SENDING,
            claimed_by=self.worker_id,
        ).update(claimed_at=self.now())
        self.claimed_at = time.monotonic()

    def finish(self) -> None:
        family = [d for d in self.changed if d.guardian_id is not None]
        if family:
            with transaction.atomic():
                family_signal_sync(family)
        if self.gave_up:
            from schoolwindow.messaging.delivery.fallback import fallback_for

            for delivery in self.gave_up:
                if delivery.guardian_id is not None and fallback_for(delivery, self.now()):
                    self.report.fell_back += 1


def restricted_cancel(deliveries: list[Delivery], batch: Batch) -> list[Delivery]:
    """Cancel copies to guardians now under a contact restriction — and texts to a pupil on
    such a guardian's phone; return the rest."""

    def guardian_of(delivery: Delivery) -> int | None:
        return delivery.guardian_id or delivery.phone_of_id

    family = [d for d in deliveries if guardian_of(d) is not None]
    if not family:
        return deliveries
    restricted = set(
        restricted_links(
            school_id__in={d.school_id for d in family},
            guardian_id__in={guardian_of(d) for d in family},
        ).values_list("school_id", "guardian_id", "pupil_id")
    )
    if not restricted:
        return deliveries
    by_guardian = {(school, guardian) for school, guardian, _pupil in restricted}
    keep = []
    for delivery in deliveries:
        guardian_id = guardian_of(delivery)
        if guardian_id is None:
            keep.append(delivery)
            continue
        if delivery.pupil_id is None:
            blocked = (delivery.school_id, guardian_id) in by_guardian
        else:
            blocked = (delivery.school_id, guardian_id, delivery.pupil_id) in restricted
        if not blocked:
            keep.append(delivery)
            continue
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.CANCELLED, claimed_by="", last_error="contact restricted"
            )
            delivery.status = DeliveryStatus.CANCELLED
            audit_record(
                actor=OUTBOX_ACTOR,
                action="messaging.contact_refused",
                school_id=delivery.school_id,
                detail={
                    "guardian_id": guardian_id,
                    "pupil_id": delivery.pupil_id,
                    "what": "queued copy",
                    "delivery_id": delivery.pk,
                },
            )
        batch.changed.append(delivery)
        batch.report.cancelled += 1
    return keep


def sms_text(delivery: Delivery) -> str:
    body = delivery.body.strip()
    if len(body) > SMS_BODY_LIMIT:
        body = body[: SMS_BODY_LIMIT - 1].rstrip() + "…"
    if delivery.guardian_id is None and delivery.staff_id is None:
        # A text to a pupil's phone (delivery/texts.py) is answered by text: no read link.
        return body
    return f"{body}\n{read_link(delivery.reply_token)}"


def emails_send(deliveries: list[Delivery], batch: Batch) -> None:
    if not deliveries:
        return
    connection_ = email_channel.open_connection()
    attachments = email_channel.attachments_for(deliveries)
    try:
        for index, delivery in enumerate(deliveries):
            batch.renew(deliveries[index:])
            try:
                message = email_channel.email_build(
                    delivery,
                    school_name=delivery.school.name,
                    attachments=attachments.get(delivery.message_id, ()),
                    connection=connection_,
                )
                email_channel.email_send(message)
            except email_channel.ConnectionLost as error:
                # The server is down or went away: the rest of the batch waits too.
                email_channel.close_connection(connection_)
                for waiting in deliveries[index:]:
                    batch.failed(waiting, error)
                return
            except SendError as error:
                batch.failed(delivery, error)
                continue
            batch.sent(delivery, email_channel.message_id_for(delivery.idempotency_key))
    finally:
        email_channel.close_connection(connection_)


def texts_send(deliveries: list[Delivery], batch: Batch, provider: SmsProvider | None) -> None:
    if not deliveries:
        return
    try:
        provider = provider or sms_provider()
    except ValueError as error:
        for delivery in deliveries:
            batch.failed(delivery, SendError(str(error)))
        return
    for index, delivery in enumerate(deliveries):
        batch.renew(deliveries[index:])
        try:
            provider_id = provider.send(
                delivery.address, sms_text(delivery), delivery.idempotency_key
            )
        except SendError as error:
            batch.failed(delivery, error)
            continue
        batch.sent(delivery, provider_id)


def outbox_send(
    deliveries: list[Delivery],
    *,
    worker_id: str,
    now: Callable[[], dt.datetime] = timezone.now,
    provider: SmsProvider | None = None,
) -> SendReport:
    """Send a claimed batch; every copy ends sent, waiting, failed or cancelled."""
    batch = Batch(worker_id, now)
    deliveries = restricted_cancel(deliveries, batch)
    emails_send([d for d in deliveries if d.channel == Channel.EMAIL], batch)
    texts_send([d for d in deliveries if d.channel == Channel.SMS], batch, provider)
    batch.finish()
    return batch.report


def in_flight_elsewhere(worker_id: str, now: dt.datetime) -> bool:
    """Copies another live worker is sending right now (until-idle waits for them)."""
    return (
        Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__gte=now - lease())
        .exclude(claimed_by=worker_id)
        .exclude(claimed_by__in=dead_local_workers(now))
        .exists()
    )


def outbox_drain(
    *,
    until_idle: bool = True,
    worker_id: str | None = None,
    stop: threading.Event | None = None,
    now: Callable[[], dt.datetime] | None = None,
    batch_size: int = BATCH_SIZE,
    poll: float = 1.0,
    sweep_every: float = SWEEP_SECONDS,
    provider: SmsProvider | None = None,
    on_batch: Callable[[SendReport], Any] | None = None,
) -> SendReport:
    """Send due copies batch after batch, sweeping for fallbacks every few minutes.

    until_idle: return when nothing is due and no other worker is still sending; otherwise run
    until `stop` is set, polling every `poll` seconds when there is nothing to do.
    """
    from schoolwindow.messaging.delivery.fallback import fallback_sweep

    worker_id = worker_id or worker_id_new()
    clock = now or timezone.now
    stop = stop or threading.Event()
    total = SendReport()
    last_sweep = float("-inf")
    while not stop.is_set():
        if time.monotonic() - last_sweep >= sweep_every:
            fallback_sweep(clock())
            last_sweep = time.monotonic()
        held_release(clock())
        claimed = outbox_claim(worker_id, batch_size, clock())
        if claimed:
            report = outbox_send(claimed, worker_id=worker_id, now=clock, provider=provider)
            total.add(report)
            if on_batch is not None:
                on_batch(report)
            continue
        if until_idle:
            if in_flight_elsewhere(worker_id, clock()):
                stop.wait(min(poll, 0.2))
                continue
            # One last look: copies that bounced in this run get their fallback now.
            if fallback_sweep(clock()) and outbox_has_due(clock()):
                continue
            break
        stop.wait(poll)
    return total


def outbox_has_due(now: dt.datetime) -> bool:
    return Delivery.objects.filter(
        status=DeliveryStatus.QUEUED, not_before__lte=now, channel__in=SENDABLE
    ).exists()


def outbox_thread(stop: threading.Event, poll: float = 2.0) -> threading.Thread:
    """The outbox loop beside the task worker, in the same process."""

    def loop() -> None:
        worker_id = worker_id_new()
        while not stop.is_set():
            try:
                outbox_drain(until_idle=False, worker_id=worker_id, stop=stop, poll=poll)
            except Exception:  # the outbox must keep going whatever one batch does
                logger.exception("outbox loop failed; starting again")
                stop.wait(poll)
            finally:
                connection.close()

    return threading.Thread(target=loop, name="schoolwindow-outbox", daemon=True)
