"""The demo's messaging: the last three and a half weeks of talking with families.

After the engagement history (demo/history.py), this writes what staff and families said to each
other in School Window in the weeks before `DEMO_TODAY` (the demo stands at 8 a.m. on Monday 23
November 2026):

- conversations between staff and guardians, about a pupil or general, with the families' replies:
  families who read another language get the phrasebook's translation, and the Nowaks (Polish)
  and the Popas (Romanian) answer in theirs, translated for staff; a split family written to
  separately; several staff in some; and the scripted families' stories (history.py's
  SCRIPTED_PUPILS) told in their messages: Jack Bennett going quiet, the Turners not reading, the
  Popas' one phone, Tyler Hughes's Mondays and Fridays, Freya Marsh's broken laptop;
- calls, meetings and home visits in the contact log, for pupils on the watchlist among others;
- positive notes home from a class list, so each family's balance of good news to worries varies
  and some, not all, have heard nothing good for a while;
- announcements: the Year 9 options evening and the head's weekly video (a link), sent, with
  each copy's fate; a tutor's note to her form, and a reminder to it scheduled for Wednesday;
- the weekly summaries prepared on Friday, waiting for the named approver;
- a family no channel reaches (the email bounces, the number is not in service), with letters to
  print, and a guardian with no contact details at all, when the roster has one.

Messages, replies, contacts, announcements, bounces and the fallbacks they start, settings and
the summaries are written through the messaging app's own services, each run at the moment it
happened: while a service runs, the clock it reads (`django.utils.timezone.now`) is set to that
moment, so quiet hours, restrictions, outbox rows, the early warning's FamilyMessage rows, the
audit log and every `auto_now` field behave and read as they would have. What then happened to
each copy (the worker sent it, the provider reported it delivered, the family opened it, an email
unread for two days was followed by a text, the office printed the day's letters) is written
directly with past times, and the FamilyMessage rows are brought up to date once at the end
(services.family_signal_sync, called per copy, reads the school's rows every time). Nothing old
is left waiting: a worker started on the demo sends only the announcement scheduled for Wednesday.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, cast
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

from schoolwindow.audit.services import audit_record
from schoolwindow.core.models import User
from schoolwindow.core.permissions import Actor, actor_for
from schoolwindow.demo.calendars import DEMO_TODAY
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.engagement.models import (
    AttendanceMark,
    FamilyMessage,
    Flag,
    FlagStatus,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
)
from schoolwindow.messaging import broadcasts, nudges, positive
from schoolwindow.messaging.channels.email import message_id_for
from schoolwindow.messaging.fallback import fallback_for
from schoolwindow.messaging.inbound import delivery_mark_failed
from schoolwindow.messaging.models import (
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    ContactKind,
    ContactOutcome,
    Conversation,
    Delivery,
    DeliveryStatus,
    Message,
    MessagingSettings,
    Participant,
    Tone,
)
from schoolwindow.messaging.outbox import SYSTEM_ACTOR
from schoolwindow.messaging.phrasebook import PHRASEBOOK_LANGUAGES, PHRASES_BY_KEY, phrase_fill
from schoolwindow.messaging.quiet import settings_for
from schoolwindow.messaging.services import (
    contact_log_record,
    conversation_read,
    conversation_start,
    guardian_message_create,
    message_post,
    participant_staff_add,
)
from schoolwindow.people.models import (
    AdvocateAssignment,
    Channel,
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
    Role,
    SafeguardingStatus,
    Staff,
    StaffRole,
    TeachingAssignment,
)
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import GroupKind, School, YearGroup

MORNING = dt.time(8, 0)  # the demo stands here on DEMO_TODAY
WINDOW_DAYS = 36  # calendar days of messaging before DEMO_TODAY (back to Friday 16 October)
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
VIDEO_LINK = "https://video.example.org/riverside-academy/head-weekly/2026-11-20"
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
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Run the services inside as if it were `moment`: they all read django.utils.timezone.now
    (as does every auto_now field), so what they write carries the demo's time."""
    utc = moment.astimezone(dt.UTC)
    with mock.patch.object(timezone, "now", new=lambda: utc):
        yield


@contextmanager
def settings_read_once() -> Iterator[None]:
    """Each school's MessagingSettings read once while the demo writes: the services read them
    for every copy (send_not_before), and they do not change once settings_build has run."""
    from schoolwindow.messaging import quiet

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


