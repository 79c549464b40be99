"""Text messages through Twilio's REST API — a real HTTP server standing in for Twilio — and
signed webhooks for replies and delivery reports."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from schoolwindow.messaging.conversations.services import conversation_start
from schoolwindow.messaging.delivery.channels.sms import phone_normalise
from schoolwindow.messaging.delivery.outbox import outbox_drain
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

SID = "AC0123456789abcdef0123456789abcdef"
TOKEN = "twilio-test-auth-token"
SITE = "https://sw.test.example"


class FakeTwilio(BaseHTTPRequestHandler):
    """Answers like Twilio's Messages endpoint and remembers each request."""

    requests: list[dict[str, Any]] = []
    answer_status = 201

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        number = len(self.requests) + 1
        self.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "form": form}
        )
        status = type(self).answer_status
        body = (
            {"sid": f"SM{number:032d}", "status": "queued"}
            if status < 300
            else {"code": 21211, "message": "The 'To' number is not a valid phone number."}
        )
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def twilio(settings) -> Iterator[type[FakeTwilio]]:
    FakeTwilio.requests = []
    FakeTwilio.answer_status = 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_PROVIDER = "twilio"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM = "+447700900000"
    settings.TWILIO_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SITE_URL = SITE
    yield FakeTwilio
    server.shutdown()
    server.server_close()


@pytest.fixture
def world() -> World:
    built = build_world()
    MessagingSettings.objects.create(
        school=built.secondary, quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0)
    )
    built.parent.preferred_channel = Channel.SMS
    built.parent.save()
    return built


def start(world: World) -> Conversation:
    user = world.staff["teacher"].user
    assert user is not None
    [conversation] = conversation_start(
        actor=actor_for(user),
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk],
        subject="PE kit",
        body="Kacper needs his PE kit tomorrow.",
    )
    return conversation


def signed_post(path: str, fields: dict[str, str], token: str = TOKEN) -> Any:
    data = SITE + path + "".join(key + fields[key] for key in sorted(fields))
    signature = base64.b64encode(
        hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    ).decode()
    return Client().post(path, fields, headers={"X-Twilio-Signature": signature})


def test_a_text_goes_through_twilio_and_its_report_marks_it_delivered(
    twilio: type[FakeTwilio], world: World
) -> None:
    start(world)
    report = outbox_drain(until_idle=True)
    assert report.sent == 1
    [request] = twilio.requests
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    form = {key: values[0] for key, values in request["form"].items()}
    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert form["To"] == "+447700900001" and form["From"] == "+447700900000"
    # Exactly the copy's text (in the family's language where it can be), then the read link.
    assert form["Body"].startswith(delivery.body.strip()[:200])
    assert "Kacper needs his PE kit tomorrow." in form["Body"]
    assert form["Body"].endswith(f"{SITE}/messages/r/{delivery.reply_token}")
    assert form["StatusCallback"] == f"{SITE}/hooks/sms/twilio/status"
    assert delivery.status == DeliveryStatus.SENT and delivery.provider_id.startswith("SM")

    response = signed_post(
        "/hooks/sms/twilio/status",
        {"MessageSid": delivery.provider_id, "MessageStatus": "delivered"},
    )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.delivered_at is not None


def test_a_reply_by_text_joins_the_latest_conversation(
    twilio: type[FakeTwilio], world: World
) -> None:
    conversation = start(world)
    outbox_drain(until_idle=True)
    fields = {"MessageSid": "SMreply1", "From": "+447700900001", "Body": "OK, dziękuję"}
    response = signed_post("/hooks/sms/twilio/inbound", fields)
    assert response.status_code == 200 and b"<Response>" in response.content
    reply = Message.objects.get(author_guardian=world.parent)
    assert reply.conversation_id == conversation.pk and reply.body == "OK, dziękuję"
    # Twilio retries a webhook it thinks failed: the same text is acted on once.
    assert signed_post("/hooks/sms/twilio/inbound", fields).status_code == 200
    assert Message.objects.filter(author_guardian=world.parent).count() == 1
    assert Inbound.objects.get().outcome == InboundOutcome.REPLY


