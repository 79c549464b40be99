"""What comes back: email replies and bounces, incoming texts and delivery reports.

Everything received is stored as an `Inbound` row, unique per channel and external id (the
email's Message-ID, the provider's message id), in the same transaction as what it causes — so
a message piped, polled or posted twice is acted on once.

Email replies find their conversation by the token in the address they were sent to
(reply+TOKEN@MESSAGING_REPLY_DOMAIN); the text is kept without the quoted history and the
signature. Bounces — delivery-status reports, or a mailer daemon's message naming our
Message-ID, or anything sent to bounce+TOKEN@ — mark the copy bounced and start the fallback.
Incoming texts are matched by the sender's number (07… and +447… are the same number) to the
guardian and their most recent conversation. A guardian under a contact restriction is refused
and the attempt audited. An answer to an announcement goes into the family's own conversation
with the school about it (`broadcasts.announcement_answer`), never into the announcement.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.db import IntegrityError, transaction
from django.db.models import F, Func, Value
from django.db.models.functions import Replace
from django.utils import timezone

from schoolwindow.core.permissions import system_actor
from schoolwindow.messaging.broadcasts.services import announcement_answer
from schoolwindow.messaging.conversations.services import guardian_message_create
from schoolwindow.messaging.delivery.channels.sms import InboundSms, SmsStatus, phone_normalise
from schoolwindow.messaging.delivery.services import (
    MAX_BODY,
    family_signal_sync,
    guardian_is_restricted,
    restriction_refuse,
)
from schoolwindow.messaging.models import (
    Delivery,
    DeliveryStatus,
    Inbound,
    InboundKind,
    InboundOutcome,
)
from schoolwindow.people.models import Channel, Guardian

RAW_LIMIT = 5_000_000
TOKEN_ADDRESS = re.compile(r"\b(reply|bounce)\+([A-Za-z0-9_-]{8,40})@", re.IGNORECASE)
OUR_MESSAGE_ID = re.compile(r"<([0-9a-f]{32})@schoolwindow>", re.IGNORECASE)
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
QUOTE_INTRO = re.compile(
    r"^(on|am|le|el|il|op|w dniu|dnia|în)\b.*"
    r"(wrote|schrieb|a écrit|escribió|ha scritto|schreef|napisał\(a\)|napisał|napisała|a scris)"
    r"\s*:?\s*$",
    re.IGNORECASE,
)
QUOTE_INTRO_LOOSE = re.compile(
    r"(wrote|napisał\(a\)|napisał|napisała|a scris|schrieb|a écrit|escribió)\s*:\s*$",
    re.IGNORECASE,
)
QUOTE_SEPARATORS = ("-----original message-----", "________________________________")

# Replies and bounces that come in by email or text: "system (inbound)" in the audit log.
INBOUND_ACTOR = system_actor("inbound")


# --- Reading an email -----------------------------------------------------------------------


def html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", markup)
    markup = re.sub(r"(?is)<blockquote\b.*?</blockquote>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def strip_quoted(text: str) -> str:
    """The new text of a reply: no quoted history, no signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if line.rstrip("\n") in ("-- ", "--"):
            break
        lowered = stripped.lower()
        if lowered in QUOTE_SEPARATORS or lowered.startswith("________________"):
            break
        if QUOTE_INTRO.match(stripped):
            break
        if QUOTE_INTRO_LOOSE.search(stripped) and ("@" in stripped or re.search(r"\d", stripped)):
            break
        # "On Mon, 23 Nov 2026 at 12:00, School Window <reply+…>\nwrote:" wrapped over two lines.
        if stripped.lower().startswith("on ") and index + 1 < len(lines):
            joined = f"{stripped} {lines[index + 1].strip()}"
            if QUOTE_INTRO.match(joined):
                break
        if lowered.startswith("from:") and index + 1 < len(lines):
            following = lines[index + 1].strip().lower()
            if following.startswith(("sent:", "date:", "to:")) and not any(
                k.strip() for k in kept[-1:]
            ):
                break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def reply_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_type() == "text/html":
        content = html_to_text(content)
    return strip_quoted(content)


