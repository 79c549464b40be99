"""Email coming back: replies into the right conversation, bounces, duplicates acted on once."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from schoolwindow.audit.models import AuditEvent
from schoolwindow.messaging.conversations.services import conversation_start
from schoolwindow.messaging.delivery.inbound import email_receive, strip_quoted
from schoolwindow.messaging.models import (
    Conversation,
    Delivery,
    DeliveryStatus,
    Inbound,
    InboundOutcome,
    Message,
    MessagingSettings,
)
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Channel, GuardianLink
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings) -> World:
    settings.MESSAGING_REPLY_DOMAIN = "reply.test.example"
    built = build_world()
    MessagingSettings.objects.create(
        school=built.secondary, quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0)
    )
    return built


@pytest.fixture
def conversation(world: World) -> Conversation:
    user = world.staff["teacher"].user
    assert user is not None
    world.parent.preferred_channel = Channel.EMAIL
    world.parent.save()
    [started] = conversation_start(
        actor=actor_for(user),
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk],
        subject="Kacper's reading",
        body="Could you read with Kacper for ten minutes each evening?",
        needs_reply=True,
    )
    return started


def copy_to_parent(world: World, conversation: Conversation) -> Delivery:
    delivery = Delivery.objects.get(message__conversation=conversation, guardian=world.parent)
    delivery.status, delivery.sent_at = DeliveryStatus.SENT, dt.datetime.now(dt.UTC)
    delivery.save()
    return delivery


def plain_reply(token: str, body: str, message_id: str = "<r1@mail.example>") -> bytes:
    return (
        "From: Agnieszka Nowak <agnieszka@example.org>\r\n"
        f"To: Hill Secondary <reply+{token}@reply.test.example>\r\n"
        "Subject: Re: Kacper's reading\r\n"
        f"Message-ID: {message_id}\r\n"
        "Date: Mon, 23 Nov 2026 18:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n" + body.replace("\n", "\r\n")
    ).encode()


def test_a_plain_reply_joins_the_conversation_once(
    world: World, conversation: Conversation
) -> None:
    delivery = copy_to_parent(world, conversation)
    raw = plain_reply(
        delivery.reply_token,
        "Yes, we will read every evening.\n\n"
        "On Mon, 23 Nov 2026 at 12:00, Hill Secondary <reply+x@reply.test.example> wrote:\n"
        "> Could you read with Kacper for ten minutes each evening?\n",
    )
    inbound = email_receive(raw)
    assert inbound.outcome == InboundOutcome.REPLY
    assert inbound.message is not None
    assert inbound.message.conversation_id == conversation.pk
    assert inbound.message.author_guardian_id == world.parent.pk
    assert inbound.message.body == "Yes, we will read every evening."
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REPLIED and delivery.replied_at is not None

    again = email_receive(raw)  # the MTA delivered it twice
    assert again.pk == inbound.pk
    replies = Message.objects.filter(conversation=conversation, author_guardian=world.parent)
    assert replies.count() == 1
    assert Inbound.objects.count() == 1


def test_a_multipart_reply_uses_the_plain_text_part(
    world: World, conversation: Conversation
) -> None:
    delivery = copy_to_parent(world, conversation)
    raw = (
        "From: agnieszka@example.org\r\n"
        f"To: reply+{delivery.reply_token}@reply.test.example\r\n"
        "Subject: Re: reading\r\nMessage-ID: <multi@mail.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Thank you, we will.\r\n\r\n-- \r\nAgnieszka\r\nSent from my phone\r\n"
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<p>Thank you, we will.</p><blockquote>old text</blockquote>\r\n"
        "--b1--\r\n"
    ).encode()
    inbound = email_receive(raw)
    assert inbound.message is not None
    assert inbound.message.body == "Thank you, we will."


def test_an_html_only_reply_is_turned_into_text(world: World, conversation: Conversation) -> None:
    delivery = copy_to_parent(world, conversation)
    raw = (
        "From: agnieszka@example.org\r\n"
        f"To: reply+{delivery.reply_token}@reply.test.example\r\n"
        "Subject: Re\r\nMessage-ID: <html@mail.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
        "<div>Fine &amp; thanks</div><div><br></div>"
        '<div class="gmail_quote"><blockquote>quoted</blockquote></div>\r\n'
    ).encode()
    inbound = email_receive(raw)
    assert inbound.message is not None
    assert inbound.message.body == "Fine & thanks"


def test_a_base64_polish_reply_keeps_its_letters(world: World, conversation: Conversation) -> None:
    delivery = copy_to_parent(world, conversation)
    text = (
        "Dzień dobry, będziemy czytać z Kacprem codziennie.\n\n"
        "pon., 23 lis 2026 o 12:00 Hill Secondary <reply@reply.test.example> napisał(a):\n"
        "> Could you read with Kacper\n"
    )
    raw = (
        "From: =?utf-8?q?Agnieszka_Nowak?= <agnieszka@example.org>\r\n"
        f"To: reply+{delivery.reply_token}@reply.test.example\r\n"
        "Subject: =?utf-8?b?T2RwOiBLYWNwZXI=?=\r\nMessage-ID: <pl@mail.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(text.encode()).decode().replace("\n", "\r\n")
    ).encode()
    inbound = email_receive(raw)
    assert inbound.message is not None
    assert inbound.message.body == "Dzień dobry, będziemy czytać z Kacprem codziennie."
    # Polish replies are kept in Polish with the language noted for staff.
    assert inbound.message.language in ("pl", "en")


def test_an_iso_8859_2_reply_is_decoded(world: World, conversation: Conversation) -> None:
    delivery = copy_to_parent(world, conversation)
    raw = (
        "From: agnieszka@example.org\r\n"
        f"To: reply+{delivery.reply_token}@reply.test.example\r\n"
        "Subject: Re\r\nMessage-ID: <latin2@mail.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=iso-8859-2\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "Dzi=EAkuj=EA!\r\n"
    ).encode()
    inbound = email_receive(raw)
    assert inbound.message is not None
    assert inbound.message.body == "Dziękuję!"


def test_a_delivery_status_report_bounces_the_copy_and_starts_the_fallback(
    world: World, conversation: Conversation
) -> None:
    delivery = copy_to_parent(world, conversation)
    raw = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        "To: no-reply@schoolwindow.local\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn1@mx.example.org>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        "--r\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        "Final-Recipient: rfc822; agnieszka@example.org\r\nAction: failed\r\n"
        "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        "--r\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: <{delivery.idempotency_key}@schoolwindow>\r\n"
        "Subject: Kacper's reading\r\n"
        "--r--\r\n"
    ).encode()
    inbound = email_receive(raw)
    assert inbound.outcome == InboundOutcome.BOUNCE
    assert inbound.delivery_id == delivery.pk
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.BOUNCED and delivery.bounced_at is not None
    fallback = Delivery.objects.get(fallback_of=delivery)
    assert fallback.channel == Channel.SMS and fallback.status == DeliveryStatus.QUEUED
    assert email_receive(raw).pk == inbound.pk
    assert Delivery.objects.filter(fallback_of=delivery).count() == 1


def test_a_delay_warning_is_not_a_bounce(world: World, conversation: Conversation) -> None:
    delivery = copy_to_parent(world, conversation)
    raw = (
        "From: MAILER-DAEMON@mx.example.org\r\n"
        f"To: bounce+{delivery.reply_token}@reply.test.example\r\n"
        "Subject: Delayed Mail (still being retried)\r\nMessage-ID: <delay@mx.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        "--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        "Final-Recipient: rfc822; agnieszka@example.org\r\nAction: delayed\r\nStatus: 4.4.1\r\n"
        "--r--\r\n"
    ).encode()
    inbound = email_receive(raw)
    assert inbound.outcome == InboundOutcome.STATUS
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_a_mailer_daemon_message_naming_our_message_id_bounces(
    world: World, conversation: Conversation
) -> None:
    delivery = copy_to_parent(world, conversation)
    raw = (
        "From: postmaster@old-isp.example\r\nTo: no-reply@schoolwindow.local\r\n"
        "Subject: failure notice\r\nMessage-ID: <fn@old-isp.example>\r\n\r\n"
        "Sorry, I couldn't deliver your message.\r\n--- Below this line is a copy.\r\n"
        f"Message-ID: <{delivery.idempotency_key}@schoolwindow>\r\n"
    ).encode()
    assert email_receive(raw).outcome == InboundOutcome.BOUNCE
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.BOUNCED


def test_a_restricted_guardian_is_refused_and_audited(
    world: World, conversation: Conversation
) -> None:
    delivery = copy_to_parent(world, conversation)
    GuardianLink.objects.filter(guardian=world.parent, pupil=world.pupil).update(
        contact_restricted=True
    )
    inbound = email_receive(plain_reply(delivery.reply_token, "Hello"))
    assert inbound.outcome == InboundOutcome.REFUSED
    assert not Message.objects.filter(author_guardian=world.parent).exists()
    assert AuditEvent.objects.filter(
        action="messaging.contact_refused", detail__what="email reply"
    ).exists()


def test_mail_we_cannot_place_is_kept_as_unmatched(world: World) -> None:
    inbound = email_receive(plain_reply("NoSuchToken123", "Hello?", "<stray@mail.example>"))
    assert inbound.outcome == InboundOutcome.UNMATCHED
    no_token = plain_reply("x", "hi", "<other@mail.example>").replace(b"reply+x@", b"office@")
    assert email_receive(no_token).outcome == InboundOutcome.UNMATCHED


def test_strip_quoted_history_and_signatures() -> None:
    assert strip_quoted("Yes\n> old\n>> older\n") == "Yes"
    assert strip_quoted("Fine\n\n-- \nJan Kowalski\n07700") == "Fine"
    assert strip_quoted("OK\n-----Original Message-----\nFrom: school") == "OK"
    assert strip_quoted("Sure\n\nOn Mon, 23 Nov 2026, School <a@b.c>\nwrote:\n> x") == "Sure"
    assert strip_quoted("Tak\nW dniu 23.11.2026 o 12:00, Szkoła pisze napisał:\n> x") == "Tak"


def test_poll_imap_stores_each_unseen_reply_once_and_marks_it_seen(
    world: World, conversation: Conversation, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import argparse

    from schoolwindow.messaging.commands import poll_imap_from_cli
    from tests.messaging.imap_server import Mailbox, imap_server

    delivery = copy_to_parent(world, conversation)
    box = Mailbox(user="replies", password="s3cret")
    box.messages.append(plain_reply(delivery.reply_token, "We read together tonight."))
    box.messages.append(plain_reply("no-such-token", "Hello?", message_id="<r2@mail.example>"))
    monkeypatch.setenv("IMAP_PASSWORD", "s3cret")

    with imap_server(box) as port:
        args = argparse.Namespace(
            host="127.0.0.1",
            port=port,
            user="replies",
            password_env="IMAP_PASSWORD",
            folder="INBOX",
            no_ssl=True,
        )
        assert poll_imap_from_cli(args) == 0
        assert "2 messages received from INBOX, 0 left for later" in capsys.readouterr().out
        assert box.seen == {1, 2}
        replies = Message.objects.filter(conversation=conversation, author_guardian=world.parent)
        assert [reply.body for reply in replies] == ["We read together tonight."]

        # The next poll finds nothing new and stores nothing twice.
        assert poll_imap_from_cli(args) == 0
        assert "0 messages received" in capsys.readouterr().out
        assert replies.count() == 1

        # A wrong password is a temporary failure for cron to retry, not a crash.
        monkeypatch.setenv("IMAP_PASSWORD", "wrong")
        assert poll_imap_from_cli(args) == 75
    assert "LOGOUT" in box.commands
