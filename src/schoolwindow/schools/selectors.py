"""Reads of schools and classes. Each takes the acting user and returns only what they may see.

Trust officers see their trust's schools as figures; pupil-level detail (class lists, names) only
with `pupil_access`. Staff see their own schools; whole-school roles every class there, teachers
the classes they teach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from schoolwindow.core.permissions import WHOLE_SCHOOL_ROLES, Actor
from schoolwindow.people.models import (
    Enrolment,
    Pupil,
    PupilStatus,
    Role,
    SendStatus,
    TeachingAssignment,
)
from schoolwindow.schools.calendar import TermAtAGlance, term_at_a_glance
from schoolwindow.schools.models import Group, GroupKind, School, YearGroup

if TYPE_CHECKING:
    from schoolwindow.people.selectors import Tag

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


def can_see_pupils_at(actor: Actor, school: School) -> bool:
    """Whether the actor sees at least some pupils of this school by name."""
    return bool(actor.roles_at(school.pk)) or school.trust_id in actor.trust_pupil_access


def can_see_whole_school(actor: Actor, school: School) -> bool:
    return (
        actor.has_role(school.pk, *WHOLE_SCHOOL_ROLES)
        or school.trust_id in actor.trust_pupil_access
    )


def schools_visible(*, actor: Actor) -> QuerySet[School]:
    """Schools where the actor works, and every school of a trust they are an officer of."""
    return School.objects.filter(
        Q(pk__in=list(actor.school_ids)) | Q(trust_id__in=list(actor.trust_ids))
    )


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


def school_get(*, actor: Actor, school_id: int) -> School:
    school = schools_visible(actor=actor).select_related("trust").filter(pk=school_id).first()
    if school is None:
        raise Http404
    return school


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


def group_ids_taught(*, actor: Actor) -> frozenset[int]:
    """Groups the actor teaches, at schools where they hold the teacher role."""
    staff_ids = [actor.staff_ids[sid] for sid in actor.schools_with_role(Role.TEACHER)]
    if not staff_ids:
        return frozenset()
    return frozenset(
        TeachingAssignment.objects.filter(staff_id__in=staff_ids).values_list("group_id", flat=True)
    )


def group_scope(actor: Actor) -> Q:
    """A filter on Group that keeps the classes whose pupils this actor may see."""
    scope = Q(pk__in=[])
    whole = actor.schools_with_role(*WHOLE_SCHOOL_ROLES)
    if whole:
        scope |= Q(school_id__in=whole)
    if actor.trust_pupil_access:
        scope |= Q(school__trust_id__in=list(actor.trust_pupil_access))
    teaching = actor.schools_with_role(Role.TEACHER)
    if teaching:
        scope |= Q(
            school_id__in=teaching,
            teaching_assignments__staff_id__in=[actor.staff_ids[sid] for sid in teaching],
        )
    return scope


def groups_visible(*, actor: Actor) -> QuerySet[Group]:
    return Group.objects.filter(pk__in=Group.objects.filter(group_scope(actor)).values("pk"))


def group_list(
    *,
    actor: Actor,
    school_id: int | None = None,
    year: str = "",
    kind: str = "",
    query: str = "",
    include_inactive: bool = False,
) -> QuerySet[Group]:
    groups = groups_visible(actor=actor)
    if not include_inactive:
        groups = groups.filter(active=True)
    if school_id is not None:
        groups = groups.filter(school_id=school_id)
    if year:
        groups = groups.filter(year_group__code=year)
    if kind:
        groups = groups.filter(kind=kind)
    if query:
        groups = groups.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(subject__icontains=query)
        )
    return (
        groups.select_related("school", "year_group")
        .annotate(size=Count("enrolments", filter=Q(enrolments__active=True)))
        .order_by("school__name", "year_group__ordinal", "kind", "name", "pk")
    )


def group_filter_options(*, actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """Choices for the class list filters: the schools and year groups the actor's classes use."""
    visible = groups_visible(actor=actor).filter(active=True)
    schools = School.objects.filter(pk__in=visible.values("school_id")).order_by("name")
    years = (
        YearGroup.objects.filter(pk__in=visible.values("year_group_id"))
        .order_by("ordinal", "code")
        .values_list("code", "name")
    )
    seen: dict[str, str] = {}
    for code, name in years:
        seen.setdefault(code, name)
    return {
        "schools": [(str(s.pk), s.name) for s in schools],
        "years": list(seen.items()),
        "kinds": [(str(value), str(label)) for value, label in GroupKind.choices],
    }


def group_get(*, actor: Actor, group_id: int) -> Group:
    group = (
        groups_visible(actor=actor)
        .select_related("school", "year_group")
        .filter(pk=group_id)
        .first()
    )
    if group is None:
        raise Http404
    return group


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
    from schoolwindow.people.selectors import (
        language_name,
        open_guardian_links_prefetch,
        pupil_tags,
        pupils_visible,
    )

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
