"""The demo's engagement history: a year and a term of signals, deterministic and quick.

For both schools and every school day from 1 September 2025 to the school day before
`DEMO_TODAY` (the demo stands at 8 a.m. on Monday 23 November 2026, before the registers), this
writes what a school's systems would have sent School Window:

- attendance marks, morning and afternoon, with DfE 2024 register codes (engagement.codes);
- learning-platform activity of secondary pupils: log-ins, online lessons, activities opened and
  completed (the primary's homework is on paper: no platform sends its activity);
- homework set weekly per teaching group (per class in the primary) and what became of it;
- messages to home and whether they were delivered, read and answered.

Then it builds the daily facts (engagement.facts), trains each school's risk model on 2025/26
(engagement.risk) and evaluates the flags for the morning of DEMO_TODAY (engagement.flags), as
the worker's morning run would; each step only if that module is there.

Only pupils on roll now have a history; last year they were a year younger, so this year's
Reception and Year 7 start in September 2026 and last year's leavers are not here.

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

import datetime as dt
import itertools
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Model

from schoolwindow.demo import calendars
from schoolwindow.demo.calendars import DEMO_TODAY, HISTORY_START
from schoolwindow.engagement import codes
from schoolwindow.engagement.models import (
    ActivityEvent,
    ActivityKind,
    AttendanceMark,
    FamilyMessage,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
)
from schoolwindow.people.models import Channel, Guardian, GuardianLink, Pupil, SendStatus
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import Group, School

if TYPE_CHECKING:
    from schoolwindow.demo.builder import Child, DemoBuilder, Family

HISTORY_SEED = 20250901
THIS_YEAR_START = dt.date(2026, 9, 1)
SOURCE = "Riverside Online"  # the demo's learning platform
CHUNK = 20_000  # rows per INSERT batch
FACTS_CHUNK_DAYS = 10  # school days per pupil_days_recompute call
# A pupil going quiet shows online and in homework first; attendance follows this many school
# days later: the head start an early warning has over the register.
ATTENDANCE_LAG = 10

LOGIN, LESSON = str(ActivityKind.LOGIN), str(ActivityKind.LESSON)
LAUNCHED, COMPLETED = str(ActivityKind.LAUNCHED), str(ActivityKind.COMPLETED)
IN_SCHOOL = frozenset("/\\LBKPVW")  # present or at an approved activity elsewhere

# More illness in winter.
SEASON = {9: 0.8, 10: 1.0, 11: 1.1, 12: 1.35, 1: 1.3, 2: 1.2, 3: 1.05, 4: 0.9, 5: 0.85,
          6: 0.85, 7: 1.0, 8: 1.0}  # fmt: skip

# Days of religious observance in term time, and the communities that mark them (code R).
OBSERVANCE: tuple[tuple[dt.date, frozenset[str], float], ...] = (
    (dt.date(2025, 10, 20), frozenset({"punjabi"}), 0.3),  # Diwali, Bandi Chhor Divas
    (dt.date(2026, 3, 20), frozenset({"pakistani", "bangladeshi", "arabic", "somali"}), 0.8),
    (dt.date(2026, 4, 14), frozenset({"punjabi"}), 0.5),  # Vaisakhi
)
WORK_EXPERIENCE = (dt.date(2026, 6, 29), dt.date(2026, 7, 3))  # Year 10 in 2025/26

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

# The pupils whose history is written to tell a story (their families are fixed in
# builder.families_plan); everyone else's comes from their traits.
SCRIPTED_PUPILS: dict[str, tuple[str, str, str]] = {
    "jack": ("Jack", "Bennett", "Year 8: no log-in for 8 school days, 3 homework missing, away"),
    "ella": ("Ella", "Bennett", "Year 4, his sister: fine"),
    "zuza": ("Zuzanna", "Nowak", "Year 9, the printed pupil: mostly fine"),
    "tyler": ("Tyler", "Hughes", "Year 10: unauthorised absences climbing for eight weeks"),
    "freya": ("Freya", "Marsh", "Year 7: in school every day, silent online since half-term"),
    "mason": ("Mason", "Turner", "Year 11: his family stopped reading email three weeks ago"),
    "poppy": ("Poppy", "Turner", "Year 3, his sister: the same unread messages"),
    "ioana": ("Ioana", "Popa", "Year 10: no internet at home, the family's one phone reads late"),
}


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def category_map() -> dict[str, str]:
    """Register code → DfE category for every code, from the one definition."""
    return {code: str(codes.classify(code)) for code in codes.CODES}


# ----------------------------------------------------------------------------- writing rows


class RowWriter:
    """Streams rows into one table in chunks: executemany, or COPY on PostgreSQL."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        meta = model._meta
        quote = connection.ops.quote_name
        self.table = quote(meta.db_table)
        columns = [meta.get_field(name).column for name in fields]  # type: ignore[union-attr]
        self.columns = ", ".join(quote(str(column)) for column in columns)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders})"
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush_if_full(self) -> None:
        """For loops that append to `rows` directly (a method call per row costs seconds)."""
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, self.rows)
        self.count += len(self.rows)
        self.rows.clear()


