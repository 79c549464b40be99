"""Positive notes home, and the contact log: calls, meetings and home visits."""

from __future__ import annotations

import datetime as dt

from schoolwindow.demo.parts.messaging.common import (
    PRAISE_KEYS,
    PRIMARY_PRAISE_KEYS,
    READ_CHANCE,
    REPLY_LANGUAGES,
    THANKS,
    WATCHLIST_NOTES,
)
from schoolwindow.demo.parts.messaging.everyday import EverydayConversations
from schoolwindow.engagement.models import Flag, FlagStatus
from schoolwindow.messaging.models import ContactKind, ContactOutcome, Conversation, Tone
from schoolwindow.messaging.positive import services as positive_services
from schoolwindow.people.models import Pupil


class PraiseAndContacts(EverydayConversations):
    # ----------------------------------------------------------------- positive notes

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
                        conversations = positive_services.praise_send(
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