def addressed_tokens(message: Message) -> list[tuple[str, str]]:
    """(kind, token) of every reply+TOKEN@ / bounce+TOKEN@ address the mail was sent to."""
    values = [str(v) for header in ADDRESS_HEADERS for v in message.get_all(header, [])]
    found = []
    for _name, address in getaddresses(values):
        match = TOKEN_ADDRESS.search(address + "@" if "@" not in address else address)
        if match:
            found.append((match.group(1).lower(), match.group(2)))
    return found


def report_parts(message: Message) -> tuple[list[str], list[str]]:
    """A delivery-status report's actions, and the Message-IDs of the original it returns."""
    actions: list[str] = []
    original_ids: list[str] = []
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            for block in part.get_payload() or []:
                if isinstance(block, Message) and block.get("Action"):
                    actions.append(str(block["Action"]).strip().lower())
        elif content_type in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message) and inner.get("Message-ID"):
                original_ids.append(str(inner["Message-ID"]).strip())
        elif content_type in ("text/rfc822-headers", "message/rfc822-headers"):
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            headers = BytesParser(policy=policy.default).parsebytes(payload, headersonly=True)
            if headers.get("Message-ID"):
                original_ids.append(str(headers["Message-ID"]).strip())
    return actions, original_ids


def is_bounce(message: Message, tokens: list[tuple[str, str]]) -> bool:
    if message.get_content_type() == "multipart/report":
        return str(message.get_param("report-type", "")).lower() == "delivery-status"
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    if sender.split("@")[0] in ("mailer-daemon", "postmaster"):
        return True
    return any(kind == "bounce" for kind, _token in tokens)


# --- Storing and acting once ----------------------------------------------------------------


