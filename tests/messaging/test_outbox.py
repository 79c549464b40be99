"""The outbox against a real SMTP server (aiosmtpd): sending, waiting, retrying, refusing."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.messaging.broadcasts.services import broadcast_create, broadcast_queue
from schoolwindow.messaging.conversations.services import (
    conversation_start,
    guardian_message_create,
)
from schoolwindow.messaging.delivery.outbox import BACKOFF_SECONDS, outbox_claim, outbox_drain
from schoolwindow.messaging.models import (
    Attachment,
    Delivery,
    DeliveryStatus,
    MessagingSettings,
)
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Channel, GuardianLink
from tests.factories import PupilFactory, guardian_of
from tests.messaging.outbox_support import SmtpSink, body_of
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(settings, sink: SmtpSink, tmp_path: Path) -> SmtpSink:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.MESSAGING_REPLY_DOMAIN = "reply.test.example"
    settings.SITE_URL = "https://sw.test.example"
    settings.SMS_PROVIDER = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    return sink


@pytest.fixture
def world() -> World:
    built = build_world()
    for school in (built.primary, built.secondary):
        MessagingSettings.objects.create(
            school=school, quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0)
        )
    return built


def leader(world: World):
    user = world.staff["leader"].user
    assert user is not None
    return actor_for(user)


def year7_families(world: World, extra: int = 4) -> list[str]:
    """More families in Year 7; returns every address a Year 7 broadcast should reach."""
    addresses = [world.parent.email]
    for n in range(extra):
        pupil = PupilFactory(school=world.secondary, year_group=world.year7)
        guardian = guardian_of(pupil, with_login=False, email=f"family{n}@example.org")
        addresses.append(guardian.email)
    return addresses


def stopped_at(moment: dt.datetime) -> Callable[[], dt.datetime]:
    """A clock that stays at `moment`, bound now so a loop that moves `moment` later does not
    move this clock."""
    return lambda: moment


def queue_broadcast(world: World) -> int:
    actor = leader(world)
    broadcast = broadcast_create(
        actor=actor,
        school_id=world.secondary.pk,
        subject="Christmas fair",
        body="The Christmas fair is on Friday at 3pm. Everyone is welcome.",
        audience="year",
        year_group_id=world.year7.pk,
    )
    return broadcast_queue(actor=actor, broadcast=broadcast)


def test_a_broadcast_reaches_every_family_once_with_its_keys(smtp: SmtpSink, world: World) -> None:
    addresses = year7_families(world)
    assert queue_broadcast(world) == len(addresses)

    report = outbox_drain(until_idle=True)

    assert report.sent == len(addresses)
    received = smtp.handler.by_recipient()
    assert sorted(received) == sorted(addresses)
    for address in addresses:
        [copy] = received[address]
        delivery = Delivery.objects.get(address=address)
        assert copy.message_id == f"<{delivery.idempotency_key}@schoolwindow>"
        # The envelope sender names the copy, so a bounce comes back to it.
        assert copy.mail_from == f"bounce+{delivery.reply_token}@reply.test.example"
        message = copy.message
        assert message["Reply-To"] == f"reply+{delivery.reply_token}@reply.test.example"
        assert message["Subject"] == "Christmas fair"
        assert "Hill Secondary" in message["From"]
        text = body_of(message, "plain")
        assert f"https://sw.test.example/messages/r/{delivery.reply_token}" in text
        assert delivery.status == DeliveryStatus.SENT and delivery.sent_at is not None
        assert delivery.provider_id == copy.message_id
    # The restricted father of Kacper is never sent the broadcast.
    assert world.restricted.email not in received
    assert all(world.restricted.email not in item.raw.decode() for item in smtp.handler.received)


def test_a_polish_family_gets_the_frame_in_polish_and_an_arabic_one_right_to_left(
    smtp: SmtpSink, world: World
) -> None:
    pupil = PupilFactory(school=world.secondary, year_group=world.year7)
    arabic = guardian_of(
        pupil, with_login=False, email="arabic@example.org", preferred_language="ar"
    )
    queue_broadcast(world)
    outbox_drain(until_idle=True)
    received = smtp.handler.by_recipient()
    polish = received[world.parent.email][0].message
    polish_html = body_of(polish, "html")
    # The frame is in Polish; the body, not translated, is marked as English.
    assert '<html lang="pl" dir="ltr">' in polish_html
    assert '<div lang="en" dir="ltr">' in polish_html
    arabic_html = body_of(received[arabic.email][0].message, "html")
    assert '<html lang="ar" dir="rtl">' in arabic_html


def test_attachments_of_the_broadcast_go_with_every_copy(smtp: SmtpSink, world: World) -> None:
    year7_families(world, extra=1)
    actor = leader(world)
    broadcast = broadcast_create(
        actor=actor,
        school_id=world.secondary.pk,
        subject="Trip letter",
        body="Please read the attached letter about the trip.",
        audience="year",
        year_group_id=world.year7.pk,
    )
    attachment = Attachment(
        school=world.secondary,
        broadcast=broadcast,
        name="trip.pdf",
        content_type="application/pdf",
        size=9,
    )
    attachment.file.save("trip.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    broadcast_queue(actor=actor, broadcast=broadcast)
    outbox_drain(until_idle=True)
    assert len(smtp.handler.received) == 2
    for item in smtp.handler.received:
        [part] = list(item.message.iter_attachments())
        assert part.get_filename() == "trip.pdf"
        assert part.get_content() == b"%PDF-1.4\n"


def test_when_the_smtp_server_is_down_copies_wait_and_go_later(
    smtp: SmtpSink, world: World
) -> None:
    addresses = year7_families(world, extra=2)
    smtp.stop()
    queue_broadcast(world)
    started = timezone.now()

    report = outbox_drain(until_idle=True)

    assert report.sent == 0 and report.retrying == len(addresses)
    for delivery in Delivery.objects.filter(message__broadcast__isnull=False):
        assert delivery.status == DeliveryStatus.QUEUED
        assert delivery.attempts == 1
        assert "unreachable" in delivery.last_error or "mail server" in delivery.last_error
        wait = (delivery.not_before - started).total_seconds()
        assert BACKOFF_SECONDS[0] - 5 <= wait <= BACKOFF_SECONDS[0] + 30
    # Nothing is due yet: a second run sends nothing and still ends.
    assert outbox_drain(until_idle=True).sent == 0

    smtp.start()
    assert outbox_drain(until_idle=True).sent == 0  # still waiting for the back-off
    later = started + dt.timedelta(seconds=BACKOFF_SECONDS[0] + 1)
    report = outbox_drain(until_idle=True, now=lambda: later)
    assert report.sent == len(addresses)
    assert sorted(smtp.handler.by_recipient()) == sorted(addresses)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_back_off_grows_and_gives_up_after_the_last_attempt(smtp: SmtpSink, world: World) -> None:
    smtp.stop()
    queue_broadcast(world)
    moment = timezone.now()
    waits = []
    for _ in range(8):
        outbox_drain(until_idle=True, now=stopped_at(moment))
        delivery = Delivery.objects.get(channel=Channel.EMAIL)
        if delivery.status != DeliveryStatus.QUEUED:
            break
        waits.append(round((delivery.not_before - moment).total_seconds()))
        moment = delivery.not_before
    assert waits[:5] == list(BACKOFF_SECONDS)
    assert waits[5:] == [BACKOFF_SECONDS[-1]] * len(waits[5:])
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert delivery.status == DeliveryStatus.FAILED and delivery.failed_at is not None
    # The family still gets the news: a text to the phone they gave.
    fallback = Delivery.objects.get(fallback_of=delivery)
    assert fallback.channel == Channel.SMS and fallback.address == world.parent.phone


def test_a_refused_recipient_bounces_and_the_family_gets_a_text(
    smtp: SmtpSink,
    world: World,
    settings,
) -> None:
    smtp.handler.refuse[world.parent.email] = "550 5.1.1 No such mailbox"
    queue_broadcast(world)
    report = outbox_drain(until_idle=True)
    email_copy = Delivery.objects.get(channel=Channel.EMAIL)
    assert email_copy.status == DeliveryStatus.BOUNCED and email_copy.bounced_at is not None
    assert "550" in email_copy.last_error
    text = Delivery.objects.get(channel=Channel.SMS)
    assert text.fallback_of == email_copy and text.status == DeliveryStatus.SENT
    assert report.fell_back == 1
    [line] = Path(settings.SMS_FILE_PATH).read_text().splitlines()
    sent = json.loads(line)
    assert sent["to"] == "+447700900001"
    assert sent["body"].endswith(f"https://sw.test.example/messages/r/{text.reply_token}")


def test_a_restriction_made_after_queueing_cancels_the_copy(smtp: SmtpSink, world: World) -> None:
    addresses = year7_families(world, extra=1)
    queue_broadcast(world)
    GuardianLink.objects.filter(guardian=world.parent, pupil=world.pupil).update(
        contact_restricted=True
    )
    report = outbox_drain(until_idle=True)
    assert report.cancelled == 1
    assert world.parent.email not in smtp.handler.by_recipient()
    assert sorted(smtp.handler.by_recipient()) == sorted(set(addresses) - {world.parent.email})
    assert Delivery.objects.get(guardian=world.parent).status == DeliveryStatus.CANCELLED
    assert AuditEvent.objects.filter(
        action="messaging.contact_refused", detail__what="queued copy"
    ).exists()


def test_staff_are_told_of_a_family_reply(smtp: SmtpSink, world: World) -> None:
    teacher = world.staff["teacher"]
    user = teacher.user
    assert user is not None
    [conversation] = conversation_start(
        actor=actor_for(user),
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk],
        subject="Kacper's reading",
        body="Kacper read beautifully today.",
    )
    outbox_drain(until_idle=True)
    parent_actor = actor_for(world.parent.user)
    guardian_message_create(
        conversation=conversation,
        guardian_id=world.parent.pk,
        body="Dziękuję!",
        actor=parent_actor,
        replying_to=None,
    )
    outbox_drain(until_idle=True)
    to_teacher = smtp.handler.by_recipient()[user.email]
    assert len(to_teacher) == 1
    message = to_teacher[0].message
    assert message["Reply-To"] is None
    assert "Kacper's reading" in body_of(message, "plain")


def test_workers_claim_different_copies_and_take_over_a_lapsed_claim(
    smtp: SmtpSink, world: World
) -> None:
    year7_families(world, extra=5)
    queue_broadcast(world)
    now = timezone.now()
    first = outbox_claim("host:1:a", 3, now)
    second = outbox_claim("host:2:b", 10, now)
    assert len(first) == 3 and len(second) == 3
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert outbox_claim("host:3:c", 10, now) == []
    # Five minutes on, worker a is presumed dead and its copies are taken over.
    later = now + dt.timedelta(minutes=5, seconds=1)
    taken = outbox_claim("host:3:c", 10, later)
    assert len(taken) == 6
    assert all(d.attempts == 2 for d in taken)


def test_copies_of_a_dead_worker_on_this_machine_are_taken_over_at_once(
    smtp: SmtpSink, world: World
) -> None:
    year7_families(world, extra=1)
    queue_broadcast(world)
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(finished.stdout)
    claimed = outbox_claim(f"{socket.gethostname()[:40]}:{dead_pid}:dead", 10)
    assert len(claimed) == 2
    report = outbox_drain(until_idle=True)
    assert report.sent == 2
    assert len(smtp.handler.received) == 2
