"""Homework set and handed in, and the school's messages home."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable

from schoolwindow.demo.parts.engagement.common import (
    COMPLETED,
    LAUNCHED,
    SOURCE,
    Profile,
    RowWriter,
    sigmoid,
)
from schoolwindow.demo.parts.engagement.days import HistoryDays
from schoolwindow.engagement.models import (
    FamilyMessage,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
)
from schoolwindow.people.models import Channel
from schoolwindow.schools.models import Group

TOPICS: dict[str, tuple[str, ...]] = {
    "English": (
        "Reading log",
        "Persuasive letter",
        "Poetry annotation",
        "Spelling and vocabulary",
        "Character analysis",
        "Descriptive writing",
        "Comprehension questions",
        "Speech plan",
    ),
    "Maths": (
        "Online tasks: fractions",
        "Online tasks: algebra",
        "Online tasks: ratio",
        "Online tasks: angles",
        "Online tasks: probability",
        "Online tasks: equations",
        "Online tasks: percentages",
        "Online tasks: graphs",
    ),
    "Science": (
        "Quiz: cells",
        "Quiz: forces",
        "Quiz: the periodic table",
        "Quiz: energy",
        "Quiz: ecosystems",
        "Quiz: electricity",
        "Quiz: reactions",
        "Quiz: waves",
    ),
    "Spelling": ("Spellings",),
    "Maths (primary)": (
        "Times tables practice",
        "Number bonds",
        "Maths challenge",
        "Telling the time",
    ),
}
MAX_SCORE = {"Maths": 20, "Science": 10, "Spelling": 10}
ONLINE_SUBJECTS = frozenset({"Maths", "Science"})  # done on the platform: activity events too


class HistoryHomework(HistoryDays):
    # ------------------------------------------------------------------- homework

    def homework_plan(self) -> list[tuple[Homework, list[Profile], int, int]]:
        """Every piece of homework: (homework, its pupils, set-day index, due-day index).

        Secondary: each English, maths and science set gets a piece a week, due a week later.
        Primary: spellings on Fridays from Year 1, maths on Wednesdays from Year 2. Nothing is
        set over a holiday. Last year's pieces name last year's set and belong to no group
        (the groups are this year's).
        """
        demo = self.demo
        members: dict[int, list[Profile]] = defaultdict(list)
        for enrolment in demo.plan.enrolments:
            profile = self.by_pupil.get(id(enrolment.pupil))
            if profile is not None:
                members[id(enrolment.group)].append(profile)
        pieces: list[tuple[Homework, list[Profile], int, int]] = []

        def weekly(
            group: Group,
            subject: str,
            label: str,
            code_then: Callable[[int], str],
            weekday: int,
            youngest: int,
        ) -> None:
            school = group.school
            days = self.days[school.pk]
            topics = TOPICS[subject]
            today = self.demo.today
            week = 0
            for s, day in enumerate(days.dates):
                if days.weekday[s] != weekday:
                    continue
                due_on = day + dt.timedelta(days=7)
                later = range(s + 1, len(days.dates))
                j = next((k for k in later if days.dates[k] >= due_on), None)
                if j is None:
                    if due_on >= today:  # due after the demo's today
                        j, due_date = days.last + 1 + (due_on - today).days, due_on
                    else:
                        continue
                else:
                    due_date = days.dates[j]
                    if (due_date - day).days > 10:
                        continue  # no homework over the holidays
                    if due_date >= today:
                        j = days.last + 1
                back = 0 if s >= days.this_year else 1
                pupils = [
                    p for p in members[id(group)] if s >= p.first and p.ordinal_on(s) >= youngest
                ]
                if not pupils:
                    continue
                code = code_then(back)
                title = topics[week % len(topics)]
                week += 1
                homework = Homework(
                    school=school,
                    group=None if back else group,
                    title=f"{title} ({code})",
                    subject=label,
                    set_on=day,
                    due_on=due_date,
                    max_score=MAX_SCORE.get(subject),
                    source_id=f"demo-{code.replace(' ', '')}-{subject[:5].lower()}-{day:%Y%m%d}",
                )
                pieces.append((homework, pupils, s, j))

        core = {"English": 0, "Maths": 1, "Science": 2}
        for (ordinal, subject), sets in demo.sets.items():
            for number, group in enumerate(sets, start=1):
                abbreviation = group.code[len(str(ordinal)) : -len(str(number))]

                def set_code(
                    back: int, o: int = ordinal, a: str = abbreviation, k: int = number
                ) -> str:
                    return f"{o - back}{a}{k}"

                weekday = (number + 2 * core[subject]) % 5
                weekly(group, subject, subject, set_code, weekday, youngest=7)
        for ordinal, classes in demo.classes.items():
            if ordinal >= 7:
                continue
            for group in classes:
                tree = group.name.split()[-1]

                def class_code(back: int, o: int = ordinal, t: str = tree) -> str:
                    then = o - back
                    return f"{'Year ' + str(then) if then else 'Reception'} {t}"

                weekly(group, "Spelling", "English", class_code, 4, youngest=1)
                weekly(group, "Maths (primary)", "Maths", class_code, 2, youngest=2)
        return pieces

    def homework_build(self, activity: RowWriter) -> None:
        rng = self.rng
        pieces = self.homework_plan()
        self.scripted_homework(pieces)
        Homework.objects.bulk_create([piece[0] for piece in pieces], batch_size=2000)
        writer = RowWriter(
            HomeworkSubmission, ("school", "homework", "pupil", "status", "submitted_at", "score")
        )
        at = self.clock.at
        hand_ins = writer.rows.append
        events = activity.rows.append
        for homework, pupils, s, j in pieces:
            days = self.days[homework.school_id]
            last = days.last
            school_id = homework.school_id
            online = homework.subject in ONLINE_SUBJECTS and s >= 0 and pupils[0].child.ordinal >= 7
            top = float(homework.max_score) if homework.max_score is not None else None
            for p in pupils:
                gh = p.homework_g[min(j, last)] if p.homework_g is not None else 1.0
                status = p.homework_forced.get(homework.source_id)
                hand_in: int | None = None
                if j > last:  # not due yet: a few are in early
                    early = s < last and rng.random() < 0.3 * p.diligence * gh
                    if status is None and early:
                        status, hand_in = HomeworkStatus.ON_TIME, rng.randint(s + 1, last)
                    else:
                        status = HomeworkStatus.SET
                else:
                    if status is None:
                        q = p.diligence * gh * gh**0.3
                        if j in p.away:
                            q *= 0.7
                        roll = rng.random()
                        if roll < q:
                            status = HomeworkStatus.ON_TIME
                        elif roll < q + (1.0 - q) * 0.6:
                            status = HomeworkStatus.LATE
                        else:
                            status = HomeworkStatus.MISSING
                    if status == HomeworkStatus.ON_TIME:
                        hand_in = max(s, j - 1 - int(rng.random() * 3))
                    elif status == HomeworkStatus.LATE:
                        hand_in = j + 1 + int(rng.random() * 4)
                        if hand_in > last:
                            hand_in = None
                            status = HomeworkStatus.MISSING  # not in yet
                submitted = score = None
                if hand_in is not None:
                    day = days.dates[hand_in]
                    minute = 17 * 60 + rng.randrange(300)
                    submitted = at(day, minute)
                    if top is not None:
                        mark = sigmoid(0.6 + 0.9 * p.child.ability + rng.gauss(0, 0.6))
                        if status == HomeworkStatus.LATE:
                            mark *= 0.9
                        score = round(top * mark)
                    if online and (p.no_login_from is None or hand_in < p.no_login_from):
                        row = (school_id, p.pupil_id)
                        date_db = days.db[hand_in]
                        events((*row, at(day, minute - 25), date_db, LAUNCHED, SOURCE, ""))
                        events((*row, submitted, date_db, COMPLETED, SOURCE, ""))
                hand_ins((school_id, homework.pk, p.pupil_id, str(status), submitted, score))
            writer.flush_if_full()
            activity.flush_if_full()
        writer.flush()
        self.counts.homework = len(pieces)
        self.counts.submissions = writer.count

    def scripted_homework(self, pieces: list[tuple[Homework, list[Profile], int, int]]) -> None:
        """The last `missing` pieces due in the last two school weeks are missing; the ones
        before them in (late, for a pupil already slipping). Jack: 3; Freya: 4."""
        wanted = {"jack": (3, HomeworkStatus.ON_TIME), "online_quiet": (4, HomeworkStatus.LATE)}
        for profile in self.profiles:
            if profile.script not in wanted:
                continue
            missing, otherwise = wanted[profile.script]
            last = profile.days.last
            mine = sorted(
                ((j, homework.source_id) for homework, pupils, _, j in pieces
                 if profile in pupils and last - 9 <= j <= last),
                reverse=True,
            )  # fmt: skip
            for rank, (_, source_id) in enumerate(mine):
                profile.homework_forced[source_id] = (
                    HomeworkStatus.MISSING if rank < missing else otherwise
                )
            for homework, pupils, _, j in pieces:
                if profile in pupils and last - 20 <= j < last - 9:
                    profile.homework_forced.setdefault(homework.source_id, HomeworkStatus.ON_TIME)

    # ------------------------------------------------------------------- messages home

    def messages_build(self) -> None:
        """A few messages per pupil per half-term, a chase for each unexplained absence, more
        when a pupil goes quiet; read and answered as their family does."""
        rng = self.rng
        writer = RowWriter(
            FamilyMessage,
            ("school", "pupil", "guardian", "sent_at", "delivered_at", "read_at", "replied_at",
             "needs_reply", "source_id"),
        )  # fmt: skip
        clock = self.clock
        base_read: dict[str, float] = {Channel.APP: 0.97, Channel.EMAIL: 0.9, Channel.SMS: 0.94}
        read_hours: dict[str, float] = {Channel.APP: 2.0, Channel.EMAIL: 9.0, Channel.SMS: 0.7}
        for p in self.profiles:
            contact = p.contact
            if contact is None:
                continue
            days = p.days
            family = p.family
            sends: list[tuple[int, int, bool]] = []  # (day, minute, needs reply)
            for i in range(p.first, days.last + 1):
                if rng.random() < 3.0 / 35.0:
                    sends.append((i, 510 + rng.randrange(480), rng.random() < 0.15))
            chased_until = -1
            for i in p.chased:  # a call or text on the first unexplained day, once a week
                if i > chased_until and rng.random() < 0.6:
                    sends.append((i, 570 + rng.randrange(40), True))
                    chased_until = i + 4
            if p.family_g is not None:
                for i in range(p.first, days.last + 1, 5):
                    if p.family_g[i] < 0.7 and rng.random() < 0.6:
                        sends.append((i, 600 + rng.randrange(300), True))
            sends.extend((i, 600 + rng.randrange(300), reply) for i, reply in p.extra_messages)
            sends.sort()
            channel = contact.channel
            for number, (i, minute, needs_reply) in enumerate(sends, start=1):
                day = days.dates[i]
                sent = clock.aware(day, minute)
                delivered: dt.datetime | None = sent + dt.timedelta(seconds=5 + rng.randrange(90))
                if channel == Channel.EMAIL and rng.random() < 0.02:
                    delivered = None  # bounced
                gf = p.family_g[i] if p.family_g is not None else 1.0
                chance = base_read[channel] * (0.75 + 0.25 * family.reads) * gf
                if channel == Channel.EMAIL and family.never_email:
                    chance = 0.0
                if family.stopped_reading is not None and day >= family.stopped_reading:
                    chance = 0.0
                read = replied = None
                if delivered is not None and rng.random() < chance:
                    hours = read_hours[channel] * family.delay * math.exp(rng.gauss(0, 1.0))
                    read = delivered + dt.timedelta(hours=hours)
                    reply_chance = 0.92 * (0.7 + 0.3 * family.reads) * gf
                    if needs_reply and rng.random() < reply_chance:
                        replied = read + dt.timedelta(hours=14 * math.exp(rng.gauss(0, 1.0)))
                if delivered is not None and delivered > self.now:
                    delivered = None
                if read is not None and read > self.now:
                    read = replied = None
                if replied is not None and replied > self.now:
                    replied = None
                writer.add(
                    (
                        days.school.pk,
                        p.pupil.pk,
                        contact.guardian.pk,
                        clock.db(sent),
                        clock.db(delivered),
                        clock.db(read),
                        clock.db(replied),
                        needs_reply,
                        f"demo-{p.pupil.upn}-{number}",
                    )
                )
        writer.flush()
        self.counts.messages = writer.count
