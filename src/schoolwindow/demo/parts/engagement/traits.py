"""Each pupil's traits (absence, online habits, homework, the family's reading), drawn once."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict

from django.db import connection

from schoolwindow.demo.context import Child, DemoContext, Family
from schoolwindow.demo.parts.engagement.common import (
    ATTENDANCE_LAG,
    HISTORY_SEED,
    SEASON,
    Clock,
    Contact,
    Days,
    FamilyTraits,
    HistoryCounts,
    Profile,
    category_map,
    combine,
    curve,
    lagged,
    sigmoid,
)
from schoolwindow.people.models import Channel, GuardianLink, SendStatus
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import School


class HistoryTraits:
    """The history's state, and each pupil's traits."""

    days: dict[int, Days]
    contacts: dict[int, Contact]
    families: dict[int, FamilyTraits]
    profiles: list[Profile]
    by_pupil: dict[int, Profile]
    trips: dict[tuple[int, int], set[int]]

    def __init__(self, demo: DemoContext, children: list[Child]) -> None:
        self.demo = demo
        self.children = [child for child in children if child.pupil is not None]
        self.say = demo.say
        self.rng = random.Random(HISTORY_SEED)
        self.clock = Clock()
        self.categories = category_map()
        self.counts = HistoryCounts()
        self.now = self.clock.aware(demo.today, 8 * 60)  # what the demo has seen so far

    def schools(self) -> list[School]:
        return [self.demo.primary, self.demo.secondary]

    def days_for(self, school: School) -> Days:
        calendar = self.demo.calendar
        dates = school_days(
            school_id=school.pk,
            start=calendar.history_start,
            end=calendar.last_school_day(school.phase),
        )
        this_year = next(i for i, day in enumerate(dates) if day >= calendar.this_year_start)
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
        for year_start in (self.demo.calendar.history_start, self.demo.calendar.this_year_start):
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
        calendar = next(year for year in self.demo.calendar.years if year.start == year_start)
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
