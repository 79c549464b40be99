"""The scripted families' stories, told in their messages (see engagement/scripts.py)."""

from __future__ import annotations

import datetime as dt

from schoolwindow.demo.parts.messaging.common import MAILBOX_FULL
from schoolwindow.demo.parts.messaging.writer import MessagingWriter
from schoolwindow.messaging.models import (
    ContactKind,
    ContactOutcome,
    Conversation,
    DeliveryStatus,
    Participant,
    Tone,
)
from schoolwindow.messaging.positive import services as positive_services
from schoolwindow.people.models import Channel, Guardian


class ScriptedFamilies(MessagingWriter):
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
                praised = positive_services.praise_send(
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
            praised = positive_services.praise_send(
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