# ----------------------------------------------------------------------------- the calendar


@dataclass
class Days:
    """One school's school days with everything the loops need precomputed, by index."""

    school: School
    dates: list[dt.date]
    this_year: int  # index of the first school day of 2026/27
    db: list[Any] = field(default_factory=list)  # dates as the database wants them
    weekday: list[int] = field(default_factory=list)
    season: list[float] = field(default_factory=list)
    index: dict[dt.date, int] = field(default_factory=dict)
    am_at: list[Any] = field(default_factory=list)  # when the registers were recorded
    pm_at: list[Any] = field(default_factory=list)

    @property
    def last(self) -> int:
        return len(self.dates) - 1


class Clock:
    """School-local minutes on a date → the database's datetime value, cached.

    On SQLite with USE_TZ that value is the naive UTC time as text (what Django's backend
    stores: `str()` of it), made here from the day's UTC offset, which is quicker than asking
    Django a quarter of a million times. School days never straddle a clock change (Sundays).
    """

    def __init__(self) -> None:
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.adapt = connection.ops.adapt_datetimefield_value
        self.cache: dict[tuple[dt.date, int], Any] = {}
        self.offsets: dict[dt.date, int] = {}  # minutes ahead of UTC at noon
        self.as_text = (
            connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone == dt.UTC
        )

    def aware(self, day: dt.date, minute: int) -> dt.datetime:
        minute = max(0, min(minute, 24 * 60 - 1))
        return dt.datetime(
            day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.zone
        )

    def at(self, day: dt.date, minute: int) -> Any:
        key = (day, minute)
        value = self.cache.get(key)
        if value is None:
            if self.as_text:
                offset = self.offsets.get(day)
                if offset is None:
                    noon = self.aware(day, 12 * 60).utcoffset() or dt.timedelta()
                    offset = self.offsets[day] = int(noon.total_seconds()) // 60
                minute = max(0, min(minute, 24 * 60 - 1))
                utc = dt.datetime(day.year, day.month, day.day) + dt.timedelta(
                    minutes=minute - offset
                )
                value = str(utc)
            else:
                value = self.adapt(self.aware(day, minute))
            self.cache[key] = value
        return value

    def db(self, moment: dt.datetime | None) -> Any:
        return None if moment is None else self.adapt(moment)


# ----------------------------------------------------------------------------- pupils


@dataclass
class FamilyTraits:
    z: float
    reads: float  # 0 to 1: how much of what school sends is read
    never_email: bool  # email never opened
    delay: float  # multiplies how long reading takes
    holidays: list[set[dt.date]]  # term-time holiday dates (code G), per year
    stopped_reading: dt.date | None = None


@dataclass
class Contact:
    guardian: Guardian
    channel: str


@dataclass(eq=False)
class Profile:
    child: Child
    pupil: Pupil
    days: Days
    family: FamilyTraits
    contact: Contact | None
    first: int  # index of the first school day with data
    pupil_id: int
    z: float
    severe: list[bool]  # per year: last, this
    absence: list[float]  # per year: share of sessions missed in a normal stretch
    unauthorised: list[float]  # per year: share of that absence unauthorised
    episode: float  # mean length of an absence, in school days
    lateness: float
    online: float  # chance of logging in on a school day
    evenings: float  # share of log-ins from home after school
    diligence: float  # chance a piece of homework is in on time
    longest: int = 15  # the longest absence, in school days
    sporty: bool = False
    alternative_provision: bool = False
    script: str = ""
    # engagement by school-day index, 0 to 1 (None: always 1)
    online_g: list[float] | None = None
    homework_g: list[float] | None = None
    attendance_g: list[float] | None = None
    family_g: list[float] | None = None
    marks: dict[int, tuple[str, str]] = field(default_factory=dict)  # forced register codes
    no_login_from: int | None = None
    logins_forced: set[int] = field(default_factory=set)
    suspended: set[int] = field(default_factory=set)
    homework_forced: dict[str, str] = field(default_factory=dict)  # source_id → status
    extra_messages: list[tuple[int, bool]] = field(default_factory=list)  # (day, needs reply)
    # filled while generating
    away: set[int] = field(default_factory=set)  # days absent all day
    chased: list[int] = field(default_factory=list)  # first days of unexplained absence

    def ordinal_on(self, index: int) -> int:
        return self.child.ordinal - (0 if index >= self.days.this_year else 1)