class ConversationsBuilder:
    """Writes the demo's messaging; uses the demo builder's seeded random generator."""

    def __init__(self, demo: DemoContext) -> None:
        self.demo = demo
        self.rng = demo.rng
        self.say = demo.say
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.now = dt.datetime.combine(DEMO_TODAY, MORNING, tzinfo=self.zone)
        self.counts = MessagingCounts()
        self.actors: dict[int, Actor] = {}
        # How likely a guardian is to open what school sends, where their story decides it
        # (otherwise READ_CHANCE by channel).
        self.reads: dict[int, float] = {}
        # Pupils already written about (and the scripted ones): each conversation is new.
        self.avoid: set[int] = set()
        self.no_praise: set[int] = set()  # pupils whose story has no room for a note home now
        self.dead_numbers: set[int] = set()  # guardians whose phone number is not in service

    # ----------------------------------------------------------------- the whole build

    def build(self) -> MessagingCounts:
        started = time.perf_counter()
        self.load()
        self.settings_build()
        with settings_read_once():
            self.unreachable_choose()
            # The scripted families first, then everyday conversations, positive notes, the
            # contact log, announcements; then what the worker did after; then Friday's job.
            self.bennetts()
            self.nowaks()
            self.popas()
            self.hughes()
            self.marshes()
            self.turners()
            self.caseload()
            self.split_family()
            self.homework_concerns()
            self.absence_chases()
            self.year_nine()
            self.safeguarding()
            self.general()
            self.praise()
            self.watchlist_contacts()
            self.unreachable()
            self.announcements()
            self.unread_followed()
            self.letters_printed()
            self.family_rows_sync()
            self.nudges_prepare()
        counts = self.counts
        counts.letters_waiting = Delivery.objects.filter(
            school_id__in=[s.pk for s in self.schools], status=DeliveryStatus.LETTER
        ).count()
        self.say(
            f"  messages with families: {counts.conversations} conversations and "
            f"{counts.praise} positive notes ({counts.messages} messages), "
            f"{counts.contacts} calls, meetings and visits, {counts.broadcasts} announcements "
            f"({counts.broadcast_copies:,} copies), {counts.nudges} weekly summaries waiting for "
            f"approval, {counts.letters_waiting} letters to print "
            f"({time.perf_counter() - started:.1f} s)"
        )
        return counts

    # ----------------------------------------------------------------- the school as it is

    def load(self) -> None:
        demo = self.demo
        self.primary, self.secondary = demo.primary, demo.secondary
        self.schools = (self.primary, self.secondary)
        school_ids = [s.pk for s in self.schools]
        self.days = {
            school.pk: school_days(
                school_id=school.pk,
                start=DEMO_TODAY - dt.timedelta(days=WINDOW_DAYS),
                end=DEMO_TODAY - dt.timedelta(days=1),
            )
            for school in self.schools
        }
        self.staff = list(
            Staff.objects.filter(school_id__in=school_ids).select_related("user").order_by("pk")
        )
        self.roles: dict[int, set[str]] = defaultdict(set)
        for staff_id, role in StaffRole.objects.filter(school_id__in=school_ids).values_list(
            "staff_id", "role"
        ):
            self.roles[staff_id].add(role)
        self.pupils = {
            pupil.pk: pupil
            for pupil in Pupil.objects.filter(school_id__in=school_ids)
            .select_related("school", "year_group")
            .order_by("pk")
        }
        self.links: dict[int, list[GuardianLink]] = defaultdict(list)
        for link in (
            GuardianLink.objects.filter(school_id__in=school_ids)
            .select_related("guardian")
            .order_by("pupil_id", "contact_priority", "guardian_id")
        ):
            self.links[link.pupil_id].append(link)
        self.children_of: dict[int, list[int]] = defaultdict(list)
        for pupil_id, links in self.links.items():
            for link in links:
                self.children_of[link.guardian_id].append(pupil_id)
        self.tutor_group: dict[int, int] = {}  # pupil → registration group
        self.members: dict[int, list[int]] = defaultdict(list)  # group → pupils
        for pupil_id, group_id, kind in (
            Enrolment.objects.filter(school_id__in=school_ids, active=True)
            .order_by("group_id", "pupil_id")
            .values_list("pupil_id", "group_id", "group__kind")
        ):
            self.members[group_id].append(pupil_id)
            if kind == GroupKind.REGISTRATION:
                self.tutor_group[pupil_id] = group_id
        self.group_names: dict[int, str] = {}
        self.teachers: dict[int, list[Staff]] = defaultdict(list)  # group → staff, main first
        self.taught: dict[int, list[int]] = defaultdict(list)  # staff → groups
        staff_by_id = {s.pk: s for s in self.staff}
        for group_id, name, staff_id, kind, subject in (
            TeachingAssignment.objects.filter(school_id__in=school_ids)
            .order_by("-primary", "group_id", "pk")
            .values_list("group_id", "group__name", "staff_id", "group__kind", "group__subject")
        ):
            self.group_names[group_id] = name
            self.teachers[group_id].append(staff_by_id[staff_id])
            self.taught[staff_id].append(group_id)
            if kind == GroupKind.TEACHING and subject:
                self.group_names[group_id] = f"{name} ({subject})"
        self.advocate_of: dict[int, Staff] = {}
        for pupil_id, staff_id in AdvocateAssignment.objects.filter(
            school_id__in=school_ids, ended__isnull=True
        ).values_list("pupil_id", "staff_id"):
            self.advocate_of[pupil_id] = staff_by_id[staff_id]
        self.year_groups = {
            (yg.school_id, yg.ordinal): yg
            for yg in YearGroup.objects.filter(school_id__in=school_ids)
        }
        # The printed log-ins, and the scripted families.
        self.leader = self.printed("leader")
        self.pastoral = self.printed("pastoral")
        self.teacher = self.printed("teacher")
        self.advocate = self.printed("advocate")
        self.dsl = self.printed("dsl")
        self.office = self.printed("office")
        self.flo = {
            s.school_id: s
            for s in self.staff
            if s.user and s.user.username == LOGIN_USERNAMES["flo"]
        }
        self.special = demo.special
        self.guardians_of = demo.special_guardians
        for family in self.special.values():
            for child in family.children:
                if child.pupil is not None:
                    self.avoid.add(child.pupil.pk)

    def printed(self, role: str) -> Staff:
        username = LOGIN_USERNAMES[role]
        return next(s for s in self.staff if s.user is not None and s.user.username == username)

    def job(self, school: School, title: str) -> Staff:
        found = [s for s in self.staff if s.school_id == school.pk and s.job_title == title]
        if not found:
            raise LookupError(f"no {title} at {school.name}")
        return found[0]

    def with_role(self, school: School, role: str) -> list[Staff]:
        return [s for s in self.staff if s.school_id == school.pk and role in self.roles[s.pk]]

    def office_at(self, school: School) -> Staff:
        return self.office if school == self.secondary else self.with_role(school, Role.OFFICE)[0]

    def tutor_of(self, pupil: Pupil) -> Staff | None:
        group_id = self.tutor_group.get(pupil.pk)
        teachers = self.teachers.get(group_id or 0)
        return teachers[0] if teachers else None

    def head_of_year(self, pupil: Pupil) -> Staff:
        ordinal = pupil.year_group.ordinal if pupil.year_group else 0
        if pupil.school_id == self.secondary.pk:
            return self.job(self.secondary, f"Head of Year {ordinal}")
        return self.job(self.primary, "Inclusion lead and SENCo")

    def actor(self, user: User | None) -> Actor:
        assert user is not None
        found = self.actors.get(user.pk)
        if found is None:
            found = self.actors[user.pk] = actor_for(user)
        return found

    def contactable(self, pupil_id: int) -> list[Guardian]:
        return [link.guardian for link in self.links[pupil_id] if not link.contact_restricted]

    def first_contact(self, pupil_id: int) -> Guardian | None:
        found = self.contactable(pupil_id)
        return found[0] if found else None

    def writable(self, guardian: Guardian) -> bool:
        """A guardian the demo can write to and hear back from, in a language it can show."""
        return (
            guardian.preferred_language in REPLY_LANGUAGES
            and guardian.preferred_channel != Channel.LETTER
            and bool(guardian.email or guardian.phone or guardian.user_id)
        )

    def pick(self, pupil_ids: Sequence[int], count: int) -> list[int]:
        """Up to `count` of these pupils, each with a guardian to write to, none used twice."""
        candidates = [
            pupil_id
            for pupil_id in pupil_ids
            if pupil_id not in self.avoid
            and (guardian := self.first_contact(pupil_id)) is not None
            and self.writable(guardian)
        ]
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        self.avoid.update(chosen)
        return chosen

    # ----------------------------------------------------------------- time

    def day(self, school: School, back: int) -> dt.date:
        """The school day `back` school days before DEMO_TODAY (1: the Friday before)."""
        days = self.days[school.pk]
        return days[max(0, len(days) - back)]

    def at(self, day: dt.date, hhmm: str) -> dt.datetime:
        hour, minute = (int(part) for part in hhmm.split(":"))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)

    def when(self, school: School, back: int, hhmm: str, spread: int = 0) -> dt.datetime:
        moment = self.at(self.day(school, back), hhmm)
        if spread:
            moment += dt.timedelta(minutes=self.rng.randrange(spread))
        return moment

    def later(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """A moment about `hours` after this one (log-normally spread), at a waking hour."""
        delay = dt.timedelta(hours=hours * math.exp(self.rng.gauss(0, 0.6)))
        found = (moment + delay).astimezone(self.zone)
        if found.hour < 7:
            found = found.replace(hour=7, minute=self.rng.randrange(60))
        elif found.hour >= 22:
            found = (found + dt.timedelta(days=1)).replace(hour=7, minute=self.rng.randrange(60))
        return found

    def working(self, moment: dt.datetime, hours: float = 1.5) -> dt.datetime:
        """When a member of staff gets to it: a while later, in school hours on a school day."""
        found = self.later(moment, hours).astimezone(self.zone)
        while True:
            if found.weekday() >= 5 or found.time() >= dt.time(17, 30):
                found = dt.datetime.combine(
                    found.date() + dt.timedelta(days=1),
                    dt.time(8, self.rng.randrange(60)),
                    tzinfo=self.zone,
                )
                continue
            if found.time() < dt.time(7, 45):
                found = found.replace(hour=8, minute=self.rng.randrange(60))
            return found

    def clock(self, moment: dt.datetime) -> AbstractContextManager[None]:
        if moment > self.now:
            raise ValueError(f"the demo has not reached {moment} yet")
        return clock_at(moment)

    # ----------------------------------------------------------------- writing, as people do

    def start(
        self,
        author: Staff,
        guardians: Sequence[Guardian],
        *,
        pupil: Pupil | None,
        subject: str,
        body: str,
        at: dt.datetime,
        school: School | None = None,
        separately: bool = False,
        staff: Sequence[Staff] = (),
        tone: str = Tone.NEUTRAL,
        needs_reply: bool = False,
        urgent: bool = False,
        phrase_key: str = "",
    ) -> list[Conversation]:
        school_id = (
            pupil.school_id if pupil is not None else school.pk if school else author.school_id
        )
        actor = self.actor(author.user)
        with self.clock(at):
            conversations = conversation_start(
                actor=actor,
                school_id=school_id,
                pupil_id=pupil.pk if pupil is not None else None,
                guardian_ids=[g.pk for g in guardians],
                subject=subject,
                body=body,
                separately=separately,
                staff_ids=[s.pk for s in staff],
                tone=tone,
                needs_reply=needs_reply,
                urgent=urgent,
                phrase_key=phrase_key,
            )
            for conversation in conversations:
                conversation_read(actor=actor, conversation=conversation)
        for conversation in conversations:
            self.outbox(Message.objects.filter(conversation=conversation).latest("pk"))
        self.counts.conversations += len(conversations)
        self.counts.messages += len(conversations)
        return conversations

    def post(
        self,
        author: Staff,
        conversation: Conversation,
        body: str,
        at: dt.datetime,
        **options: object,
    ) -> Message | None:
        if at > self.now:
            return None  # they will get to it later this morning: not yet written
        actor = self.actor(author.user)
        with self.clock(at):
            message = message_post(
                actor=actor,
                conversation=conversation,
                body=body,
                **options,  # type: ignore[arg-type]
            )
            conversation_read(actor=actor, conversation=conversation)
        self.outbox(message)
        self.counts.messages += 1
        return message

    def phrase(
        self, key: str, pupil: Pupil | None = None, school: School | None = None
    ) -> tuple[str, str]:
        """(the English body, the phrase key) for a phrasebook message about this child."""
        school_name = pupil.school.name if pupil is not None else school.name if school else ""
        child = pupil.first_name if pupil is not None else ""
        return PHRASES_BY_KEY[key].english.format(child=child, school=school_name), key

    def family_words(
        self, guardian: Guardian, english: str, reply_key: str, pupil: Pupil | None
    ) -> str:
        """What this guardian writes: English as given, or the reply phrase in their language."""
        language = guardian.preferred_language or "en"
        child = pupil.first_name if pupil is not None else ""
        if language == "en":
            return english.format(child=child)
        phrase = PHRASES_BY_KEY[reply_key]
        return phrase_fill(phrase.texts.get(language, phrase.english), {"child": child})

    def copies_to(self, guardian: Guardian, conversation: Conversation) -> list[Delivery]:
        return list(
            Delivery.objects.filter(message__conversation=conversation, guardian=guardian)
            .exclude(status=DeliveryStatus.CANCELLED)
            .only(*COPY_FIELDS)
            .order_by("pk")
        )

    def reply(
        self,
        guardian: Guardian,
        conversation: Conversation,
        body: str,
        at: dt.datetime,
    ) -> Message | None:
        """The family answers: in the app when that is how they read us, else by email or text
        (as the inbound mail or SMS webhook would hand it over). Not yet, if `at` is to come."""
        if at > self.now:
            return None
        copies = self.copies_to(guardian, conversation)
        in_app = guardian.user_id is not None and any(c.channel == Channel.APP for c in copies)
        with self.clock(at):
            if in_app:
                message = message_post(
                    actor=self.actor(guardian.user), conversation=conversation, body=body
                )
            else:
                working = [
                    c
                    for c in copies
                    if c.status not in (DeliveryStatus.BOUNCED, DeliveryStatus.FAILED)
                ]
                message = guardian_message_create(
                    conversation=conversation,
                    guardian_id=guardian.pk,
                    body=body,
                    actor=SYSTEM_ACTOR,
                    replying_to=working[-1] if working else None,
                )
        self.outbox(message)
        self.counts.messages += 1
        return message

    def read(self, guardian: Guardian, conversation: Conversation, at: dt.datetime) -> None:
        """The family opens what school sent: in the app, or the link in each email or text."""
        if at > self.now:
            return
        copies = [
            c
            for c in self.copies_to(guardian, conversation)
            if c.read_at is None
            and c.status not in (DeliveryStatus.BOUNCED, DeliveryStatus.FAILED)
            and c.channel != Channel.LETTER
            and (c.sent_at or c.queued_at) <= at
        ]
        if not copies:
            return
        if guardian.user_id is not None and any(c.channel == Channel.APP for c in copies):
            Participant.objects.filter(conversation=conversation, guardian=guardian).update(
                last_read_at=at
            )
        self.mark_read(copies, at)

    def mark_read(self, copies: Sequence[Delivery], at: dt.datetime) -> None:
        """What services.deliveries_read writes when a family opens a copy (in the app or by
        its link). The early warning's rows are brought up to date once, at the end."""
        for copy in copies:
            status = DeliveryStatus.READ if copy.status in UNREAD else copy.status
            Delivery.objects.filter(pk=copy.pk).update(read_at=at, status=status)
            copy.read_at, copy.status = at, status

    def staff_read(
        self, conversation: Conversation, after: dt.datetime, *, hours: float = 2.0
    ) -> None:
        """Each member of staff in the conversation opens it some working time later."""
        for participant in Participant.objects.filter(
            conversation=conversation, staff__isnull=False
        ).select_related("staff__user"):
            assert participant.staff is not None
            moment = self.working(after, hours)
            if moment <= self.now:
                with self.clock(moment):
                    conversation_read(
                        actor=self.actor(participant.staff.user), conversation=conversation
                    )

    def add_staff(
        self, author: Staff, conversation: Conversation, joining: Staff, at: dt.datetime
    ) -> None:
        with self.clock(at):
            participant_staff_add(
                actor=self.actor(author.user), conversation=conversation, staff_id=joining.pk
            )

    def contact(
        self,
        staff: Staff,
        pupil: Pupil,
        guardian: Guardian | None,
        *,
        kind: str,
        outcome: str,
        at: dt.datetime,
        notes: str,
        tone: str = Tone.NEUTRAL,
    ) -> None:
        # Logged a few minutes after it happened.
        with self.clock(min(self.now, at + dt.timedelta(minutes=5 + self.rng.randrange(25)))):
            contact_log_record(
                actor=self.actor(staff.user),
                pupil_id=pupil.pk,
                guardian_id=guardian.pk if guardian is not None else None,
                kind=kind,
                outcome=outcome,
                happened_at=at,
                notes=notes,
                tone=tone,
            )
        self.counts.contacts += 1

    # ----------------------------------------------------------------- the outbox, as it ran

    def outbox(self, message: Message) -> None:
        """What the worker did with a message's copies: each sent a few seconds after it was
        due; a text's delivery report a few seconds later."""
        for copy in (
            Delivery.objects.filter(message=message, status=DeliveryStatus.QUEUED)
            .only(*COPY_FIELDS)
            .order_by("pk")
        ):
            self.send(copy)

    def send(self, copy: Delivery) -> None:
        sent = max(copy.not_before, copy.queued_at) + dt.timedelta(
            seconds=2 + self.rng.randrange(40)
        )
        if sent > self.now:
            return  # not due yet: the worker sends it when it is
        provider_id = (
            message_id_for(copy.idempotency_key)
            if copy.channel == Channel.EMAIL
            else f"file-{copy.idempotency_key}"
        )
        Delivery.objects.filter(pk=copy.pk).update(
            status=DeliveryStatus.SENT, sent_at=sent, attempts=1, provider_id=provider_id
        )
        copy.status, copy.sent_at, copy.attempts, copy.provider_id = (
            DeliveryStatus.SENT,
            sent,
            1,
            provider_id,
        )
        if (
            copy.channel == Channel.SMS
            and copy.guardian_id is not None
            and copy.guardian_id not in self.dead_numbers
        ):
            # The provider's delivery report (inbound.delivery_mark_delivered, synced at the end).
            delivered = sent + dt.timedelta(seconds=3 + self.rng.randrange(20))
            Delivery.objects.filter(pk=copy.pk).update(
                status=DeliveryStatus.DELIVERED, delivered_at=delivered
            )
            copy.status, copy.delivered_at = DeliveryStatus.DELIVERED, delivered

    def fail(
        self, copy: Delivery, *, reason: str, bounced: bool, after: int = 60
    ) -> Delivery | None:
        """The copy bounced (email) or failed (text): the fallback it starts is sent in turn."""
        copy.refresh_from_db()
        moment = (copy.sent_at or copy.queued_at) + dt.timedelta(seconds=after)
        with self.clock(moment):
            delivery_mark_failed(copy, moment, reason=reason, bounced=bounced)
        follower = (
            Delivery.objects.filter(fallback_of_id=copy.fallback_of_id or copy.pk)
            .order_by("-pk")
            .first()
        )
        if follower is not None and follower.status == DeliveryStatus.QUEUED:
            self.send(follower)
            follower.refresh_from_db()
        return follower

    # ----------------------------------------------------------------- settings

    def settings_build(self) -> None:
        """The pastoral lead approves Riverside Academy's weekly summaries; the primary's SENCo
        the primary's. Each head chose that at the start of November."""
        from schoolwindow.messaging.school_settings import FIELDS, messaging_settings_update

        approvers = (
            (self.secondary, self.leader, self.pastoral),
            (
                self.primary,
                self.job(self.primary, "Headteacher and designated safeguarding lead"),
                self.job(self.primary, "Inclusion lead and SENCo"),
            ),
        )
        for school, head, approver in approvers:
            current = settings_for(school.pk)
            values: dict[str, object] = {name: getattr(current, name) for name in FIELDS}
            values["nudge_approver"] = approver
            with self.clock(self.when(school, 15, "08:10")):
                messaging_settings_update(
                    actor=self.actor(head.user), school_id=school.pk, values=values
                )

    # ----------------------------------------------------------------- the scripted families

    def bennetts(self) -> None:
        """Jack Bennett (Year 8) going quiet; his mother Claire is the printed parent. His father
        is under a court order: nothing reaches him, and the services make sure of it."""
        family = self.special["parent"]
        ella, jack = (child.pupil for child in family.children)
        assert ella is not None and jack is not None
        self.no_praise.update({ella.pk, jack.pk})
        claire = self.guardians_of["parent"]["mother"]
        secondary = self.secondary
        teacher, advocate, dsl = self.teacher, self.advocate, self.dsl
        head_of_year = self.head_of_year(jack)

        # His mentor notices he has stopped logging in, and asks his mother to come in; the
        # DSL is in the conversation from the start, his head of year joins.
        moment = self.when(secondary, 5, "10:15")
        [mentoring] = self.start(
            advocate,
            [claire],
            pupil=jack,
            subject="Checking in about Jack",
            body=(
                "Dear Ms Bennett, Jack hasn't logged in to Riverside Online since last Tuesday, "
                "and he missed Friday afternoon. That isn't like him, so I wanted to check that "
                "he is all right. Jack and I usually meet every other Thursday: could you come "
                "in with him this week? Any time after 3:15 works for me. Ms Sharma"
            ),
            at=moment,
            staff=[dsl],
            tone=Tone.CONCERN,
            needs_reply=True,
        )
        self.read(claire, mentoring, moment.replace(hour=12, minute=31))
        self.reply(
            claire,
            mentoring,
            "Yes please. I can come on Thursday at 3:30. Things have been difficult at home for "
            "the last few weeks, and he doesn't want to talk to me about it.",
            moment.replace(hour=19, minute=40),
        )
        self.staff_read(mentoring, moment.replace(hour=19, minute=40), hours=0.5)
        booked = self.when(secondary, 4, "08:32")
        self.post(
            advocate,
            mentoring,
            "Thank you. Thursday at 3:30 is booked. Mr Campbell will join us, and I'll let "
            "Jack's head of year know.",
            booked,
        )
        self.add_staff(advocate, mentoring, head_of_year, booked + dt.timedelta(minutes=3))
        self.read(claire, mentoring, booked.replace(hour=13, minute=5))

        # Ms Fletcher, his English teacher, notices the homework (three pieces missing this
        # week in the history: Maths on Tuesday, Science on Wednesday, English on Thursday).
        moment = self.when(secondary, 2, "12:40")
        [english] = self.start(
            teacher,
            [claire],
            pupil=jack,
            subject="Jack's English homework",
            body=(
                "Dear Ms Bennett, Jack hasn't handed in his speech plan, which was due this "
                "morning. He is usually so reliable in English, so I wanted to check that "
                "everything is all right. Homework club runs in the library on Tuesdays and "
                "Thursdays if that would help. Best wishes, Ms Fletcher"
            ),
            at=moment,
            tone=Tone.CONCERN,
            needs_reply=True,
        )
        self.read(claire, english, moment.replace(hour=12, minute=58))
        self.reply(
            claire,
            english,
            "Thank you for letting me know. We're seeing Ms Sharma this afternoon, so I'll bring "
            "it up then.",
            moment.replace(hour=13, minute=6),
        )
        self.staff_read(english, moment.replace(hour=13, minute=6), hours=0.3)
        answer = moment.replace(hour=14, minute=10)
        self.post(
            teacher,
            english,
            "Thank you. I've told Ms Sharma too. Jack can hand the speech plan in next week; "
            "there is no rush.",
            answer,
        )
        self.read(claire, english, answer.replace(hour=15, minute=20))

        meeting = self.when(secondary, 2, "15:30")
        self.contact(
            advocate,
            jack,
            claire,
            kind=ContactKind.MEETING,
            outcome=ContactOutcome.SPOKE,
            at=meeting,
            notes=(
                "Met Jack and Ms Bennett, with Mr Campbell. Jack has been worried since the family "
                "court hearing and is not sleeping well. He stopped logging in because the laptop "
                "at home is broken, and three pieces of homework are missing this week. Agreed: a "
                "loan laptop from Monday, homework club on Tuesdays and Thursdays, and a weekly "
                "check-in with me. Mr Campbell has updated the plan."
            ),
        )
        after = self.when(secondary, 2, "17:05")
        self.post(
            dsl,
            mentoring,
            "Thank you for coming in today, Ms Bennett. As agreed, Jack can collect a laptop from "
            "the library on Monday morning, and Ms Sharma will see him every Tuesday. Please "
            "call me at any time if you are worried.",
            after,
        )
        self.read(claire, mentoring, after.replace(hour=20, minute=48))
        self.reply(
            claire,
            mentoring,
            "Thank you both. He seemed a bit brighter on the way home.",
            after.replace(hour=21, minute=30),
        )
        self.staff_read(mentoring, after.replace(hour=21, minute=30), hours=0.3)

        # Friday: he is not in, and nobody has said why (code N in the register).
        chase = self.when(secondary, 1, "09:35")
        body, key = self.phrase("attendance.not_in_today", jack)
        [absent] = self.start(
            self.office,
            [claire],
            pupil=jack,
            subject="Jack is not in school today",
            body=body,
            phrase_key=key,
            at=chase,
            tone=Tone.CONCERN,
            needs_reply=True,
            urgent=True,
        )
        self.read(claire, absent, chase.replace(hour=12, minute=47))
        self.contact(
            self.office,
            jack,
            claire,
            kind=ContactKind.CALL,
            outcome=ContactOutcome.MESSAGE_LEFT,
            at=chase.replace(hour=14, minute=10),
            notes="Second call about today's absence: voicemail. Asked Ms Bennett to ring the "
            "attendance line.",
        )
        self.post(
            advocate,
            mentoring,
            "Jack wasn't in today. I hope he's all right. The laptop will be ready for him on "
            "Monday at 8:30 in the library.",
            chase.replace(hour=16, minute=30),
        )

        # Ella, in Year 4 at the primary, is doing well: her teacher says so.
        ella_teacher = self.tutor_of(ella)
        if ella_teacher is not None:
            moment = self.when(self.primary, 4, "15:25")
            with self.clock(moment):
                praised = positive.praise_send(
                    actor=self.actor(ella_teacher.user),
                    pupil_id=ella.pk,
                    phrase_key="praise.reading",
                )
            self.praise_sent(praised, ella_teacher, moment)
            for conversation in praised:
                self.read(claire, conversation, moment.replace(hour=16, minute=2))
                self.reply(
                    claire,
                    conversation,
                    "Thank you! She has been reading to her brother every night.",
                    moment.replace(hour=16, minute=9),
                )
                self.staff_read(conversation, moment.replace(hour=16, minute=9))

    def nowaks(self) -> None:
        """Zuza Nowak's mother reads Polish: the phrasebook translates both ways, and the family
        liaison officer, who speaks Polish, joins."""
        family = self.special["pupil"]
        zuza = family.children[0].pupil
        assert zuza is not None
        self.no_praise.add(zuza.pk)
        magdalena = self.guardians_of["pupil"]["mother"]
        secondary = self.secondary
        flo = self.flo[secondary.pk]

        moment = self.when(secondary, 10, "11:05")
        body, key = self.phrase("events.parents_evening", zuza)
        [evening] = self.start(
            self.pastoral,
            [magdalena],
            pupil=zuza,
            subject="Year 9 parents' evening",
            body=body,
            phrase_key=key,
            at=moment,
            needs_reply=True,
        )
        self.read(magdalena, evening, moment.replace(hour=12, minute=30))
        self.reply(
            magdalena,
            evening,
            self.family_words(
                magdalena, "Could you phone me, please?", "reply.please_phone_me", zuza
            ),
            moment.replace(hour=12, minute=41),
        )
        self.staff_read(evening, moment.replace(hour=12, minute=41), hours=0.4)
        joined = moment.replace(hour=13, minute=20)
        self.add_staff(self.pastoral, evening, flo, joined)
        body, key = self.phrase("general.interpreter", zuza)
        self.post(flo, evening, body, joined + dt.timedelta(minutes=6), phrase_key=key)
        self.contact(
            flo,
            zuza,
            magdalena,
            kind=ContactKind.CALL,
            outcome=ContactOutcome.SPOKE,
            at=moment.replace(hour=15, minute=10),
            tone=Tone.POSITIVE,
            notes=(
                "Called Mrs Nowak in Polish. She would like to come to parents' evening on 26 "
                "November with me interpreting: booked 17:10 with Ms Fletcher and Mr Hussain. "
                "Zuza is happy and settled; Antoni (Year 2) too."
            ),
        )
        self.read(magdalena, evening, moment.replace(hour=15, minute=35))
        self.reply(
            magdalena,
            evening,
            self.family_words(magdalena, "Thank you.", "reply.thank_you", zuza),
            moment.replace(hour=15, minute=38),
        )
        self.staff_read(evening, moment.replace(hour=15, minute=38))

        # Star of the week, to both parents separately (her father reads English, by text).
        moment = self.when(secondary, 6, "15:20")
        with self.clock(moment):
            praised = positive.praise_send(
                actor=self.actor(self.teacher.user),
                pupil_id=zuza.pk,
                phrase_key="praise.star_of_the_week",
            )
        self.praise_sent(praised, self.teacher, moment)
        for conversation in praised:
            for guardian in self.guardians_in(conversation):
                self.read(guardian, conversation, self.later(moment, 2))
            if magdalena in self.guardians_in(conversation):
                self.reply(
                    magdalena,
                    conversation,
                    self.family_words(magdalena, "Thank you.", "reply.thank_you", zuza),
                    moment.replace(hour=17, minute=52),
                )
                self.staff_read(conversation, moment.replace(hour=17, minute=52))

    def guardians_in(self, conversation: Conversation) -> list[Guardian]:
        return [
            p.guardian
            for p in Participant.objects.filter(
                conversation=conversation, guardian__isnull=False
            ).select_related("guardian")
            if p.guardian is not None
        ]

    def popas(self) -> None:
        """One shared phone, no internet, texts in Romanian read a day or two late."""
        family = self.special["shared_phone"]
        ioana = family.children[0].pupil
        assert ioana is not None
        mihaela = self.guardians_of["shared_phone"]["mother"]
        self.reads[mihaela.pk] = 0.8
        self.reads[self.guardians_of["shared_phone"]["father"].pk] = 0.0  # the same phone
        secondary = self.secondary
        tutor = self.tutor_of(ioana) or self.head_of_year(ioana)
        moment = self.when(secondary, 9, "14:05")
        body, key = self.phrase("homework.club", ioana)
        [club] = self.start(
            tutor,
            [mihaela],
            pupil=ioana,
            subject="Homework club",
            body=body,
            phrase_key=key,
            at=moment,
        )
        read = self.at(self.day(secondary, 7), "07:10")
        self.read(mihaela, club, read)
        self.reply(
            mihaela,
            club,
            self.family_words(mihaela, "Thank you.", "reply.thank_you", ioana),
            read + dt.timedelta(minutes=4),
        )
        self.staff_read(club, read)
        self.contact(
            self.flo[secondary.pk],
            ioana,
            mihaela,
            kind=ContactKind.VISIT,
            outcome=ContactOutcome.SPOKE,
            at=self.when(secondary, 3, "16:00"),
            tone=Tone.POSITIVE,
            notes=(
                "Home visit. No internet at home and one phone shared by both parents, who work "
                "shifts; Ioana does her online homework in the library at lunchtime. Agreed a 4G "
                "dongle on loan for Ioana. Texts remain the best way to reach the family; replies "
                "take a day or two."
            ),
        )

    def hughes(self) -> None:
        """Tyler Hughes (Year 10): unauthorised absences climbing on Mondays and Fridays. The
        attendance lead writes, with his head of year and the head; calls and a home visit."""
        family = self.special["unauthorised"]
        tyler = family.children[0].pupil
        assert tyler is not None
        leanne = self.guardians_of["unauthorised"]["mother"]
        secondary = self.secondary
        officer = self.job(secondary, "Attendance officer")
        lead = self.job(secondary, "Deputy DSL and attendance lead")
        head_of_year = self.head_of_year(tyler)
        self.contact(
            officer,
            tyler,
            leanne,
            kind=ContactKind.CALL,
            outcome=ContactOutcome.NO_ANSWER,
            at=self.when(secondary, 10, "09:40"),
            tone=Tone.CONCERN,
            notes="First-day call: Tyler not in, no reason given. No answer.",
        )
        moment = self.when(secondary, 10, "09:46")
        body, key = self.phrase("attendance.not_in_today", tyler)
        [first] = self.start(
            officer,
            [leanne],
            pupil=tyler,
            subject="Tyler is not in school today",
            body=body,
            phrase_key=key,
            at=moment,
            tone=Tone.CONCERN,
            needs_reply=True,
            urgent=True,
        )
        self.read(leanne, first, moment.replace(hour=11, minute=20))
        self.reply(
            leanne,
            first,
            "Sorry, I'm on an early shift. I'll make sure he's in tomorrow.",
            moment.replace(hour=11, minute=24),
        )
        self.staff_read(first, moment.replace(hour=11, minute=24), hours=0.5)
        self.contact(
            officer,
            tyler,
            leanne,
            kind=ContactKind.CALL,
            outcome=ContactOutcome.MESSAGE_LEFT,
            at=self.when(secondary, 6, "09:35"),
            tone=Tone.CONCERN,
            notes="Tyler absent again (a Friday). Voicemail left.",
        )
        moment = self.when(secondary, 5, "12:15")
        body, key = self.phrase("attendance.missed_days", tyler)
        [pattern] = self.start(
            lead,
            [leanne],
            pupil=tyler,
            subject="Tyler's attendance",
            body=body,
            phrase_key=key,
            at=moment,
            staff=[head_of_year, self.leader],
            tone=Tone.CONCERN,
            needs_reply=True,
        )
        self.staff_read(pattern, moment)
        self.read(leanne, pattern, self.at(self.day(secondary, 3), "21:10"))
        self.contact(
            self.flo[secondary.pk],
            tyler,
            leanne,
            kind=ContactKind.VISIT,
            outcome=ContactOutcome.NOBODY_HOME,
            at=self.when(secondary, 2, "16:30"),
            tone=Tone.CONCERN,
            notes="Home visit after school: nobody at home. Card left with the school's number.",
        )
        self.contact(
            lead,
            tyler,
            leanne,
            kind=ContactKind.CALL,
            outcome=ContactOutcome.SPOKE,
            at=self.when(secondary, 1, "09:50"),
            tone=Tone.CONCERN,
            notes=(
                "Spoke with Ms Hughes. Tyler is refusing to get up on Mondays and Fridays; she "
                "leaves for work at six. Meeting booked for Tuesday 24th at 8:30 with his head of "
                "year; discussed a referral to the attendance support team."
            ),
        )
        self.post(
            head_of_year,
            pattern,
            f"Thank you for talking with {lead.display_name} this morning, Ms Hughes. I look "
            "forward to seeing you and Tyler on Tuesday at 8:30. Come to main reception.",
            self.when(secondary, 1, "10:20"),
        )

    def marshes(self) -> None:
        """Freya Marsh (Year 7): in school every day, silent online since half-term. The laptop
        broke; her father's email bounces, so he gets texts instead."""
        family = self.special["online_quiet"]
        freya = family.children[0].pupil
        assert freya is not None
        hayley = self.guardians_of["online_quiet"]["mother"]
        craig = self.guardians_of["online_quiet"]["father"]
        secondary = self.secondary
        tutor = self.tutor_of(freya) or self.head_of_year(freya)
        moment = self.when(secondary, 8, "12:30")
        [homework] = self.start(
            tutor,
            [hayley, craig],
            pupil=freya,
            subject="Freya's online homework",
            body=(
                "Dear Mr and Mrs Marsh, Freya hasn't done her Maths and Science quizzes on "
                "Riverside Online since half-term, although she is working hard in lessons. Is "
                "anything making it difficult at home? We can help."
            ),
            at=moment,
            tone=Tone.CONCERN,
            needs_reply=True,
        )
        email = next(
            (
                c
                for c in self.copies_to(craig, homework)
                if c.channel == Channel.EMAIL and c.status == DeliveryStatus.SENT
            ),
            None,
        )
        if email is not None:
            # The one bounce the demo shows: the family's old address; a text follows.
            follower = self.fail(email, reason=MAILBOX_FULL, bounced=True, after=95)
            if follower is not None and follower.channel == Channel.SMS:
                self.read(craig, homework, moment.replace(hour=13, minute=2))
        self.read(hayley, homework, moment.replace(hour=17, minute=31))
        reply_at = moment.replace(hour=20, minute=15)
        self.reply(
            hayley,
            homework,
            "Our laptop broke over half-term and Freya has been trying to do it on my phone. We "
            "didn't realise she was so far behind. Is there anything the school can lend us?",
            reply_at,
        )
        self.staff_read(homework, reply_at, hours=0.2)
        flo = self.flo[secondary.pk]
        answer = self.working(reply_at, 0.3)
        self.post(
            tutor,
            homework,
            "Thank you for letting me know. I've asked Mrs Wójcik, our family liaison officer, "
            "about a loan laptop.",
            answer,
        )
        self.add_staff(tutor, homework, flo, answer + dt.timedelta(minutes=2))
        loan = self.when(secondary, 1, "13:40")
        self.post(
            flo,
            homework,
            "Hello Mr and Mrs Marsh, a laptop is ready for Freya: she can collect it from the "
            "library on Monday morning, with a charger and a bag. Please sign the loan form "
            "she brings home.",
            loan,
        )
        self.read(hayley, homework, loan.replace(hour=15, minute=48))
        self.reply(
            hayley,
            homework,
            "That's brilliant, thank you so much. I'll sign it on Monday night.",
            loan.replace(hour=15, minute=55),
        )
        self.staff_read(homework, loan.replace(hour=15, minute=55), hours=0.4)

    def turners(self) -> None:
        """The Turners stopped reading email three weeks ago: emails unread, the texts that follow
        them unread too, a call unanswered, then a home visit finds out why."""
        family = self.special["unread"]
        mason, poppy = (child.pupil for child in family.children)
        assert mason is not None and poppy is not None
        kelly = self.guardians_of["unread"]["mother"]
        stuart = self.guardians_of["unread"]["father"]
        self.reads[kelly.pk] = self.reads[stuart.pk] = 0.0
        secondary, primary = self.secondary, self.primary
        tutor = self.tutor_of(mason) or self.head_of_year(mason)
        self.start(
            tutor,
            [kelly, stuart],
            pupil=mason,
            subject="Mason's mock exams",
            body=(
                "Dear Mr and Mrs Turner, Mason's mock exams start on Monday 30 November. The "
                "timetable and revision guides are on Riverside Online. Could you let me know "
                "that you have seen this?"
            ),
            at=self.when(secondary, 13, "15:40"),
            needs_reply=True,
        )
        poppy_teacher = self.tutor_of(poppy)
        if poppy_teacher is not None:
            body, key = self.phrase("homework.reading_at_home", poppy)
            self.start(
                poppy_teacher,
                [kelly],
                pupil=poppy,
                subject="Reading at home",
                body=body,
                phrase_key=key,
                at=self.when(primary, 9, "15:30"),
            )
        head_of_year = self.head_of_year(mason)
        self.contact(
            head_of_year,
            mason,
            kelly,
            kind=ContactKind.CALL,
            outcome=ContactOutcome.NO_ANSWER,
            at=self.when(secondary, 5, "16:05"),
            tone=Tone.CONCERN,
            notes="Our emails and texts to Mr and Mrs Turner have not been opened for two weeks. "
            "Rang Mrs Turner's number: no answer.",
        )
        visit = self.when(secondary, 2, "15:45")
        notes = (
            "Home visit: Mrs Turner was in. The family's email is an old account they no longer "
            "check, and texts go to Mr Turner's work phone, which is off on his night shifts. "
            "Mason and Poppy are both well. Mrs Turner will give the office a new email address "
            "and her own mobile number, and would like to use the School Window app."
        )
        flo = self.flo[secondary.pk]
        self.contact(
            flo, mason, kelly, kind=ContactKind.VISIT, outcome=ContactOutcome.SPOKE, at=visit,
            notes=notes,
        )  # fmt: skip
        self.contact(
            self.flo[primary.pk],
            poppy,
            kelly,
            kind=ContactKind.VISIT,
            outcome=ContactOutcome.SPOKE,
            at=visit,
            notes=notes,
        )

    # ----------------------------------------------------------------- everyday conversations

    def caseload(self) -> None:
        """Ms Sharma, learning mentor, keeps in touch with the families on her caseload."""
        advocate = self.advocate
        caseload = sorted(p for p, s in self.advocate_of.items() if s.pk == advocate.pk)
        for index, pupil_id in enumerate(self.pick(caseload, 2)):
            pupil = self.pupils[pupil_id]
            guardian = self.first_contact(pupil_id)
            assert guardian is not None
            goal = MENTOR_GOALS[index % len(MENTOR_GOALS)]
            moment = self.when(self.secondary, 14 - 3 * index, "13:10", spread=60)
            english = guardian.preferred_language == "en"
            body = (
                f"{dear(guardian)}, I'm {pupil.first_name}'s learning mentor and we "
                f"meet every other week. At the moment we are working on {goal}. It would be "
                "lovely to hear how things are at home. Is there anything you would like me to "
                "focus on?"
            )
            key = ""
            if not english:
                body, key = self.phrase("general.meeting", pupil)
            [conversation] = self.start(
                advocate,
                [guardian],
                pupil=pupil,
                subject=f"Mentoring sessions with {pupil.first_name}",
                body=body,
                phrase_key=key,
                at=moment,
                needs_reply=True,
            )
            if self.rng.random() < 0.85:
                read = self.later(moment, 4)
                self.read(guardian, conversation, read)
                answer_at = self.later(read, 1)
                if answer_at <= self.now:
                    text = self.family_words(
                        guardian,
                        MENTOR_REPLIES[index % len(MENTOR_REPLIES)],
                        "reply.please_phone_me" if not english else "reply.thank_you",
                        pupil,
                    )
                    self.reply(guardian, conversation, text, answer_at)
                    back = self.working(answer_at, 2)
                    if back <= self.now:
                        if english:
                            self.post(
                                advocate,
                                conversation,
                                MENTOR_ANSWERS[index % len(MENTOR_ANSWERS)].format(
                                    child=pupil.first_name
                                ),
                                back,
                            )
                        else:
                            self.contact(
                                advocate,
                                pupil,
                                guardian,
                                kind=ContactKind.CALL,
                                outcome=ContactOutcome.SPOKE,
                                at=back,
                                notes=(
                                    "Called back with a telephone interpreter. Talked through "
                                    f"how {pupil.first_name} is getting on; booked a meeting "
                                    "after parents' evening."
                                ),
                            )
            # The half-termly review with the pupil and their parent, before the message.
            self.contact(
                advocate,
                pupil,
                guardian,
                kind=ContactKind.MEETING,
                outcome=ContactOutcome.SPOKE,
                at=self.when(self.secondary, 18 + index, "15:40"),
                tone=Tone.POSITIVE if index % 2 else Tone.NEUTRAL,
                notes=(
                    f"Half-termly review with {pupil.first_name} and {guardian.display_name}. "
                    f"Next half-term's focus: {goal}. Sessions stay fortnightly."
                ),
            )

    def split_family(self) -> None:
        """Parents who live apart, each written to on their own about the same review."""
        candidates: list[tuple[int, Guardian, Guardian]] = []
        for pupil_id in sorted(self.pupils):
            pupil = self.pupils[pupil_id]
            if pupil.school_id != self.secondary.pk or pupil_id in self.avoid:
                continue
            parents = [
                link
                for link in self.links[pupil_id]
                if not link.contact_restricted
                and link.parental_responsibility
                and self.writable(link.guardian)
                and link.guardian.preferred_language == "en"
            ]
            homes = {link.guardian.household_id for link in parents}
            if len(parents) == 2 and len(homes) == 2:
                candidates.append((pupil_id, parents[0].guardian, parents[1].guardian))
        if not candidates:
            return
        caseload = [c for c in candidates if self.advocate_of.get(c[0]) == self.advocate]
        pupil_id, first, second = (caseload or candidates)[0]
        self.avoid.add(pupil_id)
        pupil = self.pupils[pupil_id]
        author = self.advocate if caseload else self.pastoral
        review = "support plan review" if caseload else "progress review"
        moment = self.when(self.secondary, 8, "16:05")
        conversations = self.start(
            author,
            [first, second],
            pupil=pupil,
            subject=f"{pupil.first_name}'s {review}",
            body=(
                f"Dear parent, {pupil.first_name}'s {review} is on Thursday 26 November. I am "
                "writing to each of you separately: you are both very welcome, together or at "
                "different times. Please reply with a time between 3:30 and 6:00 that suits "
                f"you. {author.display_name}"
            ),
            at=moment,
            separately=True,
            needs_reply=True,
        )
        times = ("3:30", "5:15")
        for conversation, guardian, slot in zip(conversations, (first, second), times, strict=True):
            read = self.later(moment, 3)
            self.read(guardian, conversation, read)
            answered = self.later(read, 0.7)
            self.reply(
                guardian,
                conversation,
                f"Thank you for writing to me directly. {slot} on the 26th works for me.",
                answered,
            )
            back = self.working(answered, 1)
            self.post(
                author,
                conversation,
                f"Thank you: you're booked in for {slot}. Come to main reception.",
                back,
            )
            self.read(guardian, conversation, self.later(back, 3))

    def homework_concerns(self) -> None:
        """Ms Fletcher writes to families whose child's English homework is missing."""
        teacher = self.teacher
        groups = self.taught[teacher.pk]
        window = self.days[self.secondary.pk]
        pieces = Homework.objects.filter(
            school=self.secondary,
            group_id__in=groups,
            due_on__gte=window[-10],
            due_on__lt=DEMO_TODAY,
        )
        missing = sorted(
            set(
                HomeworkSubmission.objects.filter(
                    homework__in=pieces, status=HomeworkStatus.MISSING
                ).values_list("pupil_id", "homework__title", "homework__due_on")
            ),
            key=lambda row: (row[2], row[0]),
        )
        titles: dict[int, tuple[str, dt.date]] = {}
        for pupil_id, title, due in missing:
            titles.setdefault(pupil_id, (title.split(" (")[0], due))
        for index, pupil_id in enumerate(self.pick(sorted(titles), 4)):
            pupil = self.pupils[pupil_id]
            guardian = self.first_contact(pupil_id)
            assert guardian is not None
            title, due = titles[pupil_id]
            moment = self.at(due, "15:45") + dt.timedelta(
                days=1 if due.weekday() < 4 else 3, minutes=self.rng.randrange(50)
            )
            if moment > self.now - dt.timedelta(hours=16):
                moment = self.when(self.secondary, 1, "15:40", spread=30)
            english = guardian.preferred_language == "en"
            if english:
                body = (
                    f"{dear(guardian)}, {pupil.first_name} hasn't handed in "
                    f"“{title}”, which was due on {due:%A}. Is there anything that makes homework "
                    "hard at the moment? Homework club runs in the library on Tuesdays and "
                    "Thursdays. Best wishes, Ms Fletcher"
                )
                key = ""
            else:
                body, key = self.phrase("homework.still_to_hand_in", pupil)
            [conversation] = self.start(
                teacher,
                [guardian],
                pupil=pupil,
                subject=f"{pupil.first_name}'s English homework",
                body=body,
                phrase_key=key,
                at=moment,
                tone=Tone.CONCERN,
                needs_reply=True,
            )
            if self.rng.random() < 0.8:
                read = self.later(moment, 3)
                self.read(guardian, conversation, read)
                answered = self.later(read, 1.5)
                if answered <= self.now and self.rng.random() < 0.85:
                    self.reply(
                        guardian,
                        conversation,
                        self.family_words(
                            guardian,
                            HOMEWORK_REPLIES[index % len(HOMEWORK_REPLIES)],
                            "reply.will_talk_to_child",
                            pupil,
                        ),
                        answered,
                    )
                    back = self.working(answered, 2)
                    if back <= self.now and english:
                        self.post(
                            teacher,
                            conversation,
                            HOMEWORK_ANSWERS[index % len(HOMEWORK_ANSWERS)].format(
                                child=pupil.first_name
                            ),
                            back,
                        )
                    elif back <= self.now:
                        self.staff_read(conversation, answered)

    def absence_chases(self) -> None:
        """First-day absence: the office writes that morning to families who have not called.
        Who answered and who did not follows the register: illness (I) was explained, an
        unauthorised absence (O) was not, and the last days' (N) are still being chased."""
        for school, every in ((self.secondary, 1), (self.primary, 2)):
            office = self.office_at(school)
            days = self.days[school.pk][-5::every]
            marks = (
                AttendanceMark.objects.filter(
                    school=school, date__in=days, session="AM", code__in=["I", "O", "N"]
                )
                .order_by("date", "pupil_id")
                .values_list("date", "pupil_id", "code")
            )
            by_day: dict[dt.date, list[tuple[int, str]]] = defaultdict(list)
            for day, pupil_id, code in marks:
                by_day[day].append((pupil_id, code))
            for day in days:
                found = dict(by_day.get(day, []))
                for pupil_id in self.pick(sorted(found), 1):
                    self.chase(school, office, self.pupils[pupil_id], found[pupil_id], day)

    def chase(self, school: School, office: Staff, pupil: Pupil, code: str, day: dt.date) -> None:
        guardian = self.first_contact(pupil.pk)
        assert guardian is not None
        moment = self.at(day, "09:25") + dt.timedelta(minutes=self.rng.randrange(30))
        body, key = self.phrase("attendance.not_in_today", pupil)
        [conversation] = self.start(
            office,
            [guardian],
            pupil=pupil,
            subject=f"{pupil.first_name} is not in school today",
            body=body,
            phrase_key=key,
            at=moment,
            tone=Tone.CONCERN,
            needs_reply=True,
            urgent=True,
        )
        read = self.later(moment, 1)
        if code == "I":
            self.read(guardian, conversation, read)
            answered = read + dt.timedelta(minutes=3 + self.rng.randrange(20))
            english = self.rng.choice(UNWELL_REPLIES)
            self.reply(
                guardian,
                conversation,
                self.family_words(guardian, english, "reply.child_unwell", pupil),
                answered,
            )
            back = self.working(answered, 0.5)
            body, key = self.phrase("attendance.unwell_thanks", pupil)
            self.post(office, conversation, body, back, phrase_key=key)
            return
        if code == "N" or self.rng.random() < 0.5:
            self.read(guardian, conversation, read)
        if guardian.phone:
            self.contact(
                office,
                pupil,
                guardian,
                kind=ContactKind.CALL,
                outcome=self.rng.choice((ContactOutcome.NO_ANSWER, ContactOutcome.MESSAGE_LEFT)),
                at=moment + dt.timedelta(hours=2, minutes=self.rng.randrange(60)),
                tone=Tone.CONCERN,
                notes=f"Second call about {pupil.first_name}'s absence today.",
            )

    def year_nine(self) -> None:
        """Mr Hussain, Head of Year 9, writes to families of Year 9 pupils on the watchlist."""
        year = self.year_groups[(self.secondary.pk, 9)]
        flagged = list(
            Flag.objects.filter(school=self.secondary, pupil__year_group=year)
            .exclude(status=FlagStatus.RESOLVED)
            .order_by("-severity", "pupil_id")
            .values_list("pupil_id", flat=True)
        )
        for index, pupil_id in enumerate(self.pick(flagged, 2)):
            pupil = self.pupils[pupil_id]
            guardian = self.first_contact(pupil_id)
            assert guardian is not None
            moment = self.when(self.secondary, 4 - index, "11:20", spread=90)
            body, key = self.phrase(
                "wellbeing.extra_support" if index % 2 else "attendance.missed_days", pupil
            )
            [conversation] = self.start(
                self.pastoral,
                [guardian],
                pupil=pupil,
                subject=f"How {pupil.first_name} is getting on",
                body=body,
                phrase_key=key,
                at=moment,
                tone=Tone.CONCERN,
                needs_reply=True,
            )
            read = self.later(moment, 5)
            self.read(guardian, conversation, read)
            if index != 2:
                answered = self.later(read, 1)
                if answered <= self.now:
                    self.reply(
                        guardian,
                        conversation,
                        self.family_words(
                            guardian,
                            "Thank you for getting in touch. Yes, please: could you ring me "
                            "after 4? It's easier to explain on the phone.",
                            "reply.please_phone_me",
                            pupil,
                        ),
                        answered,
                    )
                    call = self.working(answered, 1)
                    if call.time() < dt.time(16, 0):
                        call = call.replace(hour=16, minute=10)
                    if call <= self.now:
                        self.staff_read(conversation, answered)
                        self.contact(
                            self.pastoral,
                            pupil,
                            guardian,
                            kind=ContactKind.CALL,
                            outcome=ContactOutcome.SPOKE,
                            at=call,
                            tone=Tone.CONCERN,
                            notes=(
                                f"Called back as asked. {pupil.first_name} has been anxious "
                                "about friendships since half-term. Agreed a daily check-in "
                                "with the form tutor for two weeks and a referral to the "
                                "school counsellor."
                            ),
                        )
        # A call to say something good, too.
        year_pupils = sorted(p for p, pupil in self.pupils.items() if pupil.year_group == year)
        for pupil_id in self.pick(year_pupils, 2):
            pupil = self.pupils[pupil_id]
            self.contact(
                self.pastoral,
                pupil,
                self.first_contact(pupil_id),
                kind=ContactKind.CALL,
                outcome=ContactOutcome.SPOKE,
                at=self.when(self.secondary, self.rng.randint(2, 12), "15:40", spread=40),
                tone=Tone.POSITIVE,
                notes=f"Rang to say how well {pupil.first_name} led the Year 9 assembly.",
            )

    def safeguarding(self) -> None:
        """Mr Campbell, the DSL, arranges review meetings with the families he works with."""
        statuses = list(
            SafeguardingStatus.objects.filter(school=self.secondary)
            .order_by("pupil_id")
            .values_list("pupil_id", flat=True)
        )
        for index, pupil_id in enumerate(self.pick(statuses, 1)):
            pupil = self.pupils[pupil_id]
            guardian = self.first_contact(pupil_id)
            assert guardian is not None
            moment = self.when(self.secondary, 11 - 4 * index, "10:05", spread=40)
            english = guardian.preferred_language == "en"
            body, key = (
                (
                    f"{dear(guardian)}, the next review meeting for "
                    f"{pupil.first_name} is on Wednesday 2 December at 10:00 at school. Your "
                    "family's social worker will be there too. Please let me know if you would "
                    "like help with transport. Mr Campbell",
                    "",
                )
                if english
                else self.phrase("general.meeting", pupil)
            )
            [conversation] = self.start(
                self.dsl,
                [guardian],
                pupil=pupil,
                subject=f"Review meeting for {pupil.first_name}",
                body=body,
                phrase_key=key,
                at=moment,
                needs_reply=True,
            )
            read = self.later(moment, 3)
            self.read(guardian, conversation, read)
            answered = self.later(read, 1)
            if answered <= self.now:
                self.reply(
                    guardian,
                    conversation,
                    self.family_words(
                        guardian,
                        "Thank you. I'll be there. I don't need transport.",
                        "reply.thank_you",
                        pupil,
                    ),
                    answered,
                )
                self.staff_read(conversation, answered)
            self.contact(
                self.dsl,
                pupil,
                guardian,
                kind=ContactKind.MEETING,
                outcome=ContactOutcome.SPOKE,
                at=self.when(self.secondary, 16 - 3 * index, "10:00"),
                notes="Core group meeting at school with the family and their social worker. "
                "Plan reviewed; actions agreed for school: daily check-in, breakfast club.",
            )

    def general(self) -> None:
        """Conversations about nothing in particular: the Christmas fair, free school meals."""
        secondary = self.secondary
        everyone = sorted(p for p, pupil in self.pupils.items() if pupil.school_id == secondary.pk)
        chosen = self.pick(everyone, 3)
        if len(chosen) < 3:
            return
        fair_pupil, meals_pupil, volunteer_pupil = (self.pupils[p] for p in chosen)
        chair = self.first_contact(fair_pupil.pk)
        assert chair is not None
        moment = self.when(secondary, 9, "08:40")
        [fair] = self.start(
            self.leader,
            [chair],
            pupil=None,
            school=secondary,
            subject="The Christmas fair",
            body=(
                f"{dear(chair)}, thank you so much for organising the Christmas fair "
                "with the Friends of Riverside again. Could we meet next week to go through the "
                "plans? We would love a stall for the Year 11 enterprise group. Dr Carter"
            ),
            at=moment,
            needs_reply=True,
        )
        read = self.later(moment, 2)
        self.read(chair, fair, read)
        if chair.preferred_language == "en":
            self.reply(
                chair,
                fair,
                "Of course! Tuesday after drop-off suits me. The enterprise stall is a lovely "
                "idea; we'll put it by the tombola.",
                self.later(read, 0.5),
            )
        else:
            self.reply(
                chair,
                fair,
                self.family_words(chair, "Thank you.", "reply.thank_you", None),
                self.later(read, 0.5),
            )
        self.staff_read(fair, self.later(read, 0.5))

        family = self.first_contact(meals_pupil.pk)
        assert family is not None
        moment = self.when(secondary, 6, "10:30")
        body, key = self.phrase("wellbeing.free_meals", meals_pupil)
        [meals] = self.start(
            self.office,
            [family],
            pupil=meals_pupil,
            subject="Free school meals",
            body=body,
            phrase_key=key,
            at=moment,
        )
        read = self.later(moment, 4)
        self.read(family, meals, read)
        self.reply(
            family,
            meals,
            self.family_words(
                family,
                "Yes please, we would like to apply. What do I need to bring?",
                "reply.please_phone_me",
                meals_pupil,
            ),
            self.later(read, 0.3),
        )
        answer = self.working(self.later(read, 0.3), 1)
        if answer <= self.now:
            self.post(
                self.office,
                meals,
                "Come to main reception any morning from 8:30 with a letter about your "
                "benefits, and we'll fill the form in together. It takes ten minutes.",
                answer,
            )

        volunteer = self.first_contact(volunteer_pupil.pk)
        assert volunteer is not None
        moment = self.when(secondary, 3, "14:15")
        [food_bank] = self.start(
            self.flo[secondary.pk],
            [volunteer],
            pupil=None,
            school=secondary,
            subject="Food bank collection",
            body=(
                f"{dear(volunteer)}, thank you for offering to help with the food "
                "bank collection. We are sorting donations in the library on Friday 4 December "
                "from 2:00. Would you be able to come?"
            ),
            at=moment,
            needs_reply=True,
        )
        self.read(volunteer, food_bank, self.later(moment, 5))

    # ----------------------------------------------------------------- positive notes

    def praise_sent(
        self, conversations: list[Conversation], author: Staff, at: dt.datetime
    ) -> None:
        with self.clock(at):
            for conversation in conversations:
                conversation_read(actor=self.actor(author.user), conversation=conversation)
        for conversation in conversations:
            for message in Message.objects.filter(conversation=conversation):
                self.outbox(message)
        self.counts.praise += len(conversations)
        self.counts.messages += len(conversations)

    def praise(self) -> None:
        """Positive notes from a class list, as the class page sends them: two in five of Ms
        Fletcher's form, over two afternoons. Families read them as they read everything."""
        teacher = self.teacher
        zuza = self.special["pupil"].children[0].pupil
        her_form = self.tutor_group.get(zuza.pk if zuza is not None else 0)
        plans = [
            (teacher, group_id, 0.4) for group_id in self.taught[teacher.pk] if group_id == her_form
        ]
        for author, group_id, share in plans:
            school = self.secondary if author.school_id == self.secondary.pk else self.primary
            pupils = [p for p in self.members[group_id] if p not in self.no_praise]
            chosen = sorted(self.rng.sample(pupils, min(round(share * len(pupils)), len(pupils))))
            sessions = sorted(self.rng.sample(range(1, 16), 2))
            keys = PRIMARY_PRAISE_KEYS if school == self.primary else PRAISE_KEYS
            for index, pupil_id in enumerate(chosen):
                moment = self.when(school, sessions[index % 2], "15:20", spread=50)
                moment += dt.timedelta(seconds=index)
                with self.clock(moment):
                    try:
                        conversations = positive.praise_send(
                            actor=self.actor(author.user),
                            pupil_id=pupil_id,
                            phrase_key=self.rng.choice(keys),
                        )
                    except ValueError:  # nobody to write to about this child
                        continue
                self.praise_sent(conversations, author, moment)
                for conversation in conversations:
                    self.praise_read(conversation, self.pupils[pupil_id], moment)

    def praise_read(self, conversation: Conversation, pupil: Pupil, at: dt.datetime) -> None:
        for guardian in self.guardians_in(conversation):
            copies = self.copies_to(guardian, conversation)
            channel = copies[-1].channel if copies else ""
            chance = READ_CHANCE.get(channel, 0.0)
            chance = self.reads.get(guardian.pk, chance)
            if self.rng.random() >= chance:
                continue
            read = self.later(at, 2.5)
            self.read(guardian, conversation, read)
            if (
                self.rng.random() < 0.2
                and guardian.preferred_language in REPLY_LANGUAGES
                and read <= self.now
            ):
                answered = read + dt.timedelta(minutes=2 + self.rng.randrange(15))
                if answered <= self.now:
                    self.reply(
                        guardian,
                        conversation,
                        self.family_words(
                            guardian, self.rng.choice(THANKS), "reply.thank_you", pupil
                        ),
                        answered,
                    )
                    self.staff_read(conversation, answered)

    # ----------------------------------------------------------------- the contact log

    def watchlist_contacts(self) -> None:
        """Calls and a meeting for pupils on this morning's watchlists, in the weeks before."""
        for school, count in ((self.secondary, 8), (self.primary, 3)):
            flags = list(
                Flag.objects.filter(school=school)
                .exclude(status=FlagStatus.RESOLVED)
                .order_by("-severity", "pupil_id")
                .values_list("pupil_id", "reasons")
            )
            reasons = {pupil_id: reason for pupil_id, reason in flags}
            for pupil_id in self.pick([p for p, _ in flags], count):
                pupil = self.pupils[pupil_id]
                guardian = self.first_contact(pupil_id)
                found = reasons[pupil_id] or [{"key": "drop"}]
                key = str(found[0].get("key", "drop")).split(":")[0]
                spoke, missed = WATCHLIST_NOTES.get(key, WATCHLIST_NOTES["drop"])
                staff = (
                    self.job(school, "Attendance officer")
                    if school == self.secondary and key in ("attendance", "unauthorised")
                    else self.advocate_of.get(pupil_id) or self.head_of_year(pupil)
                )
                fields = {
                    "child": pupil.first_name,
                    "parent": guardian.display_name if guardian else "the family",
                }
                first = self.when(school, self.rng.randint(3, 9), "09:40", spread=300)
                answered = self.rng.random() < 0.6
                self.contact(
                    staff,
                    pupil,
                    guardian,
                    kind=ContactKind.CALL,
                    outcome=ContactOutcome.SPOKE
                    if answered
                    else self.rng.choice((ContactOutcome.NO_ANSWER, ContactOutcome.MESSAGE_LEFT)),
                    at=first,
                    tone=Tone.CONCERN,
                    notes=(spoke if answered else missed).format(**fields),
                )
                if not answered and self.rng.random() < 0.6:
                    self.contact(
                        staff,
                        pupil,
                        guardian,
                        kind=ContactKind.CALL,
                        outcome=ContactOutcome.SPOKE,
                        at=self.when(school, self.rng.randint(1, 2), "15:50", spread=60),
                        tone=Tone.CONCERN,
                        notes=spoke.format(**fields),
                    )

    # ----------------------------------------------------------------- families we can't reach

    def unreachable_choose(self) -> None:
        """A family whose email bounces and whose number is no longer in service: a Year 9
        parent who is their child's only contact if there is one (any secondary parent with an
        email address and a phone and no log-in, otherwise), chosen first so that nothing else
        reaches them by chance."""
        self.failing: tuple[Pupil, Guardian] | None = None
        year = self.year_groups[(self.secondary.pk, 9)]
        found: list[tuple[int, int, Pupil, Guardian]] = []
        for pupil_id in sorted(self.pupils):
            pupil = self.pupils[pupil_id]
            links = self.links[pupil_id]
            if pupil.school_id != self.secondary.pk or pupil_id in self.avoid:
                continue
            for link in links:
                guardian = link.guardian
                if (
                    guardian.preferred_channel in (Channel.EMAIL, Channel.SMS)
                    and guardian.email
                    and guardian.phone
                    and guardian.user_id is None
                    and not link.contact_restricted
                    and len(self.children_of[guardian.pk]) == 1
                ):
                    rank = (pupil.year_group != year) + (len(links) != 1) * 2
                    rank += (guardian.preferred_language != "en") * 4
                    found.append((rank, pupil_id, pupil, guardian))
        if not found:
            return
        _rank, pupil_id, pupil, guardian = min(found, key=lambda row: row[:2])
        self.failing = (pupil, guardian)
        self.avoid.add(pupil_id)
        self.no_praise.add(pupil_id)
        self.dead_numbers.add(guardian.pk)
        self.reads[guardian.pk] = 0.0

    def unreachable(self) -> None:
        secondary = self.secondary
        if self.failing is not None:
            pupil, guardian = self.failing
            moment = self.when(secondary, 1, "16:05")
            [conversation] = self.start(
                self.pastoral,
                [guardian],
                pupil=pupil,
                subject=f"{pupil.first_name}'s options interview",
                body=(
                    f"{dear(guardian)}, every Year 9 pupil has a short options "
                    f"interview before the options evening. {pupil.first_name}'s is on Tuesday "
                    "1 December at 9:20. You are very welcome to join us. Please let me know if "
                    "you can come. Mr Hussain"
                ),
                at=moment,
                needs_reply=True,
            )
            self.fail_twice(conversation, guardian)
            self.contact(
                self.office,
                pupil,
                guardian,
                kind=ContactKind.CALL,
                outcome=ContactOutcome.WRONG_NUMBER,
                at=self.when(secondary, 1, "16:40"),
                notes=(
                    f"Our email and text to {guardian.display_name} both failed. Rang the mobile "
                    f"number on record: not in service. Asked {pupil.first_name} to take a contact "
                    "details form home on Monday; a letter is ready to post."
                ),
            )
        # Somebody with no email, no phone and no log-in at all, if the roster has one.
        nobody = [
            (self.pupils[link.pupil_id].school_id != secondary.pk, link.guardian.pk, link)
            for links in self.links.values()
            for link in links
            if not link.contact_restricted
            and not link.guardian.email
            and not link.guardian.phone
            and link.guardian.user_id is None
            and link.guardian.address
        ]
        if nobody:
            link = min(nobody, key=lambda row: (row[0], row[1]))[2]
            pupil = self.pupils[link.pupil_id]
            school = pupil.school
            body, key = self.phrase("general.check_details", pupil)
            self.start(
                self.flo[school.pk],
                [link.guardian],
                pupil=pupil,
                subject="Your contact details",
                body=body,
                phrase_key=key,
                at=self.when(school, 1, "16:20"),
            )

    def fail_twice(self, conversation: Conversation, guardian: Guardian) -> None:
        """The email bounced and the text failed (in either order): a letter waits."""
        for copy in self.copies_to(guardian, conversation):
            if copy.channel in (Channel.EMAIL, Channel.SMS) and copy.status == DeliveryStatus.SENT:
                self.fail_chain(copy)

    def fail_chain(self, copy: Delivery, after: int = 60) -> None:
        for _ in range(2):
            email = copy.channel == Channel.EMAIL
            follower = self.fail(
                copy, reason=EMAIL_BOUNCE if email else SMS_FAILURE, bounced=email, after=after
            )
            if follower is None or follower.channel not in (Channel.EMAIL, Channel.SMS):
                return
            copy, after = follower, 8

    # ----------------------------------------------------------------- announcements

    def announcements(self) -> None:
        secondary = self.secondary
        year_nine = self.year_groups[(secondary.pk, 9)]
        self.broadcast(
            self.pastoral,
            subject="Year 9 options evening: Thursday 3 December",
            body=(
                "Dear Year 9 families, our options evening is on Thursday 3 December from 5:30 "
                "to 7:30 pm in the main hall. You will meet subject teachers and hear how GCSE "
                "choices work. Interpreters for Polish, Urdu and Romanian will be there. "
                "Mr Hussain, Head of Year 9"
            ),
            audience=AudienceKind.YEAR,
            year_group_id=year_nine.pk,
            at=self.when(secondary, 4, "16:00"),
        )
        zuza = self.special["pupil"].children[0].pupil
        tutor_group = self.tutor_group.get(zuza.pk) if zuza is not None else None
        if tutor_group is not None:
            self.broadcast(
                self.teacher,
                subject=f"{self.group_names.get(tutor_group, 'Our form')}: the Globe trip",
                body=(
                    "Dear families, our form trip to see Macbeth at the Globe is on Wednesday 2 "
                    "December. We leave at 8:30 and are back by 4:30. Please return the consent "
                    "slip by Friday 27 November. Ms Fletcher"
                ),
                audience=AudienceKind.GROUP,
                group_id=tutor_group,
                at=self.when(secondary, 9, "16:10"),
            )
        # The head's weekly video, to every family, as a link.
        self.broadcast(
            self.leader,
            subject="This week at Riverside Academy: the head's video",
            body=(
                "Good afternoon, families. In this week's video: our Year 11 mock exams, the food "
                "bank collection, and the brilliant Year 8 netball team. Have a lovely weekend. "
                "Dr Carter"
            ),
            audience=AudienceKind.SCHOOL,
            at=self.when(secondary, 1, "15:20"),
            video_link=VIDEO_LINK,
        )
        # Scheduled: a reminder to the same form, to go out on Wednesday morning.
        if tutor_group is not None:
            wednesday = DEMO_TODAY + dt.timedelta(days=2)
            self.broadcast(
                self.teacher,
                subject=f"{self.group_names.get(tutor_group, 'Our form')}: Globe trip slips",
                body=(
                    "Dear families, a reminder that consent slips for our trip to the Globe on "
                    "Wednesday 2 December are due in on Friday. Spare slips are at reception. "
                    "Ms Fletcher"
                ),
                audience=AudienceKind.GROUP,
                group_id=tutor_group,
                at=self.when(secondary, 1, "16:50"),
                scheduled_for=dt.datetime.combine(wednesday, dt.time(8, 15), tzinfo=self.zone),
            )

    def broadcast(
        self,
        author: Staff,
        *,
        subject: str,
        body: str,
        audience: str,
        at: dt.datetime,
        year_group_id: int | None = None,
        group_id: int | None = None,
        scheduled_for: dt.datetime | None = None,
        video_link: str = "",
    ) -> None:
        actor = self.actor(author.user)
        with self.clock(at):
            if video_link:
                from schoolwindow.messaging.broadcast_views import broadcast_send

                school = next(s for s in self.schools if s.pk == author.school_id)
                sent, _copies = broadcast_send(
                    actor=actor,
                    school=school,
                    data={
                        "audience": audience,
                        "subject": subject,
                        "body": body,
                        "urgent": False,
                        "scheduled_for": scheduled_for,
                        "video_link": video_link,
                    },
                )
            else:
                sent = broadcasts.broadcast_create(
                    actor=actor,
                    school_id=author.school_id,
                    subject=subject,
                    body=body,
                    audience=audience,
                    year_group_id=year_group_id,
                    group_id=group_id,
                    scheduled_for=scheduled_for,
                )
                broadcasts.broadcast_queue(actor=actor, broadcast=sent)
            message = Message.objects.filter(broadcast=sent).latest("pk")
            conversation_read(actor=actor, conversation=message.conversation)
        self.counts.broadcasts += 1
        self.counts.broadcast_copies += Delivery.objects.filter(message__broadcast=sent).count()
        sent.refresh_from_db()
        if sent.status == BroadcastStatus.QUEUED:
            self.broadcast_fates(sent, at)

    def broadcast_fates(self, broadcast: Broadcast, at: dt.datetime) -> None:
        """Each copy's fate, written in bulk (an announcement has hundreds): sent, a text's
        delivery report, the links opened; the few that bounced go through the services."""
        rng = self.rng
        copies = list(Delivery.objects.filter(message__broadcast=broadcast).order_by("pk"))
        chance = ANNOUNCEMENT_READ_CHANCE
        failing = self.failing[1].pk if self.failing is not None else None
        bounce: list[Delivery] = []
        emails = [c for c in copies if c.channel == Channel.EMAIL and c.guardian_id != failing]
        bouncing = {c.pk for c in rng.sample(emails, min(2, len(emails)))}
        for copy in copies:
            if copy.status != DeliveryStatus.QUEUED:
                continue
            copy.sent_at = max(copy.not_before, copy.queued_at) + dt.timedelta(
                seconds=2 + rng.randrange(240)
            )
            copy.status = DeliveryStatus.SENT
            copy.attempts = 1
            copy.provider_id = (
                message_id_for(copy.idempotency_key)
                if copy.channel == Channel.EMAIL
                else f"file-{copy.idempotency_key}"
            )
            if copy.guardian_id == failing or copy.pk in bouncing:
                bounce.append(copy)
                continue
            if copy.channel == Channel.SMS:
                copy.status = DeliveryStatus.DELIVERED
                copy.delivered_at = copy.sent_at + dt.timedelta(seconds=3 + rng.randrange(20))
            reads = self.reads.get(copy.guardian_id or 0, chance.get(copy.channel, 0.0))
            if rng.random() < min(reads, chance.get(copy.channel, 0.0)):
                read = self.later(copy.sent_at, 3)
                if read <= self.now:
                    copy.read_at = read
                    copy.status = DeliveryStatus.READ
        rows_update(
            Delivery,
            ("status", "sent_at", "delivered_at", "read_at", "attempts", "provider_id"),
            copies,
        )
        for copy in bounce:
            if copy.guardian_id == failing:
                self.fail_chain(copy, after=40)
            else:
                self.fail(copy, reason=EMAIL_BOUNCE, bounced=True, after=40)

    def family_rows_sync(self) -> None:
        """The early warning's FamilyMessage rows, brought up to each copy's final fate at once.

        services.family_signal_sync does this after every change, one copy at a time (each call
        reads the school's FamilyMessage rows): the services called above did so as they wrote;
        the fates written directly here (sent, delivered, read) are copied now. One row per
        message per guardian per child, keyed by the first copy of a chain; each time is the
        earliest any copy of the chain reached it.
        """
        for school in self.schools:
            fates: dict[str, list[dt.datetime | None]] = {}
            for pk, root, *times in (
                Delivery.objects.filter(school=school, guardian__isnull=False, pupil__isnull=False)
                .exclude(status=DeliveryStatus.CANCELLED)
                .values_list("pk", "fallback_of_id", "delivered_at", "read_at", "replied_at")
            ):
                fate = fates.setdefault(f"delivery:{root or pk}", [None, None, None])
                for index, moment in enumerate(times):
                    known = fate[index]
                    if moment is not None and (known is None or moment < known):
                        fate[index] = moment
            changed = []
            for row in FamilyMessage.objects.filter(
                school=school, source_id__startswith="delivery:"
            ).only("id", "source_id", "delivered_at", "read_at", "replied_at"):
                found = fates.get(":".join(row.source_id.split(":")[:2]))
                if found is not None and found != [row.delivered_at, row.read_at, row.replied_at]:
                    row.delivered_at, row.read_at, row.replied_at = found
                    changed.append(row)
            rows_update(FamilyMessage, ("delivered_at", "read_at", "replied_at"), changed)

    # ----------------------------------------------------------------- what the worker did after

    def unread_followed(self) -> None:
        """The worker's sweep: an email still unread after the school's hours (48) is followed by
        a text, or a letter when there is no phone; announcements are not. Done here for every
        email whose time came before the demo's morning, at that time."""
        unread = (
            Delivery.objects.filter(
                school_id__in=[s.pk for s in self.schools],
                guardian__isnull=False,
                channel=Channel.EMAIL,
                status__in=(DeliveryStatus.SENT, DeliveryStatus.DELIVERED),
                read_at__isnull=True,
                replied_at__isnull=True,
                message__broadcast__isnull=True,
                fallbacks__isnull=True,
            )
            .select_related("message")
            .order_by("pk")
        )
        fallback_hours: dict[int, int] = {}
        for copy in unread:
            assert copy.sent_at is not None
            hours = fallback_hours.setdefault(
                copy.school_id, settings_for(copy.school_id).unread_fallback_hours
            )
            due = copy.sent_at + dt.timedelta(hours=hours, minutes=1 + self.rng.randrange(3))
            if due > self.now:
                continue
            with self.clock(due):
                follower = fallback_for(copy, due, unread=True)
            if follower is None:
                continue
            if follower.status == DeliveryStatus.QUEUED:
                self.send(follower)
            chance = self.reads.get(copy.guardian_id or 0, 0.5)
            if follower.channel == Channel.SMS and self.rng.random() < chance:
                read = self.later(due, 2)
                if read <= self.now:
                    follower.refresh_from_db()
                    self.mark_read([follower], read)

    def letters_printed(self) -> None:
        """Every school day at a quarter to four the office prints the letters waiting and posts
        them (what letters_print does, without making the PDF nobody will open)."""
        for school in self.schools:
            actor = self.actor(self.office_at(school).user)
            for day in self.days[school.pk]:
                moment = dt.datetime.combine(day, LETTERS_PRINTED_AT, tzinfo=self.zone)
                waiting = list(
                    Delivery.objects.filter(
                        school=school, status=DeliveryStatus.LETTER, queued_at__lt=moment
                    ).select_related("message")
                )
                if not waiting:
                    continue
                for copy in waiting:
                    copy.status = DeliveryStatus.PRINTED
                    copy.sent_at = copy.sent_at or moment
                rows_update(Delivery, ("status", "sent_at"), waiting)
                with self.clock(moment):
                    audit_record(
                        actor=actor,
                        action="messaging.letters_printed",
                        school_id=school.pk,
                        detail={"count": len(waiting), "delivery_ids": [d.pk for d in waiting]},
                    )

    # ----------------------------------------------------------------- weekly summaries

    def nudges_prepare(self) -> None:
        """Friday's job prepared last week's summaries at noon; nobody has approved them yet."""
        for school in self.schools:
            friday = self.day(school, 1)
            with self.clock(self.at(friday, "12:00")):
                batch = nudges.nudges_prepare(school.pk, nudges.week_start(friday))
            self.counts.nudges += batch.nudges.count()
