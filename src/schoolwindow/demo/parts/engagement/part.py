"""The demo's engagement history: a year and a term of signals, deterministic and quick.

For both schools and every school day from 1 September of last year to the last school day before
the demo's today (`ctx.today`: the demo stands at 8 a.m. on the day it is built, before the
registers; demo/calendars.py), this writes what a school's systems would have sent School Window:

- attendance marks, morning and afternoon, with DfE 2024 register codes (engagement.codes);
- learning-platform activity of secondary pupils: log-ins, online lessons, activities opened and
  completed (the primary's homework is on paper: no platform sends its activity);
- homework set weekly per teaching group (per class in the primary) and what became of it;
- messages to home and whether they were delivered, read and answered.

Then it builds the daily facts (engagement.facts), trains each school's risk model on last year
(engagement.risk) and evaluates the flags for the morning of the demo's today (engagement.flags), as
the worker's morning run would; each step only if that module is there.

Only pupils on roll now have a history; last year they were a year younger, so this year's
Reception and Year 7 start this September and last year's leavers are not here.

Each pupil has a few traits (how often they are off, how much of it is unauthorised, how often
they log in, how reliably they hand work in, how their family reads messages), drawn from one
seeded generator and correlated through a latent "engagement", so that disadvantaged pupils are
more often persistently absent, as in England. Some pupils go quiet for a spell — online activity
and homework first, attendance two weeks later, the family reading less — last year (about half of
them recover, the others are still low this year: what the risk model and the backtest learn
from), earlier this term (recovered), or in the last few weeks (the watchlist). A few pupils'
histories are written to tell a story: see SCRIPTED_PUPILS.

The large tables are written with one prepared INSERT per chunk (`executemany`, or COPY on
PostgreSQL): Django's bulk_create spends more time preparing 1.5 million rows than the
database spends storing them.
"""

from __future__ import annotations

import time

from django.db import connection

from schoolwindow.demo.calendars import clock_at
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DemoPart
from schoolwindow.demo.parts.engagement.common import FACTS_CHUNK_DAYS, HistoryCounts, RowWriter
from schoolwindow.demo.parts.engagement.homework import HistoryHomework
from schoolwindow.engagement.models import ActivityEvent, AttendanceMark, Flag


