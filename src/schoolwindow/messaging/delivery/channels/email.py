"""Email copies: built with Django's mail, sent through whatever EMAIL_BACKEND is configured.

Plain SMTP (EMAIL_HOST / EMAIL_PORT) or a provider through django-anymail. Every copy carries a
Message-ID made from its idempotency key, so a copy sent twice after a crash is the same
message to every mail system; a tokenised Reply-To, so the family's reply comes back into the
conversation; and, over SMTP, a tokenised envelope sender, so bounces name the copy they are
about.
"""

from __future__ import annotations

import contextlib
import email.utils
import smtplib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.utils import translation
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from schoolwindow.messaging.delivery.channels import SendError, read_link
from schoolwindow.messaging.models import Attachment, Delivery
from schoolwindow.messaging.translation.services import base_language, is_rtl

MESSAGE_ID_DOMAIN = "schoolwindow"


def message_id_for(idempotency_key: str) -> str:
    return f"<{idempotency_key}@{MESSAGE_ID_DOMAIN}>"


def reply_domain() -> str:
    return str(getattr(settings, "MESSAGING_REPLY_DOMAIN", "") or "schoolwindow.local")


def reply_address(token: str) -> str:
    return f"reply+{token}@{reply_domain()}"


def bounce_address(token: str) -> str:
    return f"bounce+{token}@{reply_domain()}"


def from_header(school_name: str) -> str:
    """The configured sender address, shown with the school's name."""
    name, address = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)
    return email.utils.formataddr((school_name or name, address))


def open_connection() -> Any:
    """One connection for a batch of copies (opened lazily by the first send)."""
    return get_connection(fail_silently=False)


def close_connection(connection: Any) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.close()
    if isinstance(connection, SmtpBackend):
        connection.connection = None


def direction(language: str) -> str:
    return "rtl" if is_rtl(language) else "ltr"


def family_language(delivery: Delivery) -> str:
    guardian = delivery.guardian if delivery.guardian_id is not None else None
    preferred = guardian.preferred_language if guardian is not None else ""
    return base_language(preferred or delivery.language or "en")


def family_texts(delivery: Delivery) -> tuple[str, str]:
    """The plain-text and HTML bodies of a family's copy, framed in their language.

    The frame (the link, the line about replying) is in the family's language; the body is
    marked with the language it is actually in (English when no translation was available).
    """
    link = read_link(delivery.reply_token)
    frame = family_language(delivery)
    body_language = delivery.language or "en"
    with translation.override(frame):
        action = _("Read and reply in School Window")
        answer = _("You can also reply to this email.")
    text = f"{delivery.body}\n\n{action}: {link}\n{answer}\n"
    html = (
        f'<!DOCTYPE html>\n<html lang="{escape(frame)}" dir="{direction(frame)}">\n'
        f'<head><meta charset="utf-8"><title>{escape(delivery.subject)}</title></head>\n'
        f'<body>\n<div lang="{escape(body_language)}" dir="{direction(body_language)}">\n'
        f"{linebreaks(escape(delivery.body))}\n</div>\n"
        f'<p><a href="{escape(link)}">{escape(action)}</a></p>\n'
        f"<p>{escape(answer)}</p>\n</body>\n</html>\n"
    )
    return text, html


def staff_texts(delivery: Delivery) -> tuple[str, str]:
    link = f"{settings.SITE_URL}/messages/"
    action = _("Open School Window")
    text = f"{delivery.body}\n\n{action}: {link}\n"
    html = (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n'
        f'<head><meta charset="utf-8"><title>{escape(delivery.subject)}</title></head>\n'
        f"<body>\n{linebreaks(escape(delivery.body))}\n"
        f'<p><a href="{escape(link)}">{escape(action)}</a></p>\n</body>\n</html>\n'
    )
    return text, html