def curve(length: int, points: Sequence[tuple[int, float]]) -> list[float]:
    """Engagement by day: straight lines between (index, level) points, flat outside them."""
    values = [1.0] * length
    if not points:
        return values
    points = sorted(points)
    for i in range(length):
        if i <= points[0][0]:
            values[i] = points[0][1]
        elif i >= points[-1][0]:
            values[i] = points[-1][1]
        else:
            for (a, va), (b, vb) in itertools.pairwise(points):
                if a <= i <= b:
                    values[i] = va + (vb - va) * (i - a) / max(1, b - a)
                    break
    return values


def lagged(values: list[float], lag: int) -> list[float]:
    return [values[max(0, i - lag)] for i in range(len(values))]


def combine(a: list[float] | None, b: list[float]) -> list[float]:
    return b if a is None else [min(x, y) for x, y in zip(a, b, strict=True)]


# ----------------------------------------------------------------------------- the builder


@dataclass
class HistoryCounts:
    attendance: int = 0
    activity: int = 0
    homework: int = 0
    submissions: int = 0
    messages: int = 0
    pupil_days: int | None = None  # None: engagement.facts not there yet
    flags: int | None = None  # None: engagement.flags not there yet
    risk_models: int = 0


class HistoryBuilder:
    def __init__(self, demo: DemoBuilder, children: list[Child]) -> None:
        self.demo = demo
        self.children = [child for child in children if child.pupil is not None]
        self.say = demo.say
        self.rng = random.Random(HISTORY_SEED)
        self.clock = Clock()
        self.categories = category_map()
        self.counts = HistoryCounts()
        self.now = self.clock.aware(DEMO_TODAY, 8 * 60)  # what the demo has seen so far

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
        self.families: dict[int, FamilyTraits] = {}
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
        self.facts_and_flags()
        return self.counts

    def schools(self) -> list[School]:
        return [self.demo.primary, self.demo.secondary]

    def days_for(self, school: School) -> Days:
        dates = school_days(
            school_id=school.pk, start=HISTORY_START, end=DEMO_TODAY - dt.timedelta(days=1)
        )
        this_year = next(i for i, day in enumerate(dates) if day >= THIS_YEAR_START)
        days = Days(school=school, dates=dates, this_year=this_year)
        adapt = connection.ops.adapt_datefield_value
        for i, day in enumerate(dates):
            days.db.append(adapt(day))
            days.weekday.append(day.weekday())
            days.season.append(SEASON[day.month])
            days.index[day] = i
            days.am_at.append(self.clock.at(day, 9 * 60 + 5))
            days.pm_at.append(self.clock.at(day, 13 * 60 + 35))
        return days

    # ------------------------------------------------------------------- traits

    def contacts_choose(self) -> dict[int, Contact]:
        """Per pupil (by id of the unsaved-then-saved object): who school writes to, and how."""
        links: dict[int, list[GuardianLink]] = defaultdict(list)
        for link in self.demo.plan.links:
            if not link.contact_restricted:
                links[id(link.pupil)].append(link)
        contacts: dict[int, Contact] = {}
        for key, pupil_links in links.items():
            pupil_links.sort(key=lambda link: (link.contact_priority, not link.lives_with_pupil))
            guardian = pupil_links[0].guardian
            channel = guardian.preferred_channel
            if channel == Channel.APP and guardian.user is None:
                channel = Channel.EMAIL
            if channel == Channel.LETTER:  # school texts everyone it can
                channel = Channel.SMS if guardian.phone else Channel.EMAIL
            if channel == Channel.EMAIL and not guardian.email:
                channel = Channel.SMS
            if channel == Channel.SMS and not guardian.phone:
                channel = Channel.EMAIL if guardian.email else ""
            if channel:
                contacts[key] = Contact(guardian=guardian, channel=channel)
        return contacts

    def family_traits(self, family: Family | None) -> FamilyTraits:
        key = id(family)
        traits = self.families.get(key)
        if traits is not None:
            return traits
        rng = self.rng
        z = rng.gauss(0, 1) - (0.4 if family is not None and family.disadvantaged else 0.0)
        holidays: list[set[dt.date]] = []
        for year_start in (HISTORY_START, THIS_YEAR_START):
            dates: set[dt.date] = set()
            if rng.random() < 0.06 + (0.04 if z < -1 else 0.0):
                dates = self.holiday_dates(year_start, rng.choice((3, 4, 5, 5)))
            holidays.append(dates)
        traits = FamilyTraits(
            z=z,
            reads=sigmoid(1.6 + 0.9 * z),
            never_email=rng.random() < 0.08,
            delay=math.exp(rng.gauss(0, 0.5)),
            holidays=holidays,
        )
        if family is not None and family.script == "shared_phone":
            traits.delay = 50.0  # one phone, with a parent at work all day: read a day or two late
            traits.reads = 0.85
        self.families[key] = traits
        return traits

    def holiday_dates(self, year_start: dt.date, length: int) -> set[dt.date]:
        """`length` weekdays just before one of that year's breaks (half-terms, term ends);
        this year's may well fall after the demo's today, and then they are not written."""
        calendar = next(year for year in calendars.YEARS if year.start == year_start)
        starts = [start for start, _, _ in calendar.half_terms]
        starts += [term.end + dt.timedelta(days=1) for term in calendar.terms]
        day = self.rng.choice(sorted(starts)) - dt.timedelta(days=1)
        chosen: set[dt.date] = set()
        while len(chosen) < length:
            if day.weekday() < 5:
                chosen.add(day)
            day -= dt.timedelta(days=1)
        return chosen

    def profile(self, child: Child) -> Profile:
        rng = self.rng
        pupil = child.pupil
        assert pupil is not None
        days = self.days[child.school.pk]
        family = self.family_traits(child.family)
        secondary = child.ordinal >= 7
        send = pupil.send_status
        z = (
            0.8 * rng.gauss(0, 1)
            + 0.45 * family.z
            - (0.6 if pupil.disadvantaged else 0.0)
            - (0.3 if send == SendStatus.EHCP else 0.15 if send == SendStatus.SUPPORT else 0.0)
            - (0.3 if pupil.young_carer else 0.0)
        )
        # Reception and Year 7 joined this September.
        first = days.this_year if child.ordinal in (0, 7) else 0
        draw = rng.random()  # one draw for both years: absence persists
        spread = rng.random()
        severe, absence, unauthorised = [], [], []
        episode = 1.7
        for _year in (0, 1):
            zy = z + rng.gauss(0, 0.35)
            p_severe = sigmoid((-4.3 if secondary else -5.0) - 1.1 * zy)
            p_persistent = sigmoid((-2.1 if secondary else -2.6) - 1.1 * zy)
            if draw < p_severe:
                severe.append(True)
                absence.append(0.45 + 0.3 * spread)
                unauthorised.append(0.4 + 0.25 * rng.random())
                episode = 4.0
            elif draw < p_severe + p_persistent:
                severe.append(False)
                absence.append(0.085 + 0.13 * spread)
                unauthorised.append(rng.betavariate(2.5, 6.5))
                episode = max(episode, 2.0)
            else:
                severe.append(False)
                absence.append(min(0.08, rng.gammavariate(2.0, 0.015)))
                unauthorised.append(rng.betavariate(2, 12))
            if pupil.disadvantaged:
                unauthorised[-1] = min(0.9, unauthorised[-1] + 0.06)
        profile = Profile(
            child=child,
            pupil=pupil,
            days=days,
            family=family,
            contact=self.contacts.get(id(pupil)),
            first=first,
            pupil_id=pupil.pk,
            z=z,
            severe=severe,
            absence=absence,
            unauthorised=unauthorised,
            episode=episode,
            lateness=0.12 if rng.random() < 0.15 else 0.015,
            # The primary's homework is on paper: no learning platform sends us its activity.
            online=sigmoid(2.0 + 0.7 * z) if secondary else 0.0,
            evenings=0.65,
            diligence=sigmoid(2.5 + 0.7 * z + 0.3 * child.ability),
            sporty=secondary and rng.random() < 0.06,
        )
        if secondary and rng.random() < (0.08 if z < -1.0 else 0.015):
            year = rng.choice((0, 1)) if first == 0 else 1
            low, high = (first, days.this_year - 1) if year == 0 else (days.this_year, days.last)
            start = rng.randint(low, max(low, high - 3))
            profile.suspended = set(range(start, start + rng.choice((1, 1, 2, 3))))
        self.spells_plan(profile)
        return profile

    def spells_plan(self, p: Profile) -> None:
        """Going quiet: online and homework first, attendance later, then recovery or not."""
        rng = self.rng
        days = p.days
        n = len(days.dates)
        secondary = p.child.ordinal >= 7
        weight = 1.3 if secondary else 0.6
        points: list[list[tuple[int, float]]] = []
        if p.first == 0 and rng.random() < weight * sigmoid(-2.0 - 0.6 * p.z):
            start = rng.randint(10, days.this_year - 30)
            ramp = rng.randint(3, 8)
            floor = rng.uniform(0.05, 0.35)
            length = rng.randint(8, 30)
            low_until = start + ramp + length
            if rng.random() < sigmoid(0.3 + 0.6 * p.z):  # recovers
                back = rng.uniform(0.85, 1.0)
                points.append(
                    [(start, 1.0), (start + ramp, floor), (low_until, floor),
                     (low_until + rng.randint(4, 10), back)]
                )  # fmt: skip
            else:  # does not: still low this year
                points.append(
                    [(start, 1.0), (start + ramp, floor), (days.this_year - 1, floor),
                     (days.this_year, min(1.0, floor + 0.25))]
                )  # fmt: skip
        if rng.random() < weight * 0.5 * sigmoid(-2.8 - 0.6 * p.z):
            # earlier this term, and over
            start = rng.randint(days.this_year + 5, max(days.this_year + 6, n - 45))
            floor = rng.uniform(0.2, 0.5)
            points.append(
                [(start, 1.0), (start + 4, floor), (start + 14, floor), (start + 22, 0.95)]
            )
        if rng.random() < weight * 0.7 * sigmoid(-2.8 - 0.6 * p.z):
            # going quiet now: what the watchlist is for
            start = rng.randint(n - 35, n - 6)
            floor = rng.uniform(0.05, 0.4)
            points.append([(start, 1.0), (start + rng.randint(3, 8), floor)])
        for spell in points:
            g = curve(n, spell)
            p.online_g = combine(p.online_g, g)
            p.homework_g = combine(p.homework_g, g)
            p.attendance_g = combine(p.attendance_g, lagged(g, ATTENDANCE_LAG))
            p.family_g = combine(p.family_g, [0.4 + 0.6 * x for x in g])

    # ------------------------------------------------------------------- the scripted pupils

    def scripted_choose(self) -> None:
        special = self.demo.special

        def profile(script: str, index: int = 0) -> Profile:
            return self.by_pupil[id(special[script].children[index].pupil)]

        self.script_jack(profile("parent", 1))
        self.script_steady(profile("parent", 0))  # Ella, his sister: fine
        self.script_zuza(profile("pupil"))
        self.script_no_internet(profile("shared_phone"))
        self.script_unauthorised(profile("unauthorised"))
        self.script_online_quiet(profile("online_quiet"))
        self.script_unread([profile("unread", 0), profile("unread", 1)])
        # Two pupils spend Wednesdays at an alternative provision this year (code B).
        candidates = sorted(
            (
                p
                for p in self.profiles
                if p.child.ordinal >= 9 and not (p.child.family and p.child.family.script)
            ),
            key=lambda p: p.z,
        )
        for p in candidates[:2]:
            p.alternative_provision = True

    @staticmethod
    def steady(p: Profile, *, absence: float, unauthorised: float, online: float,
               diligence: float) -> None:  # fmt: skip
        p.severe = [False, False]
        p.absence = [absence, absence]
        p.unauthorised = [unauthorised, unauthorised]
        p.episode = 1.7
        p.online, p.diligence, p.lateness = online, diligence, 0.015
        p.family.holidays = [set(), set()]
        p.longest = 2  # a story pupil who is fine stays fine: no week of flu by chance
        p.suspended = set()
        p.online_g = p.homework_g = p.attendance_g = p.family_g = None

    def script_jack(self, p: Profile) -> None:
        """Jack Bennett, Year 8, the printed parent's son: going quiet for three weeks.

        Last year he dipped after the court order in March and came back. Now: no log-in for
        the last 8 school days, the last three pieces of homework missing, off school more and
        more (two days unexplained, one still being chased).
        """
        days = p.days
        n, last = len(days.dates), days.last
        p.script = "jack"
        self.steady(p, absence=0.03, unauthorised=0.15, online=0.9, diligence=0.88)
        order = days.index.get(dt.date(2026, 3, 10), days.this_year - 60)
        dip = curve(n, [(order, 1.0), (order + 5, 0.35), (order + 15, 0.35), (order + 22, 1.0),
                        (last - 16, 1.0), (last - 9, 0.3)])  # fmt: skip
        p.online_g = dip
        p.homework_g = dip
        p.family_g = [max(0.8, x) for x in dip]
        p.attendance_g = curve(n, [(order + 3, 1.0), (order + 8, 0.5), (order + 16, 0.5),
                                   (order + 22, 1.0)])  # fmt: skip
        p.no_login_from = last - 7  # silent for the last 8 school days
        p.logins_forced = {last - 8}  # the last log-in
        present = ("/", "\\")
        p.marks = {i: present for i in range(last - 14, last + 1)}
        p.marks.update(
            {
                last - 11: ("O", "O"),
                last - 9: ("I", "I"),
                last - 5: ("/", "O"),
                last - 3: ("O", "O"),
                last - 2: ("U", "\\"),
                last: ("N", "N"),
            }
        )
        p.extra_messages = [(last - 10, True), (last - 4, True), (last, True)]

    def script_steady(self, p: Profile) -> None:
        """Ella Bennett, Year 4: her brother's story is not hers. A few days ill, work in."""
        p.script = "steady"
        self.steady(p, absence=0.035, unauthorised=0.05, online=0.0, diligence=0.92)

    def script_zuza(self, p: Profile) -> None:
        """Zuza Nowak, Year 9, the printed pupil: in school, online, work in; mostly fine."""
        p.script = "zuza"
        self.steady(p, absence=0.03, unauthorised=0.05, online=0.95, diligence=0.93)
        p.family.stopped_reading = None

    def script_unauthorised(self, p: Profile) -> None:
        """A Year 10 boy: unauthorised sessions climbing over eight weeks, Mondays and Fridays."""
        rng = self.rng
        days = p.days
        last = days.last
        p.script = "unauthorised"
        self.steady(p, absence=0.04, unauthorised=0.3, online=0.8, diligence=0.75)
        p.absence[0] = 0.07  # last year: not great, not persistent
        n = len(days.dates)
        slide = curve(n, [(last - 40, 1.0), (last, 0.6)])
        p.online_g = p.homework_g = slide
        per_week = (0, 1, 1, 2, 2, 3, 4, 5)  # eight weeks ago … last week
        for weeks_back, count in zip(range(8, 0, -1), per_week, strict=True):
            week = [i for i in range(last - 5 * weeks_back + 1, last - 5 * weeks_back + 6)]
            slots = sorted(
                ((i, s) for i in week for s in ("AM", "PM")),
                key=lambda slot: (
                    {(0, "AM"): 0, (4, "PM"): 0, (4, "AM"): 1, (0, "PM"): 1}.get(
                        (days.weekday[slot[0]], slot[1]), 2
                    ),
                    rng.random(),
                ),
            )
            for i, session in slots[:count]:
                am, pm = p.marks.get(i, ("/", "\\"))
                code = "N" if i > last - 3 else "O"
                if session == "AM":
                    am = "U" if rng.random() < 0.3 else code
                else:
                    pm = code
                p.marks[i] = (am, pm)
        for i in range(last - 39, last + 1):
            p.marks.setdefault(i, ("/", "\\"))

    def script_online_quiet(self, p: Profile) -> None:
        """A Year 7 pupil in school every day but silent online since half-term."""
        days = p.days
        last = days.last
        p.script = "online_quiet"
        self.steady(p, absence=0.02, unauthorised=0.1, online=0.9, diligence=0.9)
        turn = days.index.get(dt.date(2026, 11, 2), last - 14)
        g = curve(len(days.dates), [(turn - 1, 1.0), (turn + 2, 0.15)])
        p.online_g = g
        p.homework_g = [max(0.2, x) for x in g]
        p.no_login_from = last - 5
        p.marks = {i: ("/", "\\") for i in range(turn, last + 1)}

    def script_unread(self, profiles: list[Profile]) -> None:
        """A family with children in both schools who stopped reading three weeks ago."""
        for p in profiles:
            p.script = "unread"
            self.steady(p, absence=0.035, unauthorised=0.1, online=p.online, diligence=0.88)
            days = p.days
            last = days.last
            p.family.stopped_reading = days.dates[last - 14]
            p.extra_messages = [(last - 12, True), (last - 8, False), (last - 5, True),
                                (last - 1, True)]  # fmt: skip

    def script_no_internet(self, p: Profile) -> None:
        """Ioana Popa, Year 10: no internet at home, so online only in school hours, and
        homework often late. Her family's one phone reads texts a day or two late."""
        p.script = "ioana"
        self.steady(p, absence=0.045, unauthorised=0.15, online=0.5, diligence=0.72)
        p.evenings = 0.0

    # ------------------------------------------------------------------- events in school

    def trips_choose(self) -> dict[tuple[int, int], set[int]]:
        """(school id, year ordinal then) → day indexes of that year group's trips (code V)."""
        trips: dict[tuple[int, int], set[int]] = defaultdict(set)
        for school_id, days in self.days.items():
            ordinals = range(0, 7) if school_id == self.demo.primary.pk else range(7, 12)
            runs: list[list[int]] = [[]]
            for i in range(len(days.dates)):
                if i and (days.dates[i] - days.dates[i - 1]).days > 4:
                    runs.append([])
                runs[-1].append(i)
            for ordinal in ordinals:
                for run in runs:
                    if len(run) > 15 and self.rng.random() < 0.3:
                        trips[(school_id, ordinal)].add(self.rng.choice(run[3:-3]))
        return trips

    # ------------------------------------------------------------------- day by day

    def pupil_days(self, p: Profile, marks: RowWriter, activity: RowWriter) -> None:
        rng = self.rng
        days = p.days
        last = days.last
        school_id = days.school.pk
        pupil_id = p.pupil_id
        categories = self.categories
        community = p.child.family.community.key if p.child.family else ""
        observance = {
            days.index[day]: chance
            for day, communities, chance in OBSERVANCE
            if community in communities and day in days.index
        }
        work_experience = {
            i for i, day in enumerate(days.dates)
            if WORK_EXPERIENCE[0] <= day <= WORK_EXPERIENCE[1]
        }  # fmt: skip
        alternative_day = 2  # Wednesdays
        mark = marks.rows.append
        episode_code, left, episode_chased = "", 0, False
        for i in range(p.first, last + 1):
            year = 0 if i < days.this_year else 1
            ordinal = p.ordinal_on(i)
            day = days.dates[i]
            weekday = days.weekday[i]
            ga = p.attendance_g[i] if p.attendance_g is not None else 1.0
            forced = p.marks.get(i)
            if forced is not None:
                am, pm = forced
                left = 0
            elif left > 0:
                am = pm = episode_code
                left -= 1
            elif day in p.family.holidays[year]:
                am = pm = "G"
            elif i in observance and rng.random() < observance[i]:
                am = pm = "R"
            elif i in p.suspended:
                am = pm = "E"
            else:
                rate = p.absence[year] * days.season[i] * (1.0 + 8.0 * (1.0 - ga))
                if rng.random() < min(0.9, rate / p.episode):
                    unauthorised = min(0.95, p.unauthorised[year] + 0.5 * (1.0 - ga))
                    if weekday in (0, 4):
                        unauthorised = min(0.95, unauthorised * 1.3)
                    roll = rng.random()
                    length = 1
                    if roll < unauthorised:
                        episode_code = "O"
                        if p.severe[year] or rng.random() < 0.3:
                            length = min(p.longest, self.geometric(p.episode))
                        episode_chased = True
                    else:
                        roll = rng.random()
                        episode_code = "I" if roll < 0.8 else "M" if roll < 0.95 else "C"
                        if episode_code == "I":
                            length = min(p.longest, self.geometric(p.episode))
                        episode_chased = False
                    if episode_code == "M":
                        am, pm = ("M", "\\") if rng.random() < 0.5 else ("/", "M")
                    elif episode_code == "I" and length == 1 and rng.random() < 0.08:
                        am, pm = "/", "I"  # sent home at lunch
                    else:
                        am = pm = episode_code
                        left = length - 1
                    if episode_chased:
                        p.chased.append(i)
                else:
                    am, pm = "/", "\\"
                    roll = rng.random()
                    if roll < p.lateness:
                        am = "U" if roll < p.lateness * 0.12 else "L"
                    if i in work_experience and ordinal == 10:
                        am = pm = "W"
                    elif i in self.trips.get((school_id, ordinal), ()) and rng.random() < 0.6:
                        am = pm = "V"  # most of the year group went on the trip
                    elif p.alternative_provision and weekday == alternative_day and year == 1:
                        am = pm = "B"
                    elif p.sporty and weekday == 2 and rng.random() < 0.15:
                        pm = "P"
            if i > last - 3:  # the reason for the last days' absences is still being chased
                am = "N" if am == "O" else am
                pm = "N" if pm == "O" else pm
            mark((school_id, pupil_id, days.db[i], "AM", am, categories[am], days.am_at[i]))
            mark((school_id, pupil_id, days.db[i], "PM", pm, categories[pm], days.pm_at[i]))
            away = am not in IN_SCHOOL and pm not in IN_SCHOOL
            if away:
                p.away.add(i)
            self.online_day(p, i, ordinal, am, away, activity)
        marks.flush_if_full()
        activity.flush_if_full()

    @staticmethod
    def geometric_mean_length(mean: float, roll: float) -> int:
        if mean <= 1.0:
            return 1
        return 1 + int(math.log(1.0 - roll) / math.log(1.0 - 1.0 / mean))

    def geometric(self, mean: float) -> int:
        return min(15, self.geometric_mean_length(mean, self.rng.random()))

    def online_day(
        self, p: Profile, i: int, ordinal: int, am: str, away: bool, activity: RowWriter
    ) -> None:
        """Log-ins (most school days, in the evening from home), an activity opened and
        perhaps completed, online lessons when off ill and Year 10 and 11 revision evenings."""
        if p.online <= 0.0 or ordinal < 7:
            return
        random = self.rng.random
        add = activity.rows.append
        days = p.days
        day = days.dates[i]
        school_id, pupil_id = days.school.pk, p.pupil_id
        date_db = days.db[i]
        at = self.clock.at
        silent = p.no_login_from is not None and i >= p.no_login_from
        go = p.online_g[i] if p.online_g is not None else 1.0
        chance = p.online * go * go**0.5
        if away:
            chance *= 0.1 if am == "G" else 0.4
        logged_in = i in p.logins_forced or (not silent and random() < chance)
        if logged_in:
            if random() < p.evenings and not away:
                minute = 960 + int(random() * 330)  # 16:00 to 21:30
            else:
                minute = 510 + int(random() * 400)  # school hours
            add((school_id, pupil_id, at(day, minute), date_db, LOGIN, SOURCE, ""))
            if random() < 0.4:
                minute += 2 + int(random() * 20)
                add((school_id, pupil_id, at(day, minute), date_db, LAUNCHED, SOURCE, ""))
                if random() < 0.6:
                    minute += 8 + int(random() * 35)
                    add((school_id, pupil_id, at(day, minute), date_db, COMPLETED, SOURCE, ""))
        if silent:
            return
        lesson_at = None
        if am == "I" and random() < 0.3 * p.online * go:
            lesson_at = 540 + 60 * int(random() * 5)
        elif ordinal >= 10 and days.weekday[i] == 1 and p.evenings and random() < 0.22 * go:
            lesson_at = 17 * 60
        if lesson_at is not None:
            if not logged_in:
                add((school_id, pupil_id, at(day, lesson_at - 3), date_db, LOGIN, SOURCE, ""))
            add((school_id, pupil_id, at(day, lesson_at), date_db, LESSON, SOURCE, ""))

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
            week = 0
            for s, day in enumerate(days.dates):
                if days.weekday[s] != weekday:
                    continue
                due_on = day + dt.timedelta(days=7)
                later = range(s + 1, len(days.dates))
                j = next((k for k in later if days.dates[k] >= due_on), None)
                if j is None:
                    if due_on >= DEMO_TODAY:  # due after the demo's today
                        j, due_date = days.last + 1 + (due_on - DEMO_TODAY).days, due_on
                    else:
                        continue
                else:
                    due_date = days.dates[j]
                    if (due_date - day).days > 10:
                        continue  # no homework over the holidays
                    if due_date >= DEMO_TODAY:
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

    # ------------------------------------------------------------------- facts and flags

    def risk_models_train(self) -> None:
        """Each school's learned risk score, trained on last year (2025/26), as a school would
        on its first day with School Window; a scaled-down demo may have too little history."""
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
                f"  risk models trained on 2025/26: {'; '.join(trained)} "
                f"({time.perf_counter() - started:.1f} s)"
            )

    def facts_and_flags(self) -> None:
        """Daily facts for every school day of the history, then the flags for DEMO_TODAY's
        morning, through the engagement app's own functions (each only if it is there)."""
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
        try:
            from schoolwindow.engagement.flags import flags_evaluate
        except ImportError:
            self.say("  flags not evaluated: engagement.flags is not there yet")
            return
        from schoolwindow.engagement.models import Flag

        started = time.perf_counter()
        for school_id in self.days:
            flags_evaluate(school_id=school_id, on_date=DEMO_TODAY)
        self.counts.flags = Flag.objects.filter(school_id__in=list(self.days)).count()
        self.say(
            f"  flags for the morning of {DEMO_TODAY:%a %-d %b %Y}: {self.counts.flags} pupils "
            f"on the watchlists ({time.perf_counter() - started:.1f} s)"
        )
