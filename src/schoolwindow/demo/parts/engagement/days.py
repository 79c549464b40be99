"""Day by day: attendance marks, and online activity on the learning platform."""

from __future__ import annotations

import math
from collections import defaultdict

from schoolwindow.demo.parts.engagement.common import (
    COMPLETED,
    IN_SCHOOL,
    LAUNCHED,
    LESSON,
    LOGIN,
    OBSERVANCE,
    SOURCE,
    WORK_EXPERIENCE,
    Profile,
    RowWriter,
)
from schoolwindow.demo.parts.engagement.scripts import HistoryScripts


class HistoryDays(HistoryScripts):
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
        shifted = self.demo.calendar.shifted
        observance = {
            days.index[shifted(day)]: chance
            for day, communities, chance in OBSERVANCE
            if community in communities and shifted(day) in days.index
        }
        work_experience = {
            i for i, day in enumerate(days.dates)
            if shifted(WORK_EXPERIENCE[0]) <= day <= shifted(WORK_EXPERIENCE[1])
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
