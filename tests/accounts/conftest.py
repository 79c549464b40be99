"""A real SMTP server for the sign-in tests: reset emails go out through aiosmtpd."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.messaging.outbox_support import SmtpSink

LINK = re.compile(r"https?://\S+/login/reset/\S+/")


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    yield sink
    sink.stop()


def reset_link(sink: SmtpSink, address: str) -> str:
    """The one reset link emailed to `address`."""
    messages = sink.handler.by_recipient()[address]
    assert len(messages) == 1, f"{len(messages)} emails to {address}"
    body = messages[0].message.get_body(preferencelist=("plain",))
    assert body is not None
    found = LINK.findall(body.get_content())
    assert len(found) == 1
    return str(found[0])
