"""Text messages: a small provider interface, a file provider for the demo, and Twilio.

SMS_PROVIDER chooses: "file" (the default) appends each text as a JSON line to
var/sms-outbox.jsonl; "twilio" sends through Twilio's REST API (TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN, TWILIO_FROM; TWILIO_API_BASE points it elsewhere, e.g. at a test server).
Incoming texts and delivery reports arrive at /hooks/sms/<provider>/inbound and /status; every
request is checked against the provider's signature before it is believed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from schoolwindow.messaging.delivery.channels import SendError


class WebhookError(Exception):
    """A webhook request that is not believed or not understood: answered with 4xx."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class InboundSms:
    external_id: str
    sender: str
    body: str


@dataclass(frozen=True)
class SmsStatus:
    external_id: str
    # "delivered", "failed" or "" (a report that changes nothing, e.g. "sending").
    status: str
    error: str = ""


class SmsProvider(Protocol):
    name: str

    def send(self, to: str, body: str, reference: str) -> str:
        """Send a text; return the provider's id for it. Raises SendError."""
        ...

    def parse_inbound(self, request: HttpRequest) -> InboundSms: ...

    def parse_status(self, request: HttpRequest) -> SmsStatus: ...

    def acknowledge(self) -> HttpResponse: ...


# --- Phone numbers --------------------------------------------------------------------------


def phone_normalise(number: str) -> str:
    """E.164 for UK numbers written the usual ways: 07700 900001 → +447700900001."""
    digits = re.sub(r"[^\d+]", "", number or "")
    if digits.startswith("+"):
        return "+" + digits[1:].replace("+", "")
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("44") and len(digits) == 12:
        return "+" + digits
    if digits.startswith("0"):
        return "+44" + digits[1:]
    return digits


def request_url(request: HttpRequest) -> str:
    """The URL the provider called, as configured (a proxy may change what Django sees)."""
    return f"{settings.SITE_URL}{request.get_full_path()}"


def callback_url(provider: str, kind: str) -> str:
    return f"{settings.SITE_URL}/hooks/sms/{provider}/{kind}"


# --- The file provider (demo, default) -------------------------------------------------------


