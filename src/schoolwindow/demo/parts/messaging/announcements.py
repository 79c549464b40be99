"""Announcements with each copy's fate, and what the worker did after."""

from __future__ import annotations

import datetime as dt

from schoolwindow.audit.services import audit_record
from schoolwindow.demo.parts.messaging.common import (
    ANNOUNCEMENT_READ_CHANCE,
    EMAIL_BOUNCE,
    LETTERS_PRINTED_AT,
    VIDEO_LINK,
    rows_update,
)
from schoolwindow.demo.parts.messaging.unreachable import Unreachable
from schoolwindow.engagement.models import FamilyMessage
from schoolwindow.messaging.broadcasts import services as broadcasts_services
from schoolwindow.messaging.broadcasts.services import broadcast_send
from schoolwindow.messaging.conversations.services import conversation_read
from schoolwindow.messaging.delivery.channels.email import message_id_for
from schoolwindow.messaging.delivery.fallback import fallback_for
from schoolwindow.messaging.delivery.quiet import settings_for
from schoolwindow.messaging.models import (
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Delivery,
    DeliveryStatus,
    Message,
)
from schoolwindow.people.models import Channel, Staff


class Announcements(Unreachable):
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
            video_link=VIDEO_LINK.format(day=self.day(secondary, 1)),
        )
        # Scheduled: a reminder to the same form, to go out on Wednesday morning (in term time:
        # no trip is planned for the holidays).
        today = self.demo.today
        wednesday = today + dt.timedelta(days=(2 - today.weekday()) % 7 or 7)
        trip = wednesday + dt.timedelta(days=7)
        if tutor_group is not None and self.demo.calendar.in_term(trip):
            self.broadcast(
                self.teacher,
                subject=f"{self.group_names.get(tutor_group, 'Our form')}: Globe trip slips",
                body=(
                    "Dear families, a reminder that consent slips for our trip to the Globe on "
                    f"Wednesday {trip.day} {trip:%B} are due in on Friday. Spare slips are at "
                    "reception. "
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
                sent = broadcasts_services.broadcast_create(
                    actor=actor,
                    school_id=author.school_id,
                    subject=subject,
                    body=body,
                    audience=audience,
                    year_group_id=year_group_id,
                    group_id=group_id,
                    scheduled_for=scheduled_for,
                )
                broadcasts_services.broadcast_queue(actor=actor, broadcast=sent)
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
