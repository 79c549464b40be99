"""Families we can't reach: bounced email, a number not in service, letters to print."""

from __future__ import annotations

from schoolwindow.demo.parts.messaging.common import EMAIL_BOUNCE, SMS_FAILURE, dear
from schoolwindow.demo.parts.messaging.praise import PraiseAndContacts
from schoolwindow.messaging.models import (
    ContactKind,
    ContactOutcome,
    Conversation,
    Delivery,
    DeliveryStatus,
)
from schoolwindow.people.models import Channel, Guardian, Pupil


class Unreachable(PraiseAndContacts):
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