class FileSmsProvider:
    """Appends each text to a JSON-lines file. Webhooks are signed with SECRET_KEY (HMAC-SHA256
    of the raw body, hex, in X-SchoolWindow-Signature), so the demo can post replies too."""

    name = "file"
    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(settings.SMS_FILE_PATH)

    def send(self, to: str, body: str, reference: str) -> str:
        record = {
            "id": f"file-{reference}",
            "to": phone_normalise(to),
            "body": body,
            "reference": reference,
            "at": timezone.now().isoformat(),
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as error:
            raise SendError(f"could not write the SMS file: {error}") from error
        return str(record["id"])

    @staticmethod
    def signature(body: bytes) -> str:
        return hmac.new(settings.SECRET_KEY.encode(), body, hashlib.sha256).hexdigest()

    def verify(self, request: HttpRequest) -> dict[str, str]:
        given = request.headers.get("X-SchoolWindow-Signature", "")
        if not given or not hmac.compare_digest(given, self.signature(request.body)):
            raise WebhookError("The request signature is missing or wrong.", 403)
        return {key: request.POST.get(key, "") for key in request.POST}

    def parse_inbound(self, request: HttpRequest) -> InboundSms:
        fields = self.verify(request)
        if not fields.get("id") or not fields.get("from"):
            raise WebhookError("An incoming text needs the fields id, from and body.")
        return InboundSms(fields["id"], fields["from"], fields.get("body", ""))

    def parse_status(self, request: HttpRequest) -> SmsStatus:
        fields = self.verify(request)
        if not fields.get("id") or not fields.get("status"):
            raise WebhookError("A delivery report needs the fields id and status.")
        status = fields["status"] if fields["status"] in ("delivered", "failed") else ""
        return SmsStatus(fields["id"], status, fields.get("error", ""))

    def acknowledge(self) -> HttpResponse:
        return HttpResponse("ok", content_type="text/plain")


# --- Twilio ---------------------------------------------------------------------------------

TWILIO_FAILED = {"failed", "undelivered"}


class TwilioSmsProvider:
    """Twilio's Messages REST API; webhooks are checked with X-Twilio-Signature."""

    name = "twilio"

    def __init__(
        self,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        from_number: str | None = None,
        api_base: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.account_sid = account_sid or settings.TWILIO_ACCOUNT_SID
        self.auth_token = auth_token or settings.TWILIO_AUTH_TOKEN
        self.from_number = from_number or settings.TWILIO_FROM
        self.api_base = (api_base or settings.TWILIO_API_BASE).rstrip("/")
        self.timeout = timeout

    def send(self, to: str, body: str, reference: str) -> str:
        if not (self.account_sid and self.auth_token and self.from_number):
            raise SendError("Twilio is not configured (TWILIO_ACCOUNT_SID, TOKEN, FROM)")
        url = f"{self.api_base}/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        data = urllib.parse.urlencode(
            {
                "To": phone_normalise(to),
                "From": self.from_number,
                "Body": body,
                "StatusCallback": callback_url(self.name, "status"),
            }
        ).encode()
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                # Twilio ignores it; our logs and test servers see which copy this is.
                "X-SchoolWindow-Reference": reference,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read()[:300].decode("utf-8", "replace")
            permanent = 400 <= error.code < 500 and error.code not in (401, 403, 408, 429)
            raise SendError(f"Twilio {error.code}: {detail}", permanent=permanent) from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise SendError(f"Twilio unreachable: {error}") from error
        sid = str(payload.get("sid") or "")
        if not sid:
            raise SendError("Twilio answered without a message sid")
        return sid

    def expected_signature(self, url: str, params: dict[str, list[str]]) -> str:
        data = url
        for key in sorted(params):
            for value in sorted(params[key]):
                data += key + value
        digest = hmac.new(self.auth_token.encode(), data.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def verify(self, request: HttpRequest) -> dict[str, str]:
        if not self.auth_token:
            raise WebhookError("Twilio is not configured here.", 404)
        given = request.headers.get("X-Twilio-Signature", "")
        params = {key: request.POST.getlist(key) for key in request.POST}
        expected = self.expected_signature(request_url(request), params)
        if not given or not hmac.compare_digest(given, expected):
            raise WebhookError("The request signature is missing or wrong.", 403)
        return {key: values[-1] for key, values in params.items()}

    def parse_inbound(self, request: HttpRequest) -> InboundSms:
        fields = self.verify(request)
        if not fields.get("MessageSid") or not fields.get("From"):
            raise WebhookError("An incoming text needs MessageSid, From and Body.")
        return InboundSms(fields["MessageSid"], fields["From"], fields.get("Body", ""))

    def parse_status(self, request: HttpRequest) -> SmsStatus:
        fields = self.verify(request)
        if not fields.get("MessageSid") or not fields.get("MessageStatus"):
            raise WebhookError("A delivery report needs MessageSid and MessageStatus.")
        raw = fields["MessageStatus"].lower()
        status = "delivered" if raw == "delivered" else "failed" if raw in TWILIO_FAILED else ""
        return SmsStatus(fields["MessageSid"], status, fields.get("ErrorCode", ""))

    def acknowledge(self) -> HttpResponse:
        return HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
            content_type="text/xml",
        )


PROVIDERS: dict[str, type] = {"file": FileSmsProvider, "twilio": TwilioSmsProvider}


def sms_provider(name: str | None = None) -> SmsProvider:
    """The configured provider (SMS_PROVIDER), or the one named."""
    chosen = name or settings.SMS_PROVIDER
    try:
        provider: SmsProvider = PROVIDERS[chosen]()
    except KeyError:
        raise ValueError(f"unknown SMS_PROVIDER {chosen!r} (file or twilio)") from None
    return provider
