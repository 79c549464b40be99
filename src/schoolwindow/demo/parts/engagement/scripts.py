"""The pupils whose history tells a story: SCRIPTED_PUPILS."""

from __future__ import annotations

import datetime as dt

from schoolwindow.demo.parts.engagement.common import Profile, curve
from schoolwindow.demo.parts.engagement.traits import HistoryTraits

# The pupils whose history is written to tell a story (their families are fixed in
# demo/parts/roster/families.py); everyone else's comes from their traits.
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


class HistoryScripts(HistoryTraits):
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
        order = days.index.get(
            self.demo.calendar.shifted(dt.date(2026, 3, 10)), days.this_year - 60
        )
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
        turn = self.after_half_term(p, default=last - 14)
        g = curve(len(days.dates), [(turn - 1, 1.0), (turn + 2, 0.15)])
        p.online_g = g
        p.homework_g = [max(0.2, x) for x in g]
        p.no_login_from = last - 5
        p.marks = {i: ("/", "\\") for i in range(turn, last + 1)}

    def after_half_term(self, p: Profile, *, default: int) -> int:
        """The first school day after this term's half-term, if the data reaches three weeks
        past it (so that her silence shows), else `default`."""
        days = p.days
        last_day = days.dates[days.last]
        starts = [
            end + dt.timedelta(days=3)
            for year in self.demo.calendar.years
            for _start, end, _name in year.half_terms
            if end < last_day
        ]
        back = max(starts) if starts else last_day
        while back <= last_day and back not in days.index:
            back += dt.timedelta(days=1)
        turn = days.index.get(back)
        if turn is None or not 10 <= days.last - turn <= 30:
            return default
        return turn

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
