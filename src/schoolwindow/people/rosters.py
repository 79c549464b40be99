"""Schools and classes with their pupils: the school list's figures, a school's overview and
a class list. Each takes the acting user and returns only what they may see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Enrolment, Pupil, PupilStatus, SendStatus, TeachingAssignment
from schoolwindow.people.selectors import (
    Tag,
    language_name,
    open_guardian_links_prefetch,
    pupil_tags,
    pupils_visible,
)
from schoolwindow.schools.calendar import TermAtAGlance, term_at_a_glance
from schoolwindow.schools.models import Group, GroupKind, School, YearGroup
from schoolwindow.schools.selectors import (
    can_see_pupils_at,
    can_see_whole_school,
    group_get,
    group_ids_taught,
    school_get,
    schools_visible,
)

ON_ROLL = Q(pupils__status=PupilStatus.ACTIVE)


def percent(part: int, whole: int) -> int | None:
    """A whole-number percentage, or None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100 * part / whole)


@dataclass(frozen=True)
class SchoolSummary:
    school: School
    on_roll: int
    disadvantaged: int
    send: int
    eal: int
    # May the actor open pupil-level pages (pupil list, class lists) for this school?
    pupil_access: bool

    @property
    def disadvantaged_pct(self) -> int | None:
        return percent(self.disadvantaged, self.on_roll)

    @property
    def send_pct(self) -> int | None:
        return percent(self.send, self.on_roll)

    @property
    def eal_pct(self) -> int | None:
        return percent(self.eal, self.on_roll)


def school_list(*, actor: Actor) -> list[SchoolSummary]:
    schools = (
        schools_visible(actor=actor)
        .select_related("trust")
        .annotate(
            on_roll=Count("pupils", filter=ON_ROLL),
            n_disadvantaged=Count(
                "pupils",
                filter=ON_ROLL & (Q(pupils__disadvantaged=True) | Q(pupils__pupil_premium=True)),
            ),
            n_send=Count("pupils", filter=ON_ROLL & ~Q(pupils__send_status=SendStatus.NONE)),
            n_eal=Count("pupils", filter=ON_ROLL & Q(pupils__eal=True)),
        )
        .order_by("trust__name", "name")
    )
    return [
        SchoolSummary(
            school=school,
            on_roll=school.on_roll,
            disadvantaged=school.n_disadvantaged,
            send=school.n_send,
            eal=school.n_eal,
            pupil_access=can_see_pupils_at(actor, school),
        )
        for school in schools
    ]


@dataclass(frozen=True)
class ClassSummary:
    group: Group
    size: int
    visible: bool


@dataclass(frozen=True)
class SchoolOverview:
    summary: SchoolSummary
    year_groups: Sequence[YearGroup]
    classes: list[ClassSummary] = field(default_factory=list)
    other_groups: int = 0
    whole_school: bool = False
    calendar: TermAtAGlance | None = None


def school_overview(*, actor: Actor, school_id: int) -> SchoolOverview:
    """Year groups with their numbers, and the registration classes of one school."""
    school = school_get(actor=actor, school_id=school_id)
    summary = next(s for s in school_list(actor=actor) if s.school.pk == school.pk)
    year_groups = list(
        YearGroup.objects.filter(school=school)
        .annotate(on_roll=Count("pupils", filter=ON_ROLL))
        .order_by("ordinal", "code")
    )
    taught = group_ids_taught(actor=actor)
    whole = can_see_whole_school(actor, school)
    groups = (
        Group.objects.filter(school=school, active=True, kind=GroupKind.REGISTRATION)
        .select_related("year_group")
        .annotate(size=Count("enrolments", filter=Q(enrolments__active=True)))
        .order_by("year_group__ordinal", "name")
    )
    classes = [
        ClassSummary(
            group=group,
            size=group.size,
            visible=whole or group.pk in taught,
        )
        for group in groups
    ]
    other_groups = (
        Group.objects.filter(school=school, active=True)
        .exclude(kind=GroupKind.REGISTRATION)
        .count()
    )
    return SchoolOverview(
        summary=summary,
        year_groups=year_groups,
        classes=classes,
        other_groups=other_groups,
        whole_school=whole,
        calendar=term_at_a_glance(school_id=school.pk, today=timezone.localdate()),
    )


# What a class list shows of each pupil: the name, the year and the tags of `pupil_tags`.
CLASS_LIST_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_first_name",
    "preferred_last_name",
    "year_group__name",
    "disadvantaged",
    "pupil_premium",
    "send_status",
    "eal",
    "home_language",
    "young_carer",
    "looked_after",
)


@dataclass(frozen=True)
class ClassMember:
    pupil: Pupil
    tags: list[Tag]
    languages: list[str]


@dataclass(frozen=True)
class ClassList:
    group: Group
    teachers: list[str]
    members: list[ClassMember]


def group_class_list(*, actor: Actor, group_id: int) -> ClassList:
    """A class with its pupils, their needs and their families' languages: four queries."""
    group = group_get(actor=actor, group_id=group_id)
    teachers = [
        assignment.staff.display_name
        for assignment in TeachingAssignment.objects.filter(group=group)
        .select_related("staff")
        .order_by("-primary", "staff__last_name", "staff__first_name")
    ]
    pupils = (
        pupils_visible(actor=actor)
        .filter(
            status=PupilStatus.ACTIVE,
            pk__in=Enrolment.objects.filter(group=group, active=True).values("pupil_id"),
        )
        .select_related("year_group")
        .only(*CLASS_LIST_FIELDS)
        .prefetch_related(open_guardian_links_prefetch())
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    members = []
    for pupil in pupils:
        languages: list[str] = []
        for link in pupil.open_links:  # type: ignore[attr-defined]
            name = language_name(link.guardian.preferred_language)
            if name and name not in languages:
                languages.append(name)
        members.append(ClassMember(pupil=pupil, tags=pupil_tags(pupil), languages=languages))
    return ClassList(group=group, teachers=teachers, members=members)
