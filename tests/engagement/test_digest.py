"""The morning digest, end to end through a real SMTP server (aiosmtpd on a free local port)."""

from __future__ import annotations

import datetime as dt
import email
import socket
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import translation

from schoolwindow.engagement.digest import digest_send
from schoolwindow.engagement.models import DigestSent, Flag, FlagStatus
from schoolwindow.engagement.rules import day_label, make_reason
from schoolwindow.engagement.tasks import digest_task
from schoolwindow.people.models import Pupil
from tests.engagement.helpers_flags import MONDAY, school_calendar
from tests.factories import PupilFactory
from tests.pages import conftest as pages
from tests.pages.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


TUESDAY = MONDAY + dt.timedelta(days=1)
SATURDAY = MONDAY - dt.timedelta(days=2)


@pytest.fixture
def world(db: None) -> World:
    world = pages.build_pages_world()
    school_calendar(world.oakfield)
    school_calendar(world.brookside)
    return world


class Sink:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self) -> dict[str, Message]:
        """Each recipient's message (each digest goes to one person)."""
        out = {}
        for envelope in self.envelopes:
            assert len(envelope.rcpt_tos) == 1
            out[envelope.rcpt_tos[0]] = email.message_from_bytes(envelope.content)
        return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Sink]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.SITE_URL = "https://school.example"
    try:
        yield sink
    finally:
        controller.stop()


def body(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no text part")


def html(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no html part")


def homework_reason() -> dict[str, Any]:
    items = [
        {"title": "Fractions", "subject": "Maths", "due_on": "2026-11-16"},
        {"title": "Poem", "subject": "English", "due_on": "2026-11-18"},
        {"title": "Cells", "subject": "Science", "due_on": "2026-11-19"},
    ]
    return dict(make_reason("homework_missing", 1, {"weeks": 2, "items": items}))


def silence_reason() -> dict[str, Any]:
    args = {
        "days": 6,
        "last_active": "2026-11-13",
        "usual": 4.0,
        "silent_days": [],
        "excused_days": [],
    }
    return dict(make_reason("no_online", 1, args))


def flag(pupil: Pupil, **fields: Any) -> Flag:
    values: dict[str, Any] = {
        "school": pupil.school,
        "pupil": pupil,
        "opened_on": MONDAY - dt.timedelta(days=14),
        "last_evaluated_on": MONDAY,
        "reasons": [silence_reason()],
        **fields,
    }
    return Flag.objects.create(**values)


def email_of(world: World, role: str) -> str:
    user = world.user(role)
    assert user is not None
    return user.email


def test_pastoral_leads_and_advocates_get_their_news_once(world: World, smtp: Sink) -> None:
    flag(world.ada, opened_on=MONDAY, reasons=[silence_reason(), homework_reason()])
    flag(world.cara, worsened_on=MONDAY)
    flag(PupilFactory(school=world.oakfield, legal_first_name="Old", legal_last_name="News"))
    flag(
        PupilFactory(school=world.oakfield, legal_first_name="Sleepy", legal_last_name="Snooze"),
        opened_on=MONDAY,
        status=FlagStatus.SNOOZED,
        snoozed_until=MONDAY + dt.timedelta(days=5),
    )
    flag(world.ben, opened_on=MONDAY)  # Brookside has no pastoral lead or advocate here

    assert digest_send(on_date=MONDAY) == 2
    received = smtp.messages()
    assert set(received) == {email_of(world, "pastoral"), email_of(world, "advocate")}

    lead = received[email_of(world, "pastoral")]
    assert lead["Subject"] == "Oakfield Academy: 2 pupils to look at this morning"
    text = body(lead)
    assert "Ada Kowalska (Year 7) — New on the list" in text
    assert "Cara Jones (Year 7) — New reason" in text
    assert "No log-in or online work since Fri 13 Nov — 6 school days" in text
    assert (
        "3 pieces of homework missing in 2 school weeks: Maths — Fractions (due Mon 16 Nov)" in text
    )
    assert "https://school.example/watchlist/" in text
    assert "Old News" not in text and "Sleepy" not in text and "Ben" not in text
    assert "Ada Kowalska" in html(lead)

    advocate = body(received[email_of(world, "advocate")])
    assert "Ada Kowalska" in advocate
    assert "Cara" not in advocate
    subject = received[email_of(world, "advocate")]["Subject"]
    assert subject == "Oakfield Academy: 1 pupil to look at this morning"

    # Nobody else: not the teacher, the leader, the DSL, the office — and never a parent.
    for role in ("teacher", "leader", "dsl", "flo", "office", "parent", "pupil"):
        assert email_of(world, role) not in received

    # Twice on the same morning: nothing more.
    assert digest_send(on_date=MONDAY) == 0
    assert len(smtp.envelopes) == 2
    assert DigestSent.objects.filter(date=MONDAY).count() == 2


def test_the_next_morning_brings_only_what_changed(world: World, smtp: Sink) -> None:
    ada = flag(world.ada, opened_on=MONDAY)
    flag(world.cara, opened_on=MONDAY - dt.timedelta(days=7))
    digest_send(on_date=MONDAY)
    smtp.envelopes.clear()
    assert digest_send(on_date=TUESDAY) == 0  # nothing new since Monday
    Flag.objects.filter(school=world.oakfield, pupil=world.cara).update(worsened_on=TUESDAY)
    assert digest_send(on_date=TUESDAY) == 1
    text = body(smtp.messages()[email_of(world, "pastoral")])
    assert "Cara Jones" in text and "Ada" not in text
    assert ada.pk  # Ada's flag is still open, simply not news


def test_no_digest_on_a_day_without_school(world: World, smtp: Sink) -> None:
    flag(world.ada, opened_on=SATURDAY)
    assert digest_send(on_date=SATURDAY) == 0
    assert smtp.envelopes == []
    # A flag raised at the weekend is news on Monday morning.
    assert digest_send(on_date=MONDAY) == 2


def test_each_person_reads_it_in_their_language(world: World, smtp: Sink) -> None:
    lead = world.user("pastoral")
    assert lead is not None
    lead.language = "pl"
    lead.save(update_fields=["language"])
    flag(world.ada, opened_on=MONDAY)
    digest_send(on_date=MONDAY)
    with translation.override("pl"):
        polish_day = day_label("2026-11-13")
    with translation.override("en-gb"):
        english_day = day_label("2026-11-13")
    assert polish_day != english_day
    assert polish_day in body(smtp.messages()[lead.email])
    assert english_day in body(smtp.messages()[email_of(world, "advocate")])


def test_the_task_wraps_it(world: World, smtp: Sink) -> None:
    flag(world.ada, opened_on=MONDAY)
    result = digest_task.enqueue(MONDAY.isoformat())
    assert result.return_value == 2
