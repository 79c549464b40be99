"""The demo trust: two schools, about 1,500 pupils and their families, staff in every role.

`demo_build()` is what `schoolwindow demo` runs. It is idempotent (when the demo trust exists it
builds nothing and returns the same log-ins) and deterministic (one seeded random generator).
Everything is planned as unsaved model instances and written with bulk_create in dependency
order; every account shares one password hash, computed once, because argon2 is slow on purpose.
Then demo/history.py writes a year and a term of engagement history (attendance, online
activity, homework, messages home), the daily facts, risk models and flags for the demo's
"today", `calendars.DEMO_TODAY`, and demo/conversations.py the last weeks' messaging with
families (conversations, contact log, positive notes, announcements, weekly summaries).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.core.db import database_analyze
from schoolwindow.core.models import AccountKind, User
from schoolwindow.demo import calendars
from schoolwindow.demo.conversations import ConversationsBuilder, MessagingCounts
from schoolwindow.demo.history import HistoryBuilder, HistoryCounts
from schoolwindow.demo.identifiers import landline_numbers, mobile_numbers, upn
from schoolwindow.demo.logins import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_TRUST_NAME,
    DEMO_TRUST_SLUG,
    LOGIN_USERNAMES,
    DemoResult,
    demo_logins_text,
    demo_result,
    demo_totp_key,
)
from schoolwindow.demo.names import (
    BLACK_BRITISH,
    BLOCKS,
    BRITISH,
    COMMUNITIES,
    POLISH,
    POSTCODE_LETTERS,
    ROMANIAN,
    STAFF_WEIGHTS,
    STREETS,
    Community,
    ascii_slug,
)
from schoolwindow.people.models import (
    AdvocateAssignment,
    Channel,
    Enrolment,
    Guardian,
    GuardianLink,
    Household,
    Pupil,
    Relationship,
    Role,
    SafeguardingStatus,
    SendStatus,
    Staff,
    StaffRole,
    TeachingAssignment,
    TrustOfficer,
)
from schoolwindow.schools.models import (
    AcademicYear,
    Closure,
    Group,
    GroupKind,
    Phase,
    School,
    Term,
    Trust,
    YearGroup,
)

__all__ = ["DEMO_PASSWORD", "DEMO_TRUST_SLUG", "DemoResult", "demo_build", "demo_logins_text"]

SEED = 20260902
PRIMARY_URN = "100001"
SECONDARY_URN = "100002"
PRIMARY_NAME = "Riverside Primary School"
SECONDARY_NAME = "Riverside Academy"
LA_CODE = 938  # the local authority part of a UPN
PRIMARY_ESTABLISHMENT = 2001  # DfE establishment number of the demo primary
OTHER_PRIMARIES = range(2002, 2036)  # the secondary's other feeder primaries

# Pupils per year group at full size: Reception to Year 6, then Years 7 to 11.
PRIMARY_YEAR_SIZES = (58, 60, 56, 57, 59, 55, 56)
SECONDARY_YEAR_SIZES = (224, 221, 218, 219, 216)
PRIMARY_CLASSES = (
    ("Acorn", "Hazel"),
    ("Ash", "Birch"),
    ("Cedar", "Elm"),
    ("Hawthorn", "Holly"),
    ("Juniper", "Larch"),
    ("Maple", "Oak"),
    ("Rowan", "Willow"),
)
TUTOR_LETTERS = "RIVESDLA"  # 7R, 7I, 7V … one tutor group per letter
SET_SUBJECTS = (("English", "En"), ("Maths", "Ma"), ("Science", "Sc"))
SETS_PER_YEAR = 8
# Lower sets are smaller.
SET_WEIGHTS = (1.2, 1.15, 1.1, 1.05, 1.0, 0.95, 0.85, 0.7)
OTHER_SUBJECTS = (
    "History",
    "Geography",
    "French",
    "Spanish",
    "Computing",
    "PE",
    "PE",
    "Art",
    "Music",
    "Drama",
    "Religious studies",
    "Design and technology",
    "Business",
    "Food and nutrition",
    "Psychology",
    "Sociology",
)
CURRENT_START = dt.date(2026, 9, 1)

STRUCTURES = (
    ("two_parents", 0.56),
    ("two_mothers", 0.02),
    ("split", 0.18),
    ("single_mother", 0.16),
    ("single_father", 0.03),
    ("grandparents", 0.03),
)
DISADVANTAGE_BY_STRUCTURE = {
    "two_parents": 0.16,
    "two_mothers": 0.1,
    "split": 0.3,
    "single_mother": 0.45,
    "single_father": 0.4,
    "grandparents": 0.5,
    "foster": 1.0,
}
CIN_NOTES = (
    "Child in need plan (Riverside Children's Services) since {month}. Review meeting every "
    "six weeks; the DSL or deputy DSL attends.",
    "Child in need: early help step-up in {month}. Family support worker visits weekly.",
)
CP_NOTES = (
    "Child protection plan since {month}, category: neglect. Core group meets monthly; "
    "the DSL attends. Any absence is reported to the social worker the same day.",
    "Child protection plan since {month}, category: emotional abuse. Core group meets "
    "monthly. Share any concern with the DSL at once.",
)
RESTRICTION_REASON = (
    "Prohibited steps order and non-molestation order, Riverside Family Court, 9 March 2026. "
    "Mr Bennett must not contact the children or collect them from school, and must not be "
    "told their school, address or progress. The order is held by the DSL; Ms Bennett has a "
    "copy. If he telephones or comes to school, share nothing, inform the DSL at once, and "
    "call 999 if anyone is at risk."
)


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
class Adult:
    """A guardian being planned, and how they stand to the children of their family."""

    guardian: Guardian
    role: str  # "mother", "father", "step_parent", …
    relationship: str
    parental_responsibility: bool = True
    lives_with_pupil: bool = True
    priority: int = 1
    restricted: str = ""  # the restriction reason, when contact is restricted


@dataclass
class Plan:
    """Everything to write, in the order it is written."""

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


def demo_build(
    *, stdout: TextIO | None = None, scale: float = 1.0, history: bool = True
) -> DemoResult:
    """Build the demo trust unless it exists; return its log-ins either way.

    `scale` shrinks the number of pupils (tests use 0.1 to 0.2); staff and groups stay whole.
    `history=False` leaves out the engagement history (signals, daily facts, flags): only
    for tests that look at the roster alone.
    """
    started = time.perf_counter()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")
            stdout.flush()

    trust = Trust.objects.filter(slug=DEMO_TRUST_SLUG).first()
    if trust is not None:
        say(f"{DEMO_TRUST_NAME} is already here: nothing to build.")
        return demo_result(trust, created=False, seconds=time.perf_counter() - started)
    with transaction.atomic():
        trust = DemoBuilder(scale=scale, say=say, history=history).build()
    database_analyze()
    seconds = time.perf_counter() - started
    say(f"Built in {seconds:.1f} s.")
    return demo_result(trust, created=True, seconds=seconds)


class DemoBuilder:
    def __init__(self, *, scale: float, say: Callable[[str], None], history: bool = True) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self.history = history
        self.history_counts: HistoryCounts | None = None
        self.messaging_counts: MessagingCounts | None = None
        self.say = say
        self.rng = random.Random(SEED)
        self.plan = Plan()
        self.password_hash = make_password(DEMO_PASSWORD)
        self.usernames: set[str] = set()
        self.emails: set[str] = set()
        self.upn_serials: dict[tuple[int, int], int] = {}
        self.year_groups: dict[int, YearGroup] = {}
        self.school_for_ordinal: dict[int, School] = {}
        self.classes: dict[int, list[Group]] = {}  # ordinal → registration groups
        self.sets: dict[tuple[int, str], list[Group]] = {}  # (ordinal, subject) → sets 1…8
        self.special: dict[str, Family] = {}
        self.special_guardians: dict[str, dict[str, Guardian]] = {}
        self.reserved_names: set[tuple[str, str]] = set()

    # ----------------------------------------------------------------- the whole build

    def build(self) -> Trust:
        self.say(f"Building {DEMO_TRUST_NAME}: schools and calendars…")
        trust = Trust.objects.create(name=DEMO_TRUST_NAME, slug=DEMO_TRUST_SLUG)
        self.trust = trust
        self.primary = School(trust=trust, urn=PRIMARY_URN, name=PRIMARY_NAME, phase=Phase.PRIMARY)
        self.secondary = School(
            trust=trust, urn=SECONDARY_URN, name=SECONDARY_NAME, phase=Phase.SECONDARY
        )
        School.objects.bulk_create([self.primary, self.secondary])
        self.calendars_build()
        self.groups_build()

        self.say("Building pupils…")
        children = self.children_plan()
        self.say("Building families…")
        families = self.families_plan(children)
        for family in families:
            self.family_build(family)
        self.phones_assign()

        self.say("Building classes and teaching groups…")
        self.enrolments_build(children)
        self.say("Building staff, roles and advocates' caseloads…")
        self.staff_build(children)

        self.say("Creating accounts and two-factor keys…")
        self.write()
        if self.history:
            self.history_counts = HistoryBuilder(self, children).build()
            # The last weeks' messaging tells the same stories, so it needs the history.
            self.messaging_counts = ConversationsBuilder(self).build()
        return trust

    # ----------------------------------------------------------------- schools

    def calendars_build(self) -> None:
        years: list[AcademicYear] = []
        terms: list[Term] = []
        closures: list[Closure] = []
        for school in (self.primary, self.secondary):
            for calendar in calendars.YEARS:
                year = AcademicYear(
                    school=school, name=calendar.name, start=calendar.start, end=calendar.end
                )
                years.append(year)
                terms.extend(
                    Term(
                        school=school,
                        academic_year=year,
                        name=term.name,
                        start=term.start,
                        end=term.end,
                    )
                    for term in calendar.terms
                )
                closures.extend(
                    Closure(school=school, date=day, kind=kind, reason=reason)
                    for day, kind, reason in calendars.closures_for(calendar, school.phase)
                )
        AcademicYear.objects.bulk_create(years)
        Term.objects.bulk_create(terms)
        Closure.objects.bulk_create(closures)

    def groups_build(self) -> None:
        year_groups: list[YearGroup] = []
        for ordinal in range(12):
            school = self.primary if ordinal < 7 else self.secondary
            code = "R" if ordinal == 0 else str(ordinal)
            name = "Reception" if ordinal == 0 else f"Year {ordinal}"
            year_group = YearGroup(school=school, code=code, name=name, ordinal=ordinal)
            year_groups.append(year_group)
            self.year_groups[ordinal] = year_group
            self.school_for_ordinal[ordinal] = school
        YearGroup.objects.bulk_create(year_groups)

        groups: list[Group] = []
        for ordinal, trees in enumerate(PRIMARY_CLASSES):
            year_group = self.year_groups[ordinal]
            self.classes[ordinal] = []
            for tree in trees:
                group = Group(
                    school=self.primary,
                    kind=GroupKind.REGISTRATION,
                    name=f"{year_group.name} {tree}",
                    code=f"{year_group.code}{tree[:3].upper()}",
                    year_group=year_group,
                )
                self.classes[ordinal].append(group)
                groups.append(group)
        for ordinal in range(7, 12):
            year_group = self.year_groups[ordinal]
            self.classes[ordinal] = []
            for letter in TUTOR_LETTERS:
                group = Group(
                    school=self.secondary,
                    kind=GroupKind.REGISTRATION,
                    name=f"{ordinal}{letter}",
                    code=f"{ordinal}{letter}",
                    year_group=year_group,
                )
                self.classes[ordinal].append(group)
                groups.append(group)
            for subject, abbreviation in SET_SUBJECTS:
                sets = [
                    Group(
                        school=self.secondary,
                        kind=GroupKind.TEACHING,
                        name=f"{ordinal}{abbreviation}{number}",
                        code=f"{ordinal}{abbreviation}{number}",
                        subject=subject,
                        year_group=year_group,
                    )
                    for number in range(1, SETS_PER_YEAR + 1)
                ]
                self.sets[(ordinal, subject)] = sets
                groups.extend(sets)
        Group.objects.bulk_create(groups)

    # ----------------------------------------------------------------- pupils and families

    def children_plan(self) -> list[Child]:
        rng = self.rng
        children: list[Child] = []
        sizes = (*PRIMARY_YEAR_SIZES, *SECONDARY_YEAR_SIZES)
        for ordinal, size in enumerate(sizes):
            count = max(len(self.classes[ordinal]), round(size * self.scale))
            school = self.school_for_ordinal[ordinal]
            for _ in range(count):
                gender = "female" if rng.random() < 0.49 else "male"
                children.append(Child(school=school, ordinal=ordinal, gender=gender))
        return children

    def families_plan(self, children: list[Child]) -> list[Family]:
        rng = self.rng
        pools: dict[int, list[Child]] = {ordinal: [] for ordinal in range(12)}
        order = children[:]
        rng.shuffle(order)
        for child in order:
            pools[child.ordinal].append(child)

        def take(ordinal: int, gender: str | None = None) -> Child | None:
            pool = pools.get(ordinal, [])
            while pool:
                child = pool.pop()
                if child.family is None:
                    if gender is not None:
                        child.gender = gender
                    return child
            return None

        families: list[Family] = []

        def scripted(family: Family, wanted: Sequence[tuple[int, str, str, str]]) -> None:
            for ordinal, gender, first, preferred in wanted:
                child = take(ordinal, gender)
                if child is None:
                    raise RuntimeError(f"No pupil left in year {ordinal} for the demo")
                child.first, child.preferred, child.family = first, preferred, family
                family.children.append(child)
            self.special[family.script] = family
            families.append(family)

        # The parent who signs in: a daughter in the primary, a son in the secondary, and
        # their father under a court order.
        scripted(
            Family(
                children=[],
                community=BRITISH,
                structure="split",
                script="parent",
                surname="Bennett",
                names={"mother": "Claire", "father": "Darren"},
                channels={"mother": Channel.APP, "father": Channel.EMAIL},
                disadvantaged=True,
                eal=False,
            ),
            [(4, "female", "Ella", ""), (8, "male", "Jack", "")],
        )
        # The pupil who signs in: a Year 9 girl whose mother reads Polish, brother in Year 2.
        scripted(
            Family(
                children=[],
                community=POLISH,
                structure="two_parents",
                script="pupil",
                surname="Nowak",
                names={"mother": "Magdalena", "father": "Tomasz"},
                languages={"mother": "pl", "father": "en"},
                channels={"mother": Channel.APP, "father": Channel.SMS},
                disadvantaged=False,
                eal=True,
            ),
            [(9, "female", "Zuzanna", "Zuza"), (2, "male", "Antoni", "")],
        )
        # One shared phone, no email, no internet at home: texts in Romanian.
        scripted(
            Family(
                children=[],
                community=ROMANIAN,
                structure="two_parents",
                script="shared_phone",
                surname="Popa",
                names={"mother": "Mihaela", "father": "Marius"},
                languages={"mother": "ro", "father": "ro"},
                channels={"mother": Channel.SMS, "father": Channel.SMS},
                disadvantaged=True,
                eal=True,
            ),
            [(10, "female", "Ioana", ""), (5, "male", "Luca", "")],
        )
        # Three more whose engagement history tells a story this term (demo/history.py): a
        # boy whose unauthorised absences climb, a girl in school but silent online since
        # half-term, and a family with children in both schools who stopped reading email.
        scripted(
            Family(
                children=[],
                community=BRITISH,
                structure="single_mother",
                script="unauthorised",
                surname="Hughes",
                names={"mother": "Leanne"},
                channels={"mother": Channel.SMS},
                disadvantaged=True,
                eal=False,
            ),
            [(10, "male", "Tyler", "")],
        )
        scripted(
            Family(
                children=[],
                community=BRITISH,
                structure="two_parents",
                script="online_quiet",
                surname="Marsh",
                names={"mother": "Hayley", "father": "Craig"},
                channels={"mother": Channel.APP, "father": Channel.EMAIL},
                disadvantaged=False,
                eal=False,
            ),
            [(7, "female", "Freya", "")],
        )
        scripted(
            Family(
                children=[],
                community=BRITISH,
                structure="two_parents",
                script="unread",
                surname="Turner",
                names={"mother": "Kelly", "father": "Stuart"},
                channels={"mother": Channel.EMAIL, "father": Channel.EMAIL},
                disadvantaged=False,
                eal=False,
            ),
            [(11, "male", "Mason", ""), (3, "female", "Poppy", "")],
        )
        self.reserved_names = {
            (child.first, family.surname)
            for family in families
            for child in family.children
            if family.script
        }

        gaps = (1, 2, 3, 4, 5, 6)
        gap_weights = (0.25, 0.3, 0.22, 0.12, 0.07, 0.04)
        for child in order:
            if child.family is not None:
                continue
            family = Family(children=[child])
            child.family = family
            families.append(family)
            siblings = rng.choices((0, 1, 2, 3), weights=(0.47, 0.37, 0.12, 0.04))[0]
            for _ in range(siblings):
                if rng.random() < 0.02:
                    gap = 0  # twins
                else:
                    gap = rng.choices(gaps, weights=gap_weights)[0] * rng.choice((-1, 1))
                sibling = take(child.ordinal + gap)
                if sibling is not None:
                    sibling.family = family
                    family.children.append(sibling)

        structures = [name for name, _ in STRUCTURES]
        weights = [weight for _, weight in STRUCTURES]
        communities = list(COMMUNITIES)
        community_weights = [community.weight for community in communities]
        for family in families:
            if family.script:
                continue
            family.community = rng.choices(communities, weights=community_weights)[0]
            family.structure = rng.choices(structures, weights=weights)[0]
            if family.structure == "two_mothers" and family.community is not BRITISH:
                family.structure = "two_parents"

        # Looked-after children: about one pupil in 200 lives with foster carers.
        wanted = max(2, round(0.005 * len(children)))
        candidates = [
            family
            for family in families
            if not family.script and len(family.children) <= 2 and family.structure != "split"
        ]
        rng.shuffle(candidates)
        placed = 0
        for family in candidates:
            if placed >= wanted:
                break
            family.structure = "foster"
            placed += len(family.children)
        return families

    def address(self) -> tuple[str, str]:
        rng = self.rng
        street = rng.choice(STREETS)
        if rng.random() < 0.15:
            lines = [f"Flat {rng.randint(1, 40)}, {rng.choice(BLOCKS)}", street]
        else:
            lines = [f"{rng.randint(1, 180)} {street}"]
        postcode = (
            f"RV{rng.randint(1, 9)} {rng.randint(1, 9)}"
            f"{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        )
        return "\n".join([*lines, "Riverside"]), postcode

    def household(self, name: str) -> Household:
        address, postcode = self.address()
        household = Household(
            trust=self.trust, name=f"{name} household", address=address, postcode=postcode
        )
        self.plan.households.append(household)
        return household

    def email_for(self, first: str, last: str) -> str:
        rng = self.rng
        first_slug, last_slug = ascii_slug(first), ascii_slug(last)
        local = rng.choice(
            (
                f"{first_slug}.{last_slug}",
                f"{first_slug}{last_slug}",
                f"{first_slug}_{last_slug}",
                f"{first_slug[0]}{last_slug}",
                f"{first_slug}.{last_slug}{rng.randint(70, 99)}",
                f"{first_slug}{rng.randint(1, 999)}",
            )
        )
        domain = rng.choice(("example.com", "example.org", "example.net"))
        email = f"{local}@{domain}"
        number = 2
        while email in self.emails:
            email = f"{local}{number}@{domain}"
            number += 1
        self.emails.add(email)
        return email

    def guardian(
        self,
        family: Family,
        role: str,
        *,
        first: str,
        last: str,
        title: str,
        household: Household | None,
        elder: bool = False,
        community: Community | None = None,
    ) -> Guardian:
        rng = self.rng
        community = community or family.community
        language = "en"
        if family.eal and rng.random() < community.prefers_home_language:
            language = community.language
        language = family.languages.get(role, language)
        channels: tuple[str, ...] = (Channel.APP, Channel.EMAIL, Channel.SMS, Channel.LETTER)
        if elder:
            weights = (0.15, 0.25, 0.25, 0.35)
        elif language != "en":
            weights = (0.4, 0.15, 0.4, 0.05)
        else:
            weights = (0.47, 0.3, 0.19, 0.04)
        channel = rng.choices(channels, weights=weights)[0]
        channel = family.channels.get(role, channel)
        has_email = channel in (Channel.APP, Channel.EMAIL) or rng.random() < 0.5
        guardian = Guardian(
            trust=self.trust,
            title=title,
            first_name=first,
            last_name=last,
            email=self.email_for(first, last) if has_email else "",
            address=household.address if household is not None else "",
            preferred_language=language,
            preferred_channel=channel,
            household=household,
        )
        self.plan.guardians.append(guardian)
        return guardian

    def family_build(self, family: Family) -> None:
        rng = self.rng
        c = family.community
        structure = family.structure
        if family.eal is None:
            family.eal = rng.random() < c.eal
        if family.disadvantaged is None:
            family.disadvantaged = rng.random() < DISADVANTAGE_BY_STRUCTURE[structure]
        surname = family.surname or rng.choice(c.surnames)
        father_first = family.names.get("father") or rng.choice(c.men)
        mother_first = family.names.get("mother") or rng.choice(c.women)
        mother_last = c.surname_for(surname, "female")
        if c.mothers_surnames and rng.random() < c.mother_own_surname:
            mother_last = rng.choice(c.mothers_surnames)
        if structure == "split" and not family.script and rng.random() < 0.4:
            mother_last = c.surname_for(rng.choice(c.mothers_surnames or c.surnames), "female")
        if structure == "foster":
            adults = self.foster_carers(family)
        elif structure == "grandparents":
            adults = self.kinship_carers(family, surname)
        else:
            adults = self.parents(
                family,
                mother=(mother_first, mother_last),
                father=(father_first, surname),
            )
            if not family.script and rng.random() < 0.1:
                # A grandmother elsewhere in town as an emergency contact.
                grand_last = c.surname_for(rng.choice(c.surnames), "female")
                adults.append(
                    self.adult(
                        family,
                        "grandmother",
                        Relationship.GRANDPARENT,
                        (rng.choice(c.elder_women), grand_last, "Mrs"),
                        self.household(grand_last),
                        parental_responsibility=False,
                        lives_with_pupil=False,
                        priority=4,
                        elder=True,
                    )
                )

        resident_home = next(
            (adult.guardian.household for adult in adults if adult.lives_with_pupil), None
        )
        if family.script == "parent":
            for adult in adults:
                if adult.role == "father":
                    adult.restricted = RESTRICTION_REASON
        if family.script == "shared_phone":
            for adult in adults:
                adult.guardian.email = ""

        # Safeguarding is mostly a family matter: siblings share a plan.
        cin = family.script == "parent" or (
            not family.script
            and structure != "foster"
            and rng.random() < (0.05 if structure in ("split", "single_mother") else 0.02)
        )
        cp = not cin and not family.script and structure != "foster" and rng.random() < 0.007
        safeguarding_month = rng.choice(
            ("March 2026", "June 2026", "September 2026", "October 2026")
        )
        young_carer_chance = 0.07 if structure.startswith("single") else 0.008

        for child in family.children:
            first = child.first or rng.choice(c.girls if child.gender == "female" else c.boys)
            while not child.first and (first, surname) in self.reserved_names:
                # Only one Jack Bennett: the scripted pupils' names stay theirs.
                first = rng.choice(c.girls if child.gender == "female" else c.boys)
            preferred = child.preferred
            if not child.first and first in c.nicknames and rng.random() < 0.3:
                preferred = c.nicknames[first]
            last = father_first if c.patronymic else c.surname_for(surname, child.gender)
            pupil = self.pupil(child, first=first, preferred=preferred, last=last, family=family)
            pupil.household = resident_home
            pupil.young_carer = child.ordinal >= 3 and rng.random() < young_carer_chance
            if cin or cp:
                template = rng.choice(CP_NOTES if cp else CIN_NOTES)
                self.plan.safeguarding.append(
                    SafeguardingStatus(
                        school=child.school,
                        pupil=pupil,
                        child_in_need=cin,
                        child_protection=cp,
                        note=template.format(month=safeguarding_month),
                    )
                )
            for adult in adults:
                self.plan.links.append(
                    GuardianLink(
                        school=child.school,
                        pupil=pupil,
                        guardian=adult.guardian,
                        relationship=adult.relationship,
                        parental_responsibility=adult.parental_responsibility,
                        lives_with_pupil=adult.lives_with_pupil,
                        contact_priority=adult.priority,
                        contact_restricted=bool(adult.restricted),
                        restriction_reason=adult.restricted,
                    )
                )
        family_adults = {adult.role: adult.guardian for adult in adults}
        self.family_accounts(family, adults)
        if family.script:
            self.special_guardians[family.script] = family_adults

    def adult(
        self,
        family: Family,
        role: str,
        relationship: str,
        name: tuple[str, str, str],
        household: Household | None,
        *,
        parental_responsibility: bool = True,
        lives_with_pupil: bool = True,
        priority: int = 1,
        elder: bool = False,
        community: Community | None = None,
    ) -> Adult:
        first, last, title = name
        guardian = self.guardian(
            family,
            role,
            first=first,
            last=last,
            title=title,
            household=household,
            elder=elder,
            community=community,
        )
        return Adult(
            guardian,
            role,
            relationship,
            parental_responsibility=parental_responsibility,
            lives_with_pupil=lives_with_pupil,
            priority=priority,
        )

    def foster_carers(self, family: Family) -> list[Adult]:
        """Foster carers (the local authority holds parental responsibility) and a social worker."""
        rng = self.rng
        carers = rng.choice((BRITISH, BRITISH, BRITISH, BLACK_BRITISH))
        last = rng.choice(carers.surnames)
        home = self.household(last)
        adults = [
            self.adult(
                family,
                "foster_mother",
                Relationship.FOSTER_CARER,
                (rng.choice(carers.women), last, "Mrs"),
                home,
                parental_responsibility=False,
                community=carers,
            )
        ]
        if rng.random() < 0.6:
            adults.append(
                self.adult(
                    family,
                    "foster_father",
                    Relationship.FOSTER_CARER,
                    (rng.choice(carers.men), last, "Mr"),
                    home,
                    parental_responsibility=False,
                    priority=2,
                    community=carers,
                )
            )
        worker = self.adult(
            family,
            "social_worker",
            Relationship.SOCIAL_WORKER,
            (rng.choice(BRITISH.women + BLACK_BRITISH.women), rng.choice(BRITISH.surnames), "Ms"),
            None,
            parental_responsibility=False,
            lives_with_pupil=False,
            priority=3,
            community=BRITISH,
        )
        worker.guardian.preferred_channel = Channel.EMAIL
        worker.guardian.address = "Children's Services, Riverside Council, Town Hall\nRiverside"
        if not worker.guardian.email:
            worker.guardian.email = self.email_for(
                worker.guardian.first_name, worker.guardian.last_name
            )
        return [*adults, worker]

    def kinship_carers(self, family: Family, surname: str) -> list[Adult]:
        """Grandparents bringing up their grandchildren (a special guardianship order)."""
        rng = self.rng
        c = family.community
        home = self.household(surname)
        adults = [
            self.adult(
                family,
                "grandmother",
                Relationship.GRANDPARENT,
                (rng.choice(c.elder_women), c.surname_for(surname, "female"), "Mrs"),
                home,
                elder=True,
            )
        ]
        if rng.random() < 0.5:
            adults.append(
                self.adult(
                    family,
                    "grandfather",
                    Relationship.GRANDPARENT,
                    (rng.choice(c.elder_men), surname, "Mr"),
                    home,
                    priority=2,
                    elder=True,
                )
            )
        return adults

    def parents(
        self, family: Family, *, mother: tuple[str, str], father: tuple[str, str]
    ) -> list[Adult]:
        """Two parents at home, two mothers, a single parent, or parents who live apart."""
        rng = self.rng
        c = family.community
        structure = family.structure
        together = structure != "split"
        resident = "father" if structure == "single_father" else "mother"
        if structure == "split" and not family.script and rng.random() < 0.15:
            resident = "father"
        home = self.household(mother[1] if resident == "mother" else father[1])
        adults: list[Adult] = []
        if structure in ("two_parents", "split", "single_mother", "two_mothers"):
            lives = together or resident == "mother"
            adults.append(
                self.adult(
                    family,
                    "mother",
                    Relationship.MOTHER,
                    (*mother, "Mrs" if structure == "two_parents" else "Ms"),
                    home if lives else self.household(mother[1]),
                    lives_with_pupil=lives,
                    priority=1 if resident == "mother" else 2,
                )
            )
        if structure == "two_mothers":
            adults.append(
                self.adult(
                    family,
                    "mother2",
                    Relationship.MOTHER,
                    (rng.choice(c.women), father[1], "Ms"),
                    home,
                    priority=2,
                )
            )
        if structure in ("two_parents", "split", "single_father"):
            lives = together or resident == "father"
            adults.append(
                self.adult(
                    family,
                    "father",
                    Relationship.FATHER,
                    (*father, "Mr"),
                    home if lives else self.household(father[1]),
                    lives_with_pupil=lives,
                    priority=1 if resident == "father" else 2,
                )
            )
        if structure == "split" and not family.script and rng.random() < 0.35:
            # A step-parent at the children's main home, without parental responsibility.
            male = resident == "mother"
            last = rng.choice(c.surnames)
            adults.append(
                self.adult(
                    family,
                    "step_parent",
                    Relationship.STEP_PARENT,
                    (
                        rng.choice(c.men if male else c.women),
                        last if male else c.surname_for(last, "female"),
                        "Mr" if male else "Mrs",
                    ),
                    home,
                    parental_responsibility=False,
                    priority=3,
                )
            )
        return adults

    def pupil(
        self, child: Child, *, first: str, preferred: str, last: str, family: Family
    ) -> Pupil:
        rng = self.rng
        # Born between 1 September and 31 August of the year that puts them in this year group.
        born_from = dt.date(CURRENT_START.year - 5 - child.ordinal, 9, 1)
        date_of_birth = born_from + dt.timedelta(days=rng.randrange(365))
        looked_after = family.structure == "foster"
        male = child.gender == "male"
        roll = rng.random()
        if looked_after:
            send = SendStatus.EHCP if roll < 0.12 else SendStatus.SUPPORT if roll < 0.45 else ""
        else:
            ehcp, support = (0.042, 0.17) if male else (0.018, 0.1)
            send = (
                SendStatus.EHCP
                if roll < ehcp
                else SendStatus.SUPPORT
                if roll < ehcp + support
                else ""
            )
        disadvantaged = bool(family.disadvantaged) or looked_after
        child.ability = (
            rng.gauss(0, 1)
            - (1.5 if send == SendStatus.EHCP else 0.8 if send == SendStatus.SUPPORT else 0)
            - (0.3 if disadvantaged else 0)
        )
        pupil = Pupil(
            school=child.school,
            upn=self.upn_for(child),
            legal_first_name=first,
            legal_last_name=last,
            preferred_first_name=preferred,
            date_of_birth=date_of_birth,
            gender=child.gender,
            year_group=self.year_groups[child.ordinal],
            disadvantaged=disadvantaged,
            pupil_premium=disadvantaged,
            send_status=send,
            eal=bool(family.eal),
            home_language=family.community.language if family.eal else "en",
            looked_after=looked_after,
        )
        child.pupil = pupil
        self.plan.pupils.append(pupil)
        return pupil

    def upn_for(self, child: Child) -> str:
        rng = self.rng
        if child.ordinal < 7:
            joined_elsewhere = rng.random() < 0.1
            establishment = (
                rng.choice(OTHER_PRIMARIES) if joined_elsewhere else PRIMARY_ESTABLISHMENT
            )
        else:
            from_ours = rng.random() < 0.3
            establishment = PRIMARY_ESTABLISHMENT if from_ours else rng.choice(OTHER_PRIMARIES)
        allocated = CURRENT_START.year - child.ordinal  # the year they started Reception
        serial = self.upn_serials.get((establishment, allocated), 0) + 1
        self.upn_serials[(establishment, allocated)] = serial
        return upn(la_code=LA_CODE, establishment=establishment, year=allocated, serial=serial)

    def phones_assign(self) -> None:
        """Drama numbers only: mobiles first to those who want texts, landlines after."""
        mobiles: Iterator[str] = mobile_numbers()
        landlines: Iterator[str] = landline_numbers()

        def next_number() -> str:
            for source in (mobiles, landlines):
                number = next(source, None)
                if number is not None:
                    return number
            return f"07700 900{self.rng.randrange(1000):03d}"  # more guardians than numbers

        shared = self.special_guardians.get("shared_phone", {})
        shared_number = next(mobiles)
        for guardian in shared.values():
            guardian.phone = shared_number
        ordered = sorted(
            (g for g in self.plan.guardians if not g.phone),
            key=lambda g: g.preferred_channel != Channel.SMS,
        )
        for guardian in ordered:
            if self.rng.random() < 0.02 and guardian.preferred_channel != Channel.SMS:
                continue  # no number on record
            guardian.phone = next_number()

    # ----------------------------------------------------------------- classes and sets

    def enrolments_build(self, children: list[Child]) -> None:
        rng = self.rng
        by_year: dict[int, list[Child]] = {ordinal: [] for ordinal in range(12)}
        for child in children:
            by_year[child.ordinal].append(child)
        enrolments = self.plan.enrolments
        for ordinal, year in by_year.items():
            school = self.school_for_ordinal[ordinal]
            dealt = year[:]
            rng.shuffle(dealt)
            groups = self.classes[ordinal]
            for index, child in enumerate(dealt):
                enrolments.append(
                    Enrolment(school=school, group=groups[index % len(groups)], pupil=child.pupil)
                )
            if ordinal < 7:
                continue
            for subject, _ in SET_SUBJECTS:
                ranked = sorted(year, key=lambda c: c.ability + rng.gauss(0, 0.5), reverse=True)
                for child, group in zip(
                    ranked, self.set_slots(len(ranked), self.sets[(ordinal, subject)]), strict=True
                ):
                    enrolments.append(Enrolment(school=school, group=group, pupil=child.pupil))

    @staticmethod
    def set_slots(count: int, sets: list[Group]) -> list[Group]:
        total = sum(SET_WEIGHTS)
        slots: list[Group] = []
        cumulative = 0.0
        for group, weight in zip(sets, SET_WEIGHTS, strict=True):
            cumulative += weight
            end = round(count * cumulative / total)
            slots.extend([group] * (end - len(slots)))
        return slots

    def group_of(self, pupil: Pupil, groups: Sequence[Group]) -> Group:
        wanted = {id(group) for group in groups}
        for enrolment in self.plan.enrolments:
            if enrolment.pupil is pupil and id(enrolment.group) in wanted:
                return enrolment.group
        raise LookupError("pupil is in none of these groups")

    # ----------------------------------------------------------------- staff

    def person(self) -> tuple[str, str, str]:
        """A member of staff's title, first and last name, drawn from the town."""
        rng = self.rng
        keys = list(STAFF_WEIGHTS)
        key = rng.choices(keys, weights=[STAFF_WEIGHTS[k] for k in keys])[0]
        community = next(c for c in COMMUNITIES if c.key == key)
        female = rng.random() < 0.68
        first = rng.choice(community.women if female else community.men)
        last = community.surname_for(rng.choice(community.surnames), "female" if female else "male")
        title = rng.choice(("Mrs", "Ms", "Miss")) if female else "Mr"
        if rng.random() < 0.04:
            title = "Dr"
        return title, first, last

    def staff_member(
        self,
        school: School,
        job: str,
        roles: Sequence[str],
        *,
        name: tuple[str, str, str] | None = None,
        username: str = "",
        user: User | None = None,
    ) -> Staff:
        title, first, last = name or self.person()
        if user is None:
            user = self.user(
                AccountKind.STAFF,
                username or self.username(first, last, DEMO_DOMAIN),
                first=first,
                last=last,
            )
        staff = Staff(
            school=school,
            user=user,
            title=title,
            first_name=first,
            last_name=last,
            email=user.email,
            job_title=job,
        )
        self.plan.staff.append(staff)
        self.plan.roles.extend(StaffRole(school=school, staff=staff, role=role) for role in roles)
        return staff

    def teaches(self, staff: Staff, group: Group, *, primary: bool = True) -> None:
        self.plan.teaching.append(
            TeachingAssignment(school=group.school, group=group, staff=staff, primary=primary)
        )

    def staff_build(self, children: list[Child]) -> None:
        rng = self.rng
        login = LOGIN_USERNAMES
        primary, secondary = self.primary, self.secondary

        # Shared by both schools: the family liaison officer, who speaks Polish.
        flo_user = self.user(AccountKind.STAFF, login["flo"], first="Agnieszka", last="Wójcik")
        for school in (primary, secondary):
            self.staff_member(
                school,
                "Family liaison officer",
                [Role.FLO],
                name=("Mrs", "Agnieszka", "Wójcik"),
                user=flo_user,
            )

        # Riverside Primary School
        self.staff_member(
            primary, "Headteacher and designated safeguarding lead", [Role.LEADER, Role.DSL]
        )
        deputy = self.staff_member(
            primary, "Deputy headteacher and deputy DSL", [Role.LEADER, Role.DSL, Role.TEACHER]
        )
        senco = self.staff_member(
            primary, "Inclusion lead and SENCo", [Role.PASTORAL, Role.ADVOCATE]
        )
        class_groups = [group for ordinal in range(7) for group in self.classes[ordinal]]
        for group in class_groups[:-1]:
            teacher = self.staff_member(primary, f"Class teacher, {group.name}", [Role.TEACHER])
            self.teaches(teacher, group)
        self.teaches(deputy, class_groups[-1])
        job_share = self.staff_member(
            primary, f"Class teacher (job share), {class_groups[4].name}", [Role.TEACHER]
        )
        self.teaches(job_share, class_groups[4], primary=False)
        primary_advocates = [senco] + [
            self.staff_member(primary, "Teaching assistant", [Role.ADVOCATE]) for _ in range(3)
        ]
        self.staff_member(primary, "School business manager", [Role.OFFICE])
        self.staff_member(primary, "Office administrator", [Role.OFFICE])

        # Riverside Academy: the people behind the printed log-ins first.
        self.staff_member(
            secondary,
            "Headteacher",
            [Role.LEADER],
            name=("Dr", "Helen", "Carter"),
            username=login["leader"],
        )
        self.staff_member(secondary, "Deputy headteacher", [Role.LEADER])
        self.staff_member(
            secondary,
            "Assistant headteacher and designated safeguarding lead",
            [Role.DSL],
            name=("Mr", "Marcus", "Campbell"),
            username=login["dsl"],
        )
        self.staff_member(secondary, "Deputy DSL and attendance lead", [Role.DSL, Role.PASTORAL])
        for ordinal in range(7, 12):
            if ordinal == 9:
                self.staff_member(
                    secondary,
                    "Head of Year 9",
                    [Role.PASTORAL],
                    name=("Mr", "Imran", "Hussain"),
                    username=login["pastoral"],
                )
            else:
                self.staff_member(secondary, f"Head of Year {ordinal}", [Role.PASTORAL])
        self.staff_member(secondary, "Attendance officer", [Role.PASTORAL])
        advocate = self.staff_member(
            secondary,
            "Learning mentor",
            [Role.ADVOCATE],
            name=("Ms", "Priya", "Sharma"),
            username=login["advocate"],
        )
        secondary_advocates = [
            advocate,
            self.staff_member(secondary, "SENCo", [Role.ADVOCATE, Role.TEACHER]),
            self.staff_member(secondary, "Learning mentor", [Role.ADVOCATE]),
            self.staff_member(secondary, "Learning mentor", [Role.ADVOCATE]),
        ]
        self.staff_member(
            secondary,
            "Data and office manager",
            [Role.OFFICE],
            name=("Mrs", "Janet", "Holmes"),
            username=login["office"],
        )
        self.staff_member(secondary, "Receptionist", [Role.OFFICE])
        self.staff_member(secondary, "Exams officer", [Role.OFFICE])

        # Teachers: eight per core subject (one set in each year), and the rest tutor.
        demo_teacher = self.staff_member(
            secondary,
            "Teacher of English",
            [Role.TEACHER],
            name=("Ms", "Laura", "Fletcher"),
            username=login["teacher"],
        )
        core: dict[str, list[Staff]] = {}
        for subject, _ in SET_SUBJECTS:
            team = [demo_teacher] if subject == "English" else []
            while len(team) < SETS_PER_YEAR:
                team.append(self.staff_member(secondary, f"Teacher of {subject}", [Role.TEACHER]))
            core[subject] = team
        others: list[Staff] = []
        for index, subject in enumerate(OTHER_SUBJECTS):
            roles = [Role.TEACHER, Role.ADVOCATE] if index % 3 == 0 else [Role.TEACHER]
            teacher = self.staff_member(secondary, f"Teacher of {subject}", roles)
            others.append(teacher)
            if Role.ADVOCATE in roles:
                secondary_advocates.append(teacher)

        demo_pupil = self.special["pupil"].children[0].pupil
        jack = self.special["parent"].children[1].pupil
        assert demo_pupil is not None and jack is not None
        must_teach = {
            (9, "English"): self.group_of(demo_pupil, self.sets[(9, "English")]),
            (8, "English"): self.group_of(jack, self.sets[(8, "English")]),
        }
        for ordinal in range(7, 12):
            for subject, _ in SET_SUBJECTS:
                sets = self.sets[(ordinal, subject)]
                teachers = core[subject][:]
                rng.shuffle(teachers)
                if (ordinal, subject) in must_teach:
                    wanted = sets.index(must_teach[(ordinal, subject)])
                    current = teachers.index(demo_teacher)
                    teachers[wanted], teachers[current] = teachers[current], teachers[wanted]
                for group, teacher in zip(sets, teachers, strict=True):
                    self.teaches(teacher, group)

        tutors = [*(t for team in core.values() for t in team), *others]
        rng.shuffle(tutors)
        tutor_groups = [group for ordinal in range(7, 12) for group in self.classes[ordinal]]
        demo_tutor_group = self.group_of(demo_pupil, self.classes[9])
        wanted = tutor_groups.index(demo_tutor_group)
        current = tutors.index(demo_teacher)
        tutors[wanted], tutors[current] = tutors[current], tutors[wanted]
        for group, tutor in zip(tutor_groups, tutors, strict=False):
            self.teaches(tutor, group)

        self.caseloads_build(children, primary, primary_advocates, first=None)
        self.caseloads_build(children, secondary, secondary_advocates, first=jack)

        # The trust's director of education: figures for both schools, no pupil records.
        officer = self.user(AccountKind.TRUST, login["trust officer"], first="Andrew", last="Shaw")
        self.plan.officers.append(TrustOfficer(trust=self.trust, user=officer, pupil_access=False))

    def caseloads_build(
        self, children: list[Child], school: School, advocates: list[Staff], *, first: Pupil | None
    ) -> None:
        """Every vulnerable learner gets an adult advocate; the first advocate's list leads."""
        rng = self.rng
        vulnerable_ids = {id(s.pupil) for s in self.plan.safeguarding}
        vulnerable: list[Pupil] = []
        for child in children:
            pupil = child.pupil
            if pupil is None or child.school is not school or pupil is first:
                continue
            if (
                pupil.looked_after
                or pupil.young_carer
                or pupil.send_status == SendStatus.EHCP
                or id(pupil) in vulnerable_ids
                or (pupil.disadvantaged and pupil.send_status == SendStatus.SUPPORT)
            ):
                vulnerable.append(pupil)
        rng.shuffle(vulnerable)
        if first is not None:
            vulnerable.insert(0, first)
        for index, pupil in enumerate(vulnerable):
            started = dt.date(2025, 9, 8) + dt.timedelta(days=rng.randrange(400))
            self.plan.advocacy.append(
                AdvocateAssignment(
                    school=school,
                    staff=advocates[index % len(advocates)],
                    pupil=pupil,
                    started=started,
                )
            )

    # ----------------------------------------------------------------- accounts

    def username(self, first: str, last: str, domain: str) -> str:
        base = f"{ascii_slug(first)}.{ascii_slug(last)}"
        username = f"{base}@{domain}"
        number = 2
        while username in self.usernames:
            username = f"{base}{number}@{domain}"
            number += 1
        return username

    def user(self, kind: str, username: str, *, first: str, last: str, email: str = "") -> User:
        if username in self.usernames:
            raise ValueError(f"username {username} used twice")
        self.usernames.add(username)
        user = User(
            username=username,
            email=email or username,
            first_name=first,
            last_name=last,
            kind=kind,
            password=self.password_hash,
        )
        self.plan.users.append(user)
        if kind in (AccountKind.STAFF, AccountKind.TRUST) and username in LOGIN_USERNAMES.values():
            self.plan.devices.append(
                TOTPDevice(
                    user=user,
                    name="Authenticator app (demo)",
                    confirmed=True,
                    key=demo_totp_key(username),
                )
            )
        return user

    def family_accounts(self, family: Family, adults: list[Adult]) -> None:
        """Parents who chose the app have an account; secondary pupils have one too."""
        for adult in adults:
            guardian = adult.guardian
            if adult.restricted or guardian.preferred_channel != Channel.APP or not guardian.email:
                continue
            username = guardian.email
            if family.script == "parent" and adult.role == "mother":
                username = LOGIN_USERNAMES["parent"]
            user = self.user(
                AccountKind.GUARDIAN,
                username,
                first=guardian.first_name,
                last=guardian.last_name,
                email=guardian.email,
            )
            if guardian.preferred_language == "pl":
                user.language = "pl"  # the site speaks Polish too
            guardian.user = user
        for index, child in enumerate(family.children):
            pupil = child.pupil
            if pupil is None or child.ordinal < 7:
                continue
            if family.script == "pupil" and index == 0:
                username = LOGIN_USERNAMES["pupil"]
            else:
                username = self.username(
                    pupil.legal_first_name, pupil.legal_last_name, f"pupils.{DEMO_DOMAIN}"
                )
            pupil.email = username
            pupil.user = self.user(
                AccountKind.PUPIL, username, first=pupil.first_name, last=pupil.last_name
            )

    # ----------------------------------------------------------------- writing

    def write(self) -> None:
        plan = self.plan
        User.objects.bulk_create(plan.users, batch_size=500)
        TOTPDevice.objects.bulk_create(plan.devices)
        Household.objects.bulk_create(plan.households, batch_size=500)
        Guardian.objects.bulk_create(plan.guardians, batch_size=500)
        Pupil.objects.bulk_create(plan.pupils, batch_size=500)
        SafeguardingStatus.objects.bulk_create(plan.safeguarding)
        GuardianLink.objects.bulk_create(plan.links, batch_size=500)
        Enrolment.objects.bulk_create(plan.enrolments, batch_size=1000)
        Staff.objects.bulk_create(plan.staff)
        StaffRole.objects.bulk_create(plan.roles)
        TeachingAssignment.objects.bulk_create(plan.teaching)
        AdvocateAssignment.objects.bulk_create(plan.advocacy)
        TrustOfficer.objects.bulk_create(plan.officers)