def inbound_store(*, kind: str, external_id: str, sender: str, raw: str, act: object) -> Inbound:
    """Store what arrived and act on it in one transaction; a second arrival returns the first."""
    external_id = external_id[:255]
    existing = Inbound.objects.filter(kind=kind, external_id=external_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            inbound = Inbound.objects.create(
                kind=kind,
                external_id=external_id,
                sender=sender[:254],
                raw=raw[:RAW_LIMIT],
                outcome=InboundOutcome.UNMATCHED,
            )
            act(inbound)  # type: ignore[operator]
            inbound.detail = inbound.detail[:300]
            inbound.save()
    except IntegrityError:
        return Inbound.objects.get(kind=kind, external_id=external_id)
    return inbound


def email_receive(raw: bytes) -> Inbound:
    """Take one raw RFC 5322 message (from an MTA pipe or an IMAP poll) and act on it."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    message_id = str(message.get("Message-ID", "") or "").strip()
    external_id = message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    sender = parseaddr(str(message.get("From", "")))[1]

    def act(inbound: Inbound) -> None:
        tokens = addressed_tokens(message)
        if is_bounce(message, tokens):
            bounce_act(inbound, message, raw, tokens)
        else:
            reply_act(inbound, message, tokens, sender)

    return inbound_store(
        kind=InboundKind.EMAIL,
        external_id=external_id,
        sender=sender,
        raw=raw.decode("utf-8", "replace"),
        act=act,
    )


def reply_act(
    inbound: Inbound, message: EmailMessage, tokens: list[tuple[str, str]], sender: str
) -> None:
    reply_tokens = [token for kind, token in tokens if kind == "reply"]
    delivery = (
        Delivery.objects.filter(reply_token__in=reply_tokens, guardian__isnull=False)
        .select_related("message__conversation", "guardian")
        .order_by("-pk")
        .first()
        if reply_tokens
        else None
    )
    if delivery is None:
        inbound.detail = "no reply address of ours" if not reply_tokens else "unknown reply token"
        return
    inbound.school_id, inbound.delivery = delivery.school_id, delivery
    text = reply_text(message)[:MAX_BODY]
    if not text:
        inbound.detail = "the reply had no text of its own"
        return
    guardian_reply(inbound, delivery, text)
    if delivery.guardian and sender.lower() != (delivery.guardian.email or "").lower():
        inbound.detail = f"sent from {sender}, not the address on record"


def guardian_reply(inbound: Inbound, delivery: Delivery, text: str) -> None:
    conversation = delivery.message.conversation
    assert delivery.guardian_id is not None
    if guardian_is_restricted(delivery.school_id, delivery.guardian_id, conversation.pupil_id):
        restriction_refuse(
            actor=INBOUND_ACTOR,
            school_id=delivery.school_id,
            guardian_id=delivery.guardian_id,
            pupil_id=conversation.pupil_id,
            what=f"{inbound.kind} reply",
        )
        inbound.outcome = InboundOutcome.REFUSED
        inbound.detail = "contact restricted"
        return
    if delivery.message.broadcast_id is not None:
        # An announcement is one-way: the answer goes into the family's own conversation
        # with the school about it, never into the announcement.
        inbound.message = announcement_answer(actor=INBOUND_ACTOR, copy=delivery, body=text)
    else:
        inbound.message = guardian_message_create(
            conversation=conversation,
            guardian_id=delivery.guardian_id,
            body=text,
            actor=INBOUND_ACTOR,
            replying_to=delivery,
        )
    inbound.outcome = InboundOutcome.REPLY


def bounce_act(
    inbound: Inbound, message: Message, raw: bytes, tokens: list[tuple[str, str]]
) -> None:
    actions, original_ids = report_parts(message)
    keys = [m.group(1).lower() for value in original_ids for m in OUR_MESSAGE_ID.finditer(value)]
    if not keys:
        keys = [m.group(1).lower() for m in OUR_MESSAGE_ID.finditer(raw.decode("utf-8", "replace"))]
    bounce_tokens = [token for kind, token in tokens if kind == "bounce"]
    delivery = None
    if bounce_tokens:
        delivery = Delivery.objects.filter(reply_token__in=bounce_tokens).first()
    if delivery is None and keys:
        delivery = Delivery.objects.filter(idempotency_key__in=keys).first()
    inbound.outcome = InboundOutcome.BOUNCE
    if delivery is None:
        inbound.outcome = InboundOutcome.UNMATCHED
        inbound.detail = "a bounce about no copy of ours"
        return
    inbound.school_id, inbound.delivery = delivery.school_id, delivery
    if actions and "failed" not in actions:
        # A delay warning or a success report: not a bounce.
        inbound.outcome = InboundOutcome.STATUS
        inbound.detail = f"report: {', '.join(sorted(set(actions)))}"
        if "delivered" in actions:
            delivery_mark_delivered(delivery, timezone.now())
        return
    diagnostic = str(message.get("Subject", "")) or "bounced"
    delivery_mark_failed(delivery, timezone.now(), reason=diagnostic, bounced=True)
    inbound.detail = f"bounced: {diagnostic}"


def delivery_mark_delivered(delivery: Delivery, now: dt.datetime) -> None:
    Delivery.objects.filter(
        pk=delivery.pk,
        status__in=(DeliveryStatus.SENT, DeliveryStatus.SENDING, DeliveryStatus.QUEUED),
    ).update(status=DeliveryStatus.DELIVERED)
    Delivery.objects.filter(pk=delivery.pk, delivered_at__isnull=True).update(delivered_at=now)
    delivery.refresh_from_db()
    family_signal_sync([delivery])


def delivery_mark_failed(
    delivery: Delivery, now: dt.datetime, *, reason: str, bounced: bool
) -> None:
    """A copy the recipient never got: bounced or failed, and its fallback started."""
    from schoolwindow.messaging.delivery.fallback import fallback_for

    changed = Delivery.objects.filter(
        pk=delivery.pk,
        status__in=(
            DeliveryStatus.SENT,
            DeliveryStatus.SENDING,
            DeliveryStatus.QUEUED,
            DeliveryStatus.DELIVERED,
        ),
    ).update(
        status=DeliveryStatus.BOUNCED if bounced else DeliveryStatus.FAILED,
        claimed_by="",
        last_error=reason[:2000],
        **({"bounced_at": now} if bounced else {"failed_at": now}),
    )
    if not changed:
        return
    delivery.refresh_from_db()
    family_signal_sync([delivery])
    fallback_for(delivery, now)


# --- Text messages --------------------------------------------------------------------------


def guardians_by_phone(number: str) -> list[Guardian]:
    """Guardians whose phone is this number, however it was written."""
    wanted = phone_normalise(number)
    digits = re.sub(r"\D", "", wanted)
    if len(digits) < 7:
        return []
    stripped: Func | F = F("phone")
    for character in (" ", "-", "(", ")", "."):
        stripped = Replace(stripped, Value(character), Value(""))
    candidates = Guardian.objects.annotate(phone_digits=stripped).filter(
        phone_digits__endswith=digits[-9:]
    )
    return [g for g in candidates if phone_normalise(g.phone) == wanted]


@dataclass(frozen=True)
class SmsClaim:
    """What a handler says when a text was for it: the school, and a word for the log."""

    school_id: int
    detail: str


# sender (E.164), text, received at → a claim, or None to let the text go on.
SmsHandler = Callable[[str, str, dt.datetime], "SmsClaim | None"]
SMS_HANDLERS: dict[str, SmsHandler] = {}


def register_inbound_sms_handler(name: str, handler: SmsHandler) -> None:
    """Let an app above messaging take incoming texts first (a study group's "reply 1, 2 or
    3"). Handlers are tried in the order registered, inside the transaction that stores the
    text, so a text posted twice is acted on once; the first that claims it ends the routing.
    A handler that does not claim a text leaves it to the family's conversation."""
    SMS_HANDLERS[name] = handler


def sms_handlers_try(inbound: Inbound, sender: str, text: str) -> bool:
    for name, handler in SMS_HANDLERS.items():
        claim = handler(sender, text, inbound.received_at)
        if claim is not None:
            inbound.school_id = claim.school_id
            inbound.outcome = InboundOutcome.HANDLED
            inbound.detail = f"{name}: {claim.detail}"
            return True
    return False


def sms_receive(*, provider: str, sms: InboundSms, raw: str) -> Inbound:
    """An incoming text: to the first registered handler that claims it, or else into the
    sender's most recent conversation with the school."""

    def act(inbound: Inbound) -> None:
        if sms_handlers_try(inbound, phone_normalise(sms.sender), sms.body.strip()):
            return
        guardians = guardians_by_phone(sms.sender)
        if not guardians:
            inbound.detail = "no guardian has this number"
            return
        delivery = (
            Delivery.objects.filter(guardian__in=guardians)
            .select_related("message__conversation", "guardian")
            .order_by("-queued_at", "-pk")
            .first()
        )
        if delivery is None:
            inbound.detail = "no conversation with this guardian"
            return
        inbound.school_id, inbound.delivery = delivery.school_id, delivery
        text = sms.body.strip()[:MAX_BODY]
        if not text:
            inbound.detail = "an empty text"
            return
        guardian_reply(inbound, delivery, text)

    return inbound_store(
        kind=InboundKind.SMS,
        external_id=f"{provider}:{sms.external_id}",
        sender=phone_normalise(sms.sender),
        raw=raw,
        act=act,
    )


def sms_status_receive(*, provider: str, report: SmsStatus, raw: str) -> Inbound:
    """A provider's delivery report for a text we sent."""

    def act(inbound: Inbound) -> None:
        delivery = Delivery.objects.filter(
            provider_id=report.external_id, channel=Channel.SMS
        ).first()
        if delivery is None:
            inbound.detail = "a report about no text of ours"
            return
        inbound.school_id, inbound.delivery = delivery.school_id, delivery
        inbound.outcome = InboundOutcome.STATUS
        inbound.detail = report.status or "no change"
        if report.status == "delivered":
            delivery_mark_delivered(delivery, timezone.now())
        elif report.status == "failed":
            delivery_mark_failed(
                delivery,
                timezone.now(),
                reason=f"provider reported failure {report.error}".strip(),
                bounced=False,
            )

    return inbound_store(
        kind=InboundKind.SMS,
        external_id=f"{provider}:status:{report.external_id}:{report.status or 'other'}",
        sender="",
        raw=raw,
        act=act,
    )
