"""The demo's messaging: the last three and a half weeks of talking with families.

After the engagement history (parts/engagement), this writes what staff and families said to each
other in School Window in the weeks before the demo's today (`ctx.today`: the demo stands at 8 a.m.
on the day it is built; in a holiday the weeks end with the last school day):

- conversations between staff and guardians, about a pupil or general, with the families' replies:
  families who read another language get the phrasebook's translation, and the Nowaks (Polish)
  and the Popas (Romanian) answer in theirs, translated for staff; a split family written to
  separately; several staff in some; and the scripted families' stories (engagement/scripts.py
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
import time

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DemoPart
from schoolwindow.demo.parts.messaging.announcements import Announcements
from schoolwindow.demo.parts.messaging.common import MessagingCounts, settings_read_once
from schoolwindow.messaging.models import Delivery, DeliveryStatus
from schoolwindow.messaging.summaries import selectors as summaries_selectors
from schoolwindow.messaging.summaries import services as summaries_services


class MessagingBuilder(Announcements):
    """All of the demo's messaging. Each module adds one chapter to the writer (writer.py: the
    schools as they are, time, writing as people do, the outbox), each on the one before:
    scripted.py, everyday.py, praise.py (and the contact log), unreachable.py,
    announcements.py (and what the worker did after); here the order they run in, and Friday's
    weekly summaries."""

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

    # ----------------------------------------------------------------- weekly summaries

    def nudges_prepare(self) -> None:
        """Friday's job prepared last week's summaries at noon; nobody has approved them yet."""
        today = self.demo.today
        last_friday = today - dt.timedelta(days=(today.weekday() - 4) % 7 or 7)
        for school in self.schools:
            # The last school day of the last whole week: a Friday, or the day before a holiday.
            days = [day for day in self.days[school.pk] if day <= last_friday]
            friday = days[-1] if days else self.day(school, 1)
            with self.clock(self.at(friday, "12:00")):
                batch = summaries_services.nudges_prepare(
                    school.pk, summaries_selectors.week_start(friday)
                )
            self.counts.nudges += batch.nudges.count()


def messaging_build(ctx: DemoContext) -> None:
    # The last weeks' messaging tells the same stories, so it needs the history.
    ctx.counts["messaging"] = MessagingBuilder(ctx).build()


PART = DemoPart(name="messaging", build=messaging_build, history=True)
