"""What the demo's parts hand on to each other: `DemoContext`, and the roster's planned families.

One `DemoContext` goes through every part (demo/parts/__init__.py lists them, in order). The
roster's parts fill it in — the trust, its two schools, year groups and groups, the planned
children and families, the scripted families, the rows to write — and the later parts (the
engagement history, messaging, and the apps that come after) read it. Everything random is
drawn from `ctx.rng`, seeded once: a part that draws from it changes what every later part
draws, so a new part that needs randomness and must not change the rest seeds its own
`random.Random`, as the engagement history does.

A part that needs to keep something for its own later parts, and that no other app needs, can
keep it with `ctx.put(thing)` and find it again with `ctx.get(ThingClass)`, without adding a
field here.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.core.models import User
from schoolwindow.demo.calendars import DemoCalendar
from schoolwindow.demo.names import BRITISH, Community
from schoolwindow.people.models import (
    AdvocateAssignment,
    Enrolment,
    Guardian,
    GuardianLink,
    Household,
    Pupil,
    SafeguardingStatus,
    Staff,
    StaffRole,
    TeachingAssignment,
    TrustOfficer,
)
from schoolwindow.schools.models import Group, School, Trust, YearGroup

SEED = 20260902  # the one seed of `DemoContext.rng`

T = TypeVar("T")


@dataclass
class Child:
    school: School
    ordinal: int  # 0 = Reception … 11 = Year 11
    gender: str
    first: str = ""
    preferred: str = ""
    family: Family | None = None
    pupil: Pupil | None = None
    ability: float = 0.0


@dataclass
class Family:
    children: list[Child]
    community: Community = BRITISH
    structure: str = "two_parents"
    script: str = ""
    surname: str = ""
    names: dict[str, str] = field(default_factory=dict)  # "mother" → first name
    languages: dict[str, str] = field(default_factory=dict)  # "mother" → language
    channels: dict[str, str] = field(default_factory=dict)
    disadvantaged: bool | None = None
    eal: bool | None = None


@dataclass
class Plan:
    """The roster's rows, planned as unsaved instances, in the order they are written."""

    users: list[User] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    guardians: list[Guardian] = field(default_factory=list)
    pupils: list[Pupil] = field(default_factory=list)
    safeguarding: list[SafeguardingStatus] = field(default_factory=list)
    links: list[GuardianLink] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    roles: list[StaffRole] = field(default_factory=list)
    teaching: list[TeachingAssignment] = field(default_factory=list)
    advocacy: list[AdvocateAssignment] = field(default_factory=list)
    officers: list[TrustOfficer] = field(default_factory=list)
    devices: list[TOTPDevice] = field(default_factory=list)


@dataclass
class DemoContext:
    """The demo being built. Fields without a default are set by the roster's parts."""

    say: Callable[[str], None]  # progress, one line at a time
    calendar: DemoCalendar  # the demo's one clock: its today and the years around it
    scale: float = 1.0  # tests shrink the number of pupils; staff and groups stay whole
    password_hash: str = ""  # every demo account's, computed once (argon2 is slow on purpose)
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))

    # roster.schools
    trust: Trust = field(init=False)
    primary: School = field(init=False)
    secondary: School = field(init=False)
    year_groups: dict[int, YearGroup] = field(default_factory=dict)  # ordinal → year group
    school_for_ordinal: dict[int, School] = field(default_factory=dict)
    classes: dict[int, list[Group]] = field(default_factory=dict)  # ordinal → registration groups
    sets: dict[tuple[int, str], list[Group]] = field(default_factory=dict)  # (ordinal, subject)
    # roster.families and roster.staff: planned, written by roster.accounts
    children: list[Child] = field(default_factory=list)
    special: dict[str, Family] = field(default_factory=dict)  # script → the scripted family
    special_guardians: dict[str, dict[str, Guardian]] = field(default_factory=dict)
    plan: Plan = field(default_factory=Plan)
    usernames: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    # part name → what it counted (HistoryCounts, MessagingCounts, …), for tests and benchmarks
    counts: dict[str, object] = field(default_factory=dict)
    kept: dict[type, object] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        """The demo stands at 8 a.m. on this day, before the registers are taken."""
        return self.calendar.today

    @property
    def schools(self) -> tuple[School, School]:
        return self.primary, self.secondary

    def put(self, thing: object) -> None:
        """Keep `thing` for later parts, found by its class."""
        self.kept[type(thing)] = thing

    def get(self, kind: type[T]) -> T:
        thing = self.kept[kind]
        assert isinstance(thing, kind)
        return thing
