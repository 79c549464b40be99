"""How the demo writes messaging: the schools as they are, time, and writing as people do."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractContextManager
from zoneinfo import ZoneInfo

from django.conf import settings

from schoolwindow.core.models import User
from schoolwindow.core.permissions import Actor
from schoolwindow.demo.calendars import clock_at
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts.messaging.common import (
    COPY_FIELDS,
    MORNING,
    REPLY_LANGUAGES,
    UNREAD,
    WINDOW_DAYS,
    MessagingCounts,
)
from schoolwindow.messaging.conversations.services import (
    contact_log_record,
    conversation_read,
    conversation_start,
    guardian_message_create,
    message_post,
    participant_staff_add,
)
from schoolwindow.messaging.delivery.channels.email import message_id_for
from schoolwindow.messaging.delivery.inbound import delivery_mark_failed
from schoolwindow.messaging.delivery.outbox import OUTBOX_ACTOR
from schoolwindow.messaging.delivery.quiet import settings_for
from schoolwindow.messaging.models import (
    Conversation,
    Delivery,
    DeliveryStatus,
    Message,
    Participant,
    Tone,
)
from schoolwindow.messaging.settings.services import FIELDS, messaging_settings_update
from schoolwindow.messaging.translation.phrasebook import PHRASES_BY_KEY, phrase_fill
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import (
    AdvocateAssignment,
    Channel,
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
    Role,
    Staff,
    StaffRole,
    TeachingAssignment,
)
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import GroupKind, School, YearGroup


class MessagingWriter:
    """Writes the demo's messaging; uses the context's seeded generator (ctx.rng)."""

    def __init__(self, demo: DemoContext) -> None:
        self.demo = demo
        self.rng = demo.rng
        self.say = demo.say
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.now = dt.datetime.combine(demo.today, MORNING, tzinfo=self.zone)
        self.counts = MessagingCounts()
        self.actors: dict[int, Actor] = {}
        # How likely a guardian is to open what school sends, where their story decides it
        # (otherwise READ_CHANCE by channel).
        self.reads: dict[int, float] = {}
        # Pupils already written about (and the scripted ones): each conversation is new.
        self.avoid: set[int] = set()
        self.no_praise: set[int] = set()  # pupils whose story has no room for a note home now
        self.dead_numbers: set[int] = set()  # guardians whose phone number is not in service

    # ----------------------------------------------------------------- the school as it is

    def load(self) -> None:
        demo = self.demo
        self.primary, self.secondary = demo.primary, demo.secondary
        self.schools = (self.primary, self.secondary)
        school_ids = [s.pk for s in self.schools]
        # In a holiday the window ends with the data (the last school day), not with today.
        end = demo.calendar.data_end
        self.days = {
            school.pk: school_days(
                school_id=school.pk,
                start=end + dt.timedelta(days=3 - WINDOW_DAYS),
                end=demo.calendar.last_school_day(school.phase),
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
        """The school day `back` school days before the demo's today (1: the last one)."""
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
        text = phrase.text(language) if language in phrase.texts else phrase.english
        return phrase_fill(text, {"child": child})

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
                    actor=OUTBOX_ACTOR,
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

    # ----------------------------------------------------------------- positive notes, sent

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

    # ----------------------------------------------------------------- settings

    def settings_build(self) -> None:
        """The pastoral lead approves Riverside Academy's weekly summaries; the primary's SENCo
        the primary's. Each head chose that at the start of November."""
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
