"""Everyday conversations: caseloads, a split family, homework, absence, Year 9, safeguarding."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from schoolwindow.demo.parts.messaging.common import (
    HOMEWORK_ANSWERS,
    HOMEWORK_REPLIES,
    MENTOR_ANSWERS,
    MENTOR_GOALS,
    MENTOR_REPLIES,
    UNWELL_REPLIES,
    dear,
)
from schoolwindow.demo.parts.messaging.scripted import ScriptedFamilies
from schoolwindow.engagement.models import (
    AttendanceMark,
    Flag,
    FlagStatus,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
)
from schoolwindow.messaging.models import ContactKind, ContactOutcome, Tone
from schoolwindow.people.models import Guardian, Pupil, SafeguardingStatus, Staff
from schoolwindow.schools.models import School


class EverydayConversations(ScriptedFamilies):
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
            due_on__lt=self.demo.today,
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