class HistoryBuilder(HistoryHomework):
    """The whole history. Each module adds one chapter, in the order they run: traits.py,
    scripts.py, days.py, homework.py (with the messages home), and here the facts and flags."""

    # ------------------------------------------------------------------- the whole history

    def build(self) -> HistoryCounts:
        if connection.vendor != "sqlite":
            return self.build_all()
        # A bigger page cache while writing: the (school, date) indexes are filled out of
        # order, and SQLite's default 2 MB cache makes that several times slower.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (previous,) = cursor.fetchone()
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, for this connection only
        try:
            return self.build_all()
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")

    def build_all(self) -> HistoryCounts:
        started = time.perf_counter()
        self.say("Building a year and a term of engagement history…")
        self.days = {school.pk: self.days_for(school) for school in self.schools()}
        self.contacts = self.contacts_choose()
        self.families = {}
        self.profiles = [self.profile(child) for child in self.children]
        self.by_pupil = {id(p.pupil): p for p in self.profiles}
        self.scripted_choose()
        self.trips = self.trips_choose()

        marks = RowWriter(
            AttendanceMark,
            ("school", "pupil", "date", "session", "code", "category", "recorded_at"),
        )
        activity = RowWriter(
            ActivityEvent,
            ("school", "pupil", "occurred_at", "date", "kind", "source", "external_id"),
        )
        for profile in self.profiles:
            self.pupil_days(profile, marks, activity)
        marks.flush()
        self.say(f"  attendance: {marks.count:,} marks")

        self.homework_build(activity)
        activity.flush()
        self.counts.attendance = marks.count
        self.counts.activity = activity.count
        self.messages_build()
        self.say(
            f"  online activity: {activity.count:,} events; homework: {self.counts.homework:,} "
            f"pieces, {self.counts.submissions:,} hand-ins; messages home: "
            f"{self.counts.messages:,} ({time.perf_counter() - started:.1f} s)"
        )
        with clock_at(self.now):  # what the engagement app stamps (a model's training time)
            self.facts_and_flags()
        return self.counts

    # ------------------------------------------------------------------- facts and flags

    def risk_models_train(self) -> None:
        """Each school's learned risk score, trained on last year, as a school would
        on its first day with School Window; a scaled-down demo may have too little history."""
        # Imported here, not at the top, so the demo still builds where engagement.risk is
        # not there (a trimmed install, an app being written): the history is kept without it.
        try:
            from schoolwindow.engagement.risk import RiskTrainingError, risk_model_train
        except ImportError:
            self.say("  risk models not trained: engagement.risk is not there yet")
            return
        started = time.perf_counter()
        trained: list[str] = []
        for school_id, days in self.days.items():
            last_year = days.dates[: days.this_year]
            try:
                model = risk_model_train(
                    school_id=school_id, train_from=last_year[0], train_to=last_year[-1]
                )
            except RiskTrainingError as error:
                self.say(f"  no risk model for {days.school.name}: {error}")
                continue
            self.counts.risk_models += 1
            auc = model.metrics.get("roc_auc_out_of_fold")
            trained.append(f"{days.school.name} ROC-AUC {auc}")
        if trained:
            self.say(
                f"  risk models trained on {self.demo.calendar.last_year.name}: "
                f"{'; '.join(trained)} "
                f"({time.perf_counter() - started:.1f} s)"
            )

    def facts_and_flags(self) -> None:
        """Daily facts for every school day of the history, then the flags for the demo's today's
        morning, through the engagement app's own functions (each only if it is there)."""
        # Imported here, not at the top, so the demo still builds where engagement.facts is
        # not there (a trimmed install, an app being written): the history is kept without it.
        try:
            from schoolwindow.engagement.facts import pupil_days_recompute
        except ImportError:
            self.say("  daily facts not built: engagement.facts is not there yet")
            return
        started = time.perf_counter()
        total = 0
        for school_id, days in self.days.items():
            # Two school weeks at a time: the same rows as one call for the whole range (a
            # range's first day collects what happened since the school day before it), and
            # much quicker on SQLite than one call over a year.
            for first in range(0, len(days.dates), FACTS_CHUNK_DAYS):
                chunk = days.dates[first : first + FACTS_CHUNK_DAYS]
                total += pupil_days_recompute(school_id=school_id, start=chunk[0], end=chunk[-1])
        self.counts.pupil_days = total
        self.say(f"  daily facts: {total:,} pupil-days ({time.perf_counter() - started:.1f} s)")
        self.risk_models_train()
        # Imported here, not at the top, so the demo still builds where engagement.flags is
        # not there (a trimmed install, an app being written): the history is kept without it.
        try:
            from schoolwindow.engagement.flags import flags_evaluate
        except ImportError:
            self.say("  flags not evaluated: engagement.flags is not there yet")
            return
        started = time.perf_counter()
        today = self.demo.today
        for school_id, days in self.days.items():
            # Two earlier mornings first, as the watchlist would have run them: most pupils
            # have been on the list a while, and "new today" counts only today's.
            past = [day for day in days.dates if day < today]
            for back in EARLIER_MORNINGS:
                if len(past) >= back:
                    flags_evaluate(school_id=school_id, on_date=past[-back])
            flags_evaluate(school_id=school_id, on_date=today)
        self.counts.flags = Flag.objects.filter(school_id__in=list(self.days)).count()
        self.say(
            f"  flags for the morning of {today:%a %-d %b %Y}: {self.counts.flags} pupils "
            f"on the watchlists ({time.perf_counter() - started:.1f} s)"
        )


# School days before the demo's today on which the flags were evaluated too (three weeks back,
# one week back and the day before), so today's run finds only today's changes.
EARLIER_MORNINGS = (15, 5, 1)


def history_build(ctx: DemoContext) -> None:
    ctx.counts["engagement"] = HistoryBuilder(ctx, ctx.children).build()


PART = DemoPart(name="engagement", build=history_build, history=True)
