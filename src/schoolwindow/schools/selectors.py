"""Reads of schools and classes that need nothing about pupils.

Trust officers see their trust's schools; staff their own schools; whole-school roles every class
there, teachers the classes they teach. Pages that show a school's or a class's pupils are in
`people/rosters.py`.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from schoolwindow.core.capabilities import SEE_OWN_CLASSES, SEE_WHOLE_SCHOOL
from schoolwindow.core.errors import NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy, policy_for
from schoolwindow.schools.models import Group, GroupKind, School, YearGroup


def can_see_pupils_at(actor: Actor, school: School) -> bool:
    """Whether the actor sees at least some pupils of this school by name."""
    return bool(actor.roles_at(school.pk)) or school.trust_id in actor.trust_pupil_access


def can_see_whole_school(actor: Actor, school: School) -> bool:
    return actor.can(SEE_WHOLE_SCHOOL, school.pk) or school.trust_id in actor.trust_pupil_access


def schools_visible(*, actor: Actor) -> QuerySet[School]:
    """Schools where the actor works, and every school of a trust they are an officer of."""
    return School.objects.filter(
        Q(pk__in=list(actor.school_ids)) | Q(trust_id__in=list(actor.trust_ids))
    )


def school_get(*, actor: Actor, school_id: int) -> School:
    school = schools_visible(actor=actor).select_related("trust").filter(pk=school_id).first()
    if school is None:
        raise NotFound
    return school


def group_ids_taught(*, actor: Actor) -> frozenset[int]:
    """Groups the actor teaches, at schools where they hold the teacher role."""
    staff_ids = [actor.staff_ids[sid] for sid in actor.schools_where(SEE_OWN_CLASSES)]
    if not staff_ids:
        return frozenset()
    return frozenset(
        Group.objects.filter(teaching_assignments__staff_id__in=staff_ids).values_list(
            "pk", flat=True
        )
    )


def group_scope(actor: Actor) -> Q:
    """A filter on Group that keeps the classes whose pupils this actor may see."""
    scope = Q(pk__in=[])
    whole = actor.schools_where(SEE_WHOLE_SCHOOL)
    if whole:
        scope |= Q(school_id__in=whole)
    if actor.trust_pupil_access:
        scope |= Q(school__trust_id__in=list(actor.trust_pupil_access))
    teaching = actor.schools_where(SEE_OWN_CLASSES)
    if teaching:
        scope |= Q(
            school_id__in=teaching,
            teaching_assignments__staff_id__in=[actor.staff_ids[sid] for sid in teaching],
        )
    return scope


class GroupPolicy(Policy[Group]):
    """Classes whose pupils the actor may see: the whole school, or the classes they teach."""

    model = Group

    def scope(self, actor: Actor) -> Q:
        return group_scope(actor)


def groups_visible(*, actor: Actor) -> QuerySet[Group]:
    # A subquery, so the teaching-assignment join in the scope never duplicates rows.
    return Group.objects.filter(pk__in=policy_for(Group).visible(actor).values("pk"))


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
        raise NotFound
    return group
