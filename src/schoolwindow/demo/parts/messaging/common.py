"""The demo's messaging: its constants, words, and tools for writing at a past moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from unittest import mock

from django.db import connection
from django.db.models import Field, Model

from schoolwindow.messaging.delivery import quiet
from schoolwindow.messaging.models import DeliveryStatus, MessagingSettings
from schoolwindow.messaging.translation.phrasebook import PHRASEBOOK_LANGUAGES
from schoolwindow.people.models import Channel, Guardian

MORNING = dt.time(8, 0)  # the demo stands here on its today
# Calendar days of messaging before the weekend after the data's last school day (five weeks
# and a weekend: from Sunday 18 October for data ending on Friday 20 November).
WINDOW_DAYS = 36
# Languages a family can reply in and have the phrasebook translate for staff.
REPLY_LANGUAGES = frozenset({"en", *PHRASEBOOK_LANGUAGES})
# How likely a family is to open a message, by how it reached them (a note from a teacher, and
# an announcement). Announcements in the app are not counted: the app does not show them yet.
READ_CHANCE: dict[str, float] = {Channel.APP: 0.9, Channel.SMS: 0.55, Channel.EMAIL: 0.6}
ANNOUNCEMENT_READ_CHANCE: dict[str, float] = {Channel.EMAIL: 0.55, Channel.SMS: 0.4}
# Copies whose status becomes "read" when the family opens them (services.deliveries_read).
UNREAD = (
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.QUEUED,
    DeliveryStatus.SENDING,
)
# What the demo reads of a copy to decide its fate.
COPY_FIELDS = (
    "id",
    "school_id",
    "message_id",
    "guardian_id",
    "pupil_id",
    "channel",
    "status",
    "not_before",
    "queued_at",
    "sent_at",
    "read_at",
    "idempotency_key",
    "fallback_of_id",
)
# The office prints the day's letters at this time and posts them.
LETTERS_PRINTED_AT = dt.time(15, 45)
PRAISE_KEYS = (
    "praise.great_work",
    "praise.effort",
    "praise.kindness",
    "praise.helpful",
    "praise.progress",
    "praise.homework",
    "praise.ideas",
    "praise.positive_week",
    "praise.teamwork",
    "praise.star_of_the_week",
)
PRIMARY_PRAISE_KEYS = (*PRAISE_KEYS, "praise.reading")
VIDEO_LINK = "https://video.example.org/riverside-academy/head-weekly/{day:%Y-%m-%d}"
SMS_FAILURE = "Provider error 30005: unknown destination handset (number not in service)"
EMAIL_BOUNCE = "550 5.1.1 Recipient address rejected: User unknown in virtual mailbox table"
MAILBOX_FULL = "552 5.2.2 Mailbox full: the recipient's mailbox is over its quota"

# What English-speaking families write back, by what they were asked about.
THANKS = (
    "Thank you so much for letting us know! We're really proud of {child}.",
    "That's lovely to hear, thank you. {child} was beaming when we told them.",
    "Thank you! It's made our day.",
    "Thanks for taking the time to tell us. We'll make a fuss of {child} tonight.",
)
HOMEWORK_REPLIES = (
    "Thank you for letting me know, I had no idea. I'll make sure it's done this weekend.",
    "Sorry about this. Our internet has been off since last week. Can {child} use the "
    "library computers at lunchtime?",
    "Thanks. {child} has been looking after their little brother after school while I'm at work. "
    "We'll sort something out.",
    "Thank you, we'll sit down with {child} tonight and go through it.",
)
HOMEWORK_ANSWERS = (
    "Thank you, that's really helpful. Homework club is in the library on Tuesdays and "
    "Thursdays until 4:15 if that makes it easier.",
    "Thank you. The library is open from 8:00 every morning and at lunchtime: {child} is very "
    "welcome.",
    "Thanks for getting back to me so quickly. I'll check in with {child} on Monday.",
)
UNWELL_REPLIES = (
    "Sorry, {child} has a temperature and was sick in the night. Hopefully back tomorrow.",
    "Sorry I didn't ring. {child} has a bad cold and is staying home today.",
    "{child} is off with a stomach bug. I'll let you know how they are tomorrow.",
)
MENTOR_GOALS = (
    "using a planner to keep track of homework",
    "what to do when lessons feel too noisy",
    "getting to school on time",
    "reading for ten minutes every evening",
)
MENTOR_REPLIES = (
    "Thank you for everything you're doing. {child} talks about the sessions at home. Mornings "
    "are the hardest for us at the moment.",
    "Thanks for getting in touch. {child} is much happier this term. Could we have a quick chat "
    "at parents' evening?",
    "That's great to hear. Is there anything we can do at home to help with it?",
)
MENTOR_ANSWERS = (
    "Thank you, that helps a lot. I'll check in with {child} at registration on Mondays.",
    "Of course: I'll book a slot for us at parents' evening and send you the time.",
    "A quiet ten minutes together after tea is perfect. I'll send some ideas home with {child}.",
)
# Notes for calls about pupils on the watchlist, by the flag's first reason.
WATCHLIST_NOTES: dict[str, tuple[str, str]] = {
    "attendance": (
        "Spoke with {parent}: {child} has been finding mornings hard since half-term. Agreed a "
        "text from the attendance office at 8:45 when {child} is not in; review in two weeks.",
        "Called about {child}'s absences this month. No answer; left a message asking {parent} "
        "to ring the attendance office.",
    ),
    "unauthorised": (
        "Spoke with {parent} about the unexplained sessions. {parent} says {child} leaves for "
        "school on time; we agreed to text each morning {child} is not in by 9:00.",
        "No answer on the mobile number. Left a voicemail about the unexplained absences.",
    ),
    "no_online": (
        "Spoke with {parent}: the family's broadband has been off since the start of the month. "
        "Offered a 4G dongle from the loan stock; {parent} will collect it on Monday.",
        "Called about {child} not logging in to Riverside Online. No answer; message left.",
    ),
    "homework_missing": (
        "Spoke with {parent} about the missing homework. {child} has been looking after a younger "
        "sibling after school; suggested homework club on Tuesdays and Thursdays.",
        "Called about the missing homework. No answer.",
    ),
    "family": (
        "Our messages have gone unread, so I rang to check the details we hold. The number is "
        "right; {parent} had not been opening our emails and will look out for them now.",
        "Rang to check the family's contact details: no answer.",
    ),
    "drop": (
        "Called {parent}: {child} has seemed low since half-term. With {parent}'s agreement, "
        "referred {child} to the school counsellor.",
        "Called to talk about how {child} has been since half-term. Left a message.",
    ),
}


@dataclass
class MessagingCounts:
    conversations: int = 0
    messages: int = 0
    praise: int = 0
    contacts: int = 0
    broadcasts: int = 0
    broadcast_copies: int = 0
    nudges: int = 0
    letters_waiting: int = 0


@contextmanager
def settings_read_once() -> Iterator[None]:
    """Each school's MessagingSettings read once while the demo writes: the services read them
    for every copy (send_not_before), and they do not change once settings_build has run."""
    read = quiet.settings_for
    found: dict[int, MessagingSettings] = {}

    def settings_for(school_id: int) -> MessagingSettings:
        if school_id not in found:
            found[school_id] = read(school_id)
        return found[school_id]

    with mock.patch.object(quiet, "settings_for", new=settings_for):
        yield


def dear(guardian: Guardian) -> str:
    """The greeting a school writes: "Dear Ms Bennett"."""
    if guardian.title:
        return f"Dear {guardian.title} {guardian.last_name}"
    return f"Dear {guardian.first_name} {guardian.last_name}"


def rows_update(model: type[Model], fields: Sequence[str], objects: Sequence[Model]) -> None:
    """Write these fields of many rows with one prepared UPDATE (Django's bulk_update builds a
    CASE per field per batch, which costs more than the statement)."""
    if not objects:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assert all(isinstance(field, Field) for field in columns)
    concrete = cast(list[Field[Any, Any]], columns)
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in concrete)
    table, key = quote(meta.db_table), quote(str(meta.pk.column if meta.pk else "id"))
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"
    rows = [
        (
            *(
                field.get_db_prep_value(getattr(obj, field.attname), connection)
                for field in concrete
            ),
            obj.pk,
        )
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