def email_build(
    delivery: Delivery,
    *,
    school_name: str,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    connection: Any = None,
) -> EmailMultiAlternatives:
    is_family = delivery.guardian_id is not None
    text, html = family_texts(delivery) if is_family else staff_texts(delivery)
    headers = {
        "Message-ID": message_id_for(delivery.idempotency_key),
        "From": from_header(school_name),
        "Content-Language": delivery.language or "en",
    }
    if not is_family:
        headers["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to a notice
    # Over SMTP the envelope sender names this copy, so a bounce finds its way back to it.
    envelope = (
        bounce_address(delivery.reply_token)
        if isinstance(connection, SmtpBackend)
        else headers["From"]
    )
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=text,
        from_email=envelope,
        to=[delivery.address],
        reply_to=[reply_address(delivery.reply_token)] if is_family else [],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    for name, content, content_type in attachments:
        message.attach(name, content, content_type)
    return message


def attachments_for(deliveries: Iterable[Delivery]) -> dict[int, list[tuple[str, bytes, str]]]:
    """Message id → its attachments and its broadcast's, each file read once per batch."""
    message_ids: set[int] = set()
    broadcast_of: dict[int, int] = {}
    for delivery in deliveries:
        message_ids.add(delivery.message_id)
        if delivery.message.broadcast_id is not None:
            broadcast_of[delivery.message_id] = delivery.message.broadcast_id
    if not message_ids:
        return {}
    from django.db.models import Q

    rows = list(
        Attachment.objects.filter(
            Q(message_id__in=message_ids) | Q(broadcast_id__in=set(broadcast_of.values()))
        ).order_by("id")
    )
    found: dict[int, list[tuple[str, bytes, str]]] = {}
    for message_id in message_ids:
        mine = [
            row
            for row in rows
            if row.message_id == message_id
            or (row.broadcast_id is not None and row.broadcast_id == broadcast_of.get(message_id))
        ]
        if mine:
            found[message_id] = [attachment_content(row) for row in mine]
    return found


_content_cache: dict[int, tuple[str, bytes, str]] = {}


def attachment_content(row: Attachment) -> tuple[str, bytes, str]:
    cached = _content_cache.get(row.pk)
    if cached is None:
        with row.file.open("rb") as handle:
            cached = (row.name, handle.read(), row.content_type)
        if len(_content_cache) > 64:
            _content_cache.clear()
        _content_cache[row.pk] = cached
    return cached


class ConnectionLost(SendError):
    """The mail server went away: this copy and the rest of the batch wait and try again."""


def email_send(message: EmailMultiAlternatives) -> None:
    """Send one copy on its (shared) connection; SendError says what went wrong."""
    try:
        # Opened here, the connection stays open for the next copy (send() alone would open
        # and close one per message).
        if message.connection is not None:
            message.connection.open()
        sent = message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        detail = "; ".join(f"{code} {text!r}" for code, text in error.recipients.values())
        raise SendError(
            f"recipient refused: {detail}", permanent=bool(codes) and min(codes) >= 500
        ) from error
    except smtplib.SMTPDataError as error:
        raise SendError(
            f"message refused: {error.smtp_code} {error.smtp_error!r}",
            permanent=error.smtp_code >= 500,
        ) from error
    except smtplib.SMTPSenderRefused as error:
        raise SendError(f"sender refused: {error.smtp_code} {error.smtp_error!r}") from error
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as error:
        raise ConnectionLost(f"mail server: {error}") from error
    except smtplib.SMTPResponseException as error:
        raise SendError(f"mail server said {error.smtp_code} {error.smtp_error!r}") from error
    except OSError as error:  # refused, reset, timed out
        raise ConnectionLost(f"mail server unreachable: {error}") from error
    except Exception as error:
        raise anymail_error(error) from error
    if not sent:
        raise SendError("no address to send to", permanent=True)


def anymail_error(error: Exception) -> SendError:
    """A provider's error through django-anymail: 5xx and rate limits wait; refusals do not."""
    try:
        from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
    except ImportError:  # pragma: no cover - anymail is a dependency
        return SendError(str(error))
    if isinstance(error, AnymailRecipientsRefused):
        return SendError(f"provider refused the recipient: {error}", permanent=True)
    if isinstance(error, AnymailAPIError):
        status = getattr(error, "status_code", None) or 0
        permanent = 400 <= status < 500 and status not in (401, 403, 408, 429)
        return SendError(f"provider error {status}: {error}", permanent=permanent)
    return SendError(f"{type(error).__name__}: {error}")