def test_a_text_from_a_restricted_guardian_is_refused(
    twilio: type[FakeTwilio], world: World
) -> None:
    start(world)
    GuardianLink.objects.filter(guardian=world.parent, pupil=world.pupil).update(
        contact_restricted=True
    )
    fields = {"MessageSid": "SMr2", "From": "07700 900001", "Body": "Hello"}
    assert signed_post("/hooks/sms/twilio/inbound", fields).status_code == 200
    assert Inbound.objects.get().outcome == InboundOutcome.REFUSED
    assert not Message.objects.filter(author_guardian=world.parent).exists()


def test_webhooks_refuse_bad_signatures_and_bad_input(
    twilio: type[FakeTwilio], world: World
) -> None:
    fields = {"MessageSid": "SMx", "From": "+447700900001", "Body": "Hi"}
    forged = signed_post("/hooks/sms/twilio/inbound", fields, token="wrong")
    assert forged.status_code == 403 and b"signature" in forged.content
    unsigned = Client().post("/hooks/sms/twilio/inbound", fields)
    assert unsigned.status_code == 403
    incomplete = signed_post("/hooks/sms/twilio/status", {"MessageSid": "SMx"})
    assert incomplete.status_code == 400 and b"MessageStatus" in incomplete.content
    assert Client().get("/hooks/sms/twilio/inbound").status_code == 405
    # Only the configured provider has hooks here.
    assert Client().post("/hooks/sms/file/inbound", fields).status_code == 404
    assert not Inbound.objects.exists()


def test_twilio_5xx_waits_and_4xx_fails_over_to_email(
    twilio: type[FakeTwilio], world: World
) -> None:
    start(world)
    twilio.answer_status = 503
    report = outbox_drain(until_idle=True)
    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert report.retrying == 1 and delivery.status == DeliveryStatus.QUEUED
    assert "503" in delivery.last_error

    twilio.answer_status = 400
    later = delivery.not_before + dt.timedelta(seconds=1)
    outbox_drain(until_idle=True, now=lambda: later)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.failed_at is not None
    # The parent has an email address: the message follows by email.
    fallback = Delivery.objects.get(fallback_of=delivery)
    assert fallback.channel == Channel.EMAIL and fallback.address == world.parent.email


def test_a_failure_report_leads_to_a_letter_when_nothing_else_is_left(
    twilio: type[FakeTwilio], world: World
) -> None:
    world.parent.email = ""
    world.parent.save()
    start(world)
    outbox_drain(until_idle=True)
    delivery = Delivery.objects.get(channel=Channel.SMS)
    response = signed_post(
        "/hooks/sms/twilio/status",
        {"MessageSid": delivery.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30003"},
    )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    letter = Delivery.objects.get(fallback_of=delivery)
    assert letter.channel == Channel.LETTER and letter.status == DeliveryStatus.LETTER


def test_the_file_provider_signs_its_webhooks_with_the_secret_key(settings, world: World) -> None:
    settings.SMS_PROVIDER = "file"
    from schoolwindow.messaging.delivery.channels.sms import FileSmsProvider

    start(world)
    body = urllib.parse.urlencode({"id": "demo-1", "from": "07700900001", "body": "Thanks"})
    good = Client().post(
        "/hooks/sms/file/inbound",
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-SchoolWindow-Signature": FileSmsProvider.signature(body.encode())},
    )
    assert good.status_code == 200
    assert Message.objects.get(author_guardian=world.parent).body == "Thanks"
    bad = Client().post(
        "/hooks/sms/file/inbound",
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-SchoolWindow-Signature": "0" * 64},
    )
    assert bad.status_code == 403


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("07700 900001", "+447700900001"),
        ("+44 7700 900001", "+447700900001"),
        ("0044 (0)7700-900001".replace("(0)", ""), "+447700900001"),
        ("447700900001", "+447700900001"),
        ("+48 601 234 567", "+48601234567"),
    ],
)
def test_phone_numbers_are_compared_in_one_form(written: str, normal: str) -> None:
    assert phone_normalise(written) == normal
