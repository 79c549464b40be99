"""The demo trust, its two schools, their calendars, year groups, classes and sets."""

from __future__ import annotations

from schoolwindow.demo import calendars
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import DEMO_TRUST_NAME, DEMO_TRUST_SLUG
from schoolwindow.demo.parts import DemoPart
from schoolwindow.demo.parts.roster.base import SET_SUBJECTS, SETS_PER_YEAR
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

PRIMARY_URN = "100001"
SECONDARY_URN = "100002"
PRIMARY_NAME = "Riverside Primary School"
SECONDARY_NAME = "Riverside Academy"
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


def schools_build(ctx: DemoContext) -> None:
    ctx.say(f"Building {DEMO_TRUST_NAME}: schools and calendars…")
    trust = Trust.objects.create(name=DEMO_TRUST_NAME, slug=DEMO_TRUST_SLUG)
    ctx.trust = trust
    # Phone numbers from Ofcom's range kept for drama (01632 960xxx), so none is anybody's.
    ctx.primary = School(
        trust=trust,
        urn=PRIMARY_URN,
        name=PRIMARY_NAME,
        phase=Phase.PRIMARY,
        address="Mill Lane\nRiverside",
        postcode="RV1 4PS",
        phone="01632 960123",
    )
    ctx.secondary = School(
        trust=trust,
        urn=SECONDARY_URN,
        name=SECONDARY_NAME,
        phase=Phase.SECONDARY,
        address="Academy Road\nRiverside",
        postcode="RV2 7AC",
        phone="01632 960456",
    )
    School.objects.bulk_create([ctx.primary, ctx.secondary])
    calendars_build(ctx)
    groups_build(ctx)


def calendars_build(ctx: DemoContext) -> None:
    years: list[AcademicYear] = []
    terms: list[Term] = []
    closures: list[Closure] = []
    for school in (ctx.primary, ctx.secondary):
        for calendar in ctx.calendar.years:
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


def groups_build(ctx: DemoContext) -> None:
    year_groups: list[YearGroup] = []
    for ordinal in range(12):
        school = ctx.primary if ordinal < 7 else ctx.secondary
        code = "R" if ordinal == 0 else str(ordinal)
        name = "Reception" if ordinal == 0 else f"Year {ordinal}"
        year_group = YearGroup(school=school, code=code, name=name, ordinal=ordinal)
        year_groups.append(year_group)
        ctx.year_groups[ordinal] = year_group
        ctx.school_for_ordinal[ordinal] = school
    YearGroup.objects.bulk_create(year_groups)

    groups: list[Group] = []
    for ordinal, trees in enumerate(PRIMARY_CLASSES):
        year_group = ctx.year_groups[ordinal]
        ctx.classes[ordinal] = []
        for tree in trees:
            group = Group(
                school=ctx.primary,
                kind=GroupKind.REGISTRATION,
                name=f"{year_group.name} {tree}",
                code=f"{year_group.code}{tree[:3].upper()}",
                year_group=year_group,
            )
            ctx.classes[ordinal].append(group)
            groups.append(group)
    for ordinal in range(7, 12):
        year_group = ctx.year_groups[ordinal]
        ctx.classes[ordinal] = []
        for letter in TUTOR_LETTERS:
            group = Group(
                school=ctx.secondary,
                kind=GroupKind.REGISTRATION,
                name=f"{ordinal}{letter}",
                code=f"{ordinal}{letter}",
                year_group=year_group,
            )
            ctx.classes[ordinal].append(group)
            groups.append(group)
        for subject, abbreviation in SET_SUBJECTS:
            sets = [
                Group(
                    school=ctx.secondary,
                    kind=GroupKind.TEACHING,
                    name=f"{ordinal}{abbreviation}{number}",
                    code=f"{ordinal}{abbreviation}{number}",
                    subject=subject,
                    year_group=year_group,
                )
                for number in range(1, SETS_PER_YEAR + 1)
            ]
            ctx.sets[(ordinal, subject)] = sets
            groups.extend(sets)
    Group.objects.bulk_create(groups)


PART = DemoPart(name="roster.schools", build=schools_build)
