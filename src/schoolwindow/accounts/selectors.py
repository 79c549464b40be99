"""What the home page shows: each person's morning, composed from the blocks the apps register.

`accounts` sits below engagement, messaging and connectors, so it never imports them: they
register their blocks on `core.panels.HOME` (and the trust officer's columns on
`SCHOOL_FIGURES`) in their `AppConfig.ready()`, and each block decides from the actor's
capabilities whether it shows. What is left here is what `people` and `schools` know: the
person's schools and roles in plain words, their classes, their caseload, the trust's schools.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from schoolwindow.core.capabilities import HOME_CLASSES, Role
from schoolwindow.core.panels import HOME, HOME_TOP, SCHOOL_FIGURES, ShownPanel
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import (
    AdvocateAssignment,
    Pupil,
    PupilStatus,
    TeachingAssignment,
)
from schoolwindow.schools.models import School

# A teacher's classes are few, but a head of department may teach many: the rest are a link.
CLASSES_SHOWN = 8


def role_label(role: str) -> str:
    """A role in plain words ("Designated safeguarding lead"), never its code."""
    try:
        return str(Role(role).label)
    except ValueError:
        return role


@dataclass(frozen=True)
class SchoolRoles:
    school_id: int
    name: str
    roles: list[str]  # in plain words


@dataclass(frozen=True)
class ClassLine:
    group_id: int
    name: str
    school_name: str
    size: int


@dataclass(frozen=True)
class TrustRow:
    school_id: int
    name: str
    figures: list[str]
    headings: list[str]

    @property
    def cells(self) -> list[tuple[str, str]]:
        """Each figure with its column's heading (a phone shows them as a card of pairs)."""
        return list(zip(self.headings, self.figures, strict=True))


@dataclass(frozen=True)
class TrustTable:
    headings: list[str]
    rows: list[TrustRow]


@dataclass
class Home:
    schools: list[SchoolRoles] = field(default_factory=list)
    classes: list[ClassLine] = field(default_factory=list)
    classes_count: int = 0
    show_classes: bool = False
    caseload: list[AdvocateAssignment] = field(default_factory=list)
    caseload_count: int = 0
    trust: TrustTable | None = None
    panels: list[ShownPanel] = field(default_factory=list)


def my_schools(actor: Actor) -> list[SchoolRoles]:
    names = dict(School.objects.filter(pk__in=actor.school_ids).values_list("pk", "name"))
    return sorted(
        (
            SchoolRoles(
                school_id=sid,
                name=names.get(sid, ""),
                roles=[role_label(role) for role in sorted(actor.roles_at(sid))],
            )
            for sid in actor.school_ids
        ),
        key=lambda school: school.name,
    )


def my_classes(actor: Actor) -> tuple[list[ClassLine], int]:
    assignments = TeachingAssignment.objects.filter(
        staff_id__in=list(actor.staff_ids.values()), group__active=True
    )
    rows = (
        assignments.select_related("group", "group__school")
        .annotate(size=Count("group__enrolments", filter=Q(group__enrolments__active=True)))
        .order_by("group__school__name", "group__name")[:CLASSES_SHOWN]
    )
    lines = [
        ClassLine(
            group_id=row.group_id,
            name=row.group.name,
            school_name=row.group.school.name,
            size=row.size,
        )
        for row in rows
    ]
    return lines, assignments.count() if len(lines) == CLASSES_SHOWN else len(lines)


def my_caseload(actor: Actor) -> tuple[list[AdvocateAssignment], int]:
    caseload = AdvocateAssignment.objects.filter(
        staff_id__in=list(actor.staff_ids.values()), ended__isnull=True
    )
    rows = list(
        caseload.select_related("pupil", "pupil__year_group").order_by(
            "pupil__legal_last_name", "pk"
        )[:HOME_TOP]
    )
    return rows, caseload.count() if len(rows) == HOME_TOP else len(rows)


def trust_table(actor: Actor, today: dt.date) -> TrustTable:
    """Each school of the officer's trusts side by side: figures only, never a pupil."""
    schools = list(
        School.objects.filter(trust_id__in=actor.trust_ids)
        .annotate(on_roll=Count("pupils", filter=Q(pupils__status=PupilStatus.ACTIVE)))
        .order_by("name")
    )
    ids = [school.pk for school in schools]
    figures = SCHOOL_FIGURES.figures()
    columns = [figure.values(ids, today) for figure in figures]
    headings = [str(figure.label) for figure in figures]
    return TrustTable(
        headings=headings,
        rows=[
            TrustRow(
                school_id=school.pk,
                name=school.name,
                headings=[_("Pupils on roll"), *headings],
                figures=[
                    str(school.on_roll),
                    *(column.get(school.pk, "—") for column in columns),
                ],
            )
            for school in schools
        ],
    )


def home_get(*, actor: Actor, today: dt.date) -> Home:
    """The person's morning: their schools and roles, then the blocks for what they do."""
    home = Home()
    if actor.is_staff_member:
        home.schools = my_schools(actor)
        home.show_classes = actor.can_anywhere(HOME_CLASSES)
        if home.show_classes:
            home.classes, home.classes_count = my_classes(actor)
        home.caseload, home.caseload_count = my_caseload(actor)
        home.panels += HOME.shown(actor=actor, subject=today, mode="staff")
    if actor.is_trust_officer:
        home.trust = trust_table(actor, today)
        home.panels += HOME.shown(actor=actor, subject=today, mode="trust")
    return home


@dataclass(frozen=True)
class PupilHome:
    first_name: str  # the name the pupil goes by, from the school's record
    panels: list[ShownPanel]


def pupil_home_get(*, actor: Actor, today: dt.date) -> PupilHome:
    found = (
        Pupil.objects.filter(pk=actor.pupil_id or 0)
        .only("legal_first_name", "preferred_first_name")
        .first()
    )
    return PupilHome(
        first_name=found.first_name if found is not None else "",
        panels=HOME.shown(actor=actor, subject=today, mode="pupil"),
    )
