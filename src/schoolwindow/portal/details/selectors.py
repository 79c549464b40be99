"""Reads for details families keep up to date: what the parent sees, the office's queue and
list of confirmations, the "check your details" reminders and the medical alerts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from schoolwindow.core.capabilities import DETAILS_REVIEW, DETAILS_SEE_MEDICAL
from schoolwindow.core.errors import NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.models import Guardian, Pupil
from schoolwindow.portal.absence.selectors import children_of
from schoolwindow.portal.details.models import (
    CHILD_FIELDS,
    GUARDIAN_FIELDS,
    ChangeStatus,
    CheckKind,
    DetailsChange,
    DetailsCheck,
    DetailsSettings,
    MedicalAlert,
)

__all__ = ["children_of"]

DEFAULT_CHECK_EVERY = 365
RECENT_DECISIONS = dt.timedelta(days=60)
RECENT_SHOWN = 10


def child_of(actor: Actor, pupil_id: int) -> Pupil | None:
    """One of this parent's children (never one under a contact restriction for them)."""
    return next((child for child in children_of(actor) if child.pk == pupil_id), None)


def guardian_of(actor: Actor) -> Guardian:
    if actor.guardian_id is None:
        raise NotFound
    return Guardian.objects.get(pk=actor.guardian_id)


def family_changes(actor: Actor) -> QuerySet[DetailsChange]:
    """The parent's own proposals (not those they see as staff)."""
    from schoolwindow.portal.details.policies import family_scope

    return DetailsChange.objects.filter(family_scope(actor, contact_fields=True))


@dataclass(frozen=True)
class Row:
    field: str
    label: str
    current: str
    waiting: DetailsChange | None


@dataclass
class FamilyView:
    guardian: Guardian
    child: Pupil
    contact: list[Row]
    notes: list[Row]
    decided: list[DetailsChange] = field(default_factory=list)
    last_check: DetailsCheck | None = None

    @property
    def waiting_count(self) -> int:
        return sum(1 for row in [*self.contact, *self.notes] if row.waiting is not None)


def family_view(*, actor: Actor, child: Pupil) -> FamilyView:
    """What the school holds for this parent and this child, each with the change waiting for
    the office, and the decisions of the last weeks. Four queries."""
    guardian = guardian_of(actor)
    mine = family_changes(actor).filter(Q(pupil__isnull=True) | Q(pupil_id=child.pk))
    waiting = {
        (change.pupil_id, change.field): change
        for change in mine.filter(status=ChangeStatus.WAITING)
    }
    since = timezone.now() - RECENT_DECISIONS
    decided = list(
        mine.filter(
            status__in=[ChangeStatus.ACCEPTED, ChangeStatus.REJECTED], decided_at__gte=since
        )
        .select_related("pupil")
        .order_by("-decided_at", "-id")[:RECENT_SHOWN]
    )
    last_check = (
        DetailsCheck.objects.filter(guardian_id=guardian.pk, pupil_id=child.pk)
        .order_by("-checked_at", "-id")
        .first()
    )
    contact = [
        Row(str(name), str(name.label), str(getattr(guardian, name)), waiting.get((None, name)))
        for name in GUARDIAN_FIELDS
    ]
    notes = [
        Row(str(name), str(name.label), str(getattr(child, name)), waiting.get((child.pk, name)))
        for name in CHILD_FIELDS
    ]
    return FamilyView(
        guardian=guardian,
        child=child,
        contact=contact,
        notes=notes,
        decided=decided,
        last_check=last_check,
    )


# --- The office ------------------------------------------------------------------------------


def review_schools(actor: Actor) -> list[int]:
    return sorted(actor.schools_where(DETAILS_REVIEW))


def office_queue(*, actor: Actor, school_id: int | None = None) -> QuerySet[DetailsChange]:
    """Changes waiting for the office, oldest first, with the record as it is now (to show side
    by side): one query for a page of them."""
    schools = review_schools(actor)
    if school_id is not None:
        schools = [school for school in schools if school == school_id]
    return (
        policy_for(DetailsChange)
        .visible(actor)
        .filter(school_id__in=schools, status=ChangeStatus.WAITING)
        .select_related("guardian", "pupil", "school")
        .order_by("created_at", "id")
    )


def change_get(*, actor: Actor, change_id: int, action: str = "view") -> DetailsChange:
    queryset = DetailsChange.objects.select_related("guardian", "pupil", "school", "decided_by")
    return policy_for(DetailsChange).get(actor, pk=change_id, action=action, queryset=queryset)


def on_record(change: DetailsChange) -> str:
    """What the record says now (it may differ from `old_value` if it changed since)."""
    if change.pupil_id is not None and change.field in CHILD_FIELDS:
        return str(getattr(change.pupil, change.field))
    return str(getattr(change.guardian, change.field))


def sees_medical(actor: Actor, school_id: int) -> bool:
    return actor.can(DETAILS_SEE_MEDICAL, school_id)


def office_checks(*, actor: Actor) -> QuerySet[DetailsCheck]:
    """Families who said nothing had changed, newest first."""
    return (
        policy_for(DetailsCheck)
        .visible(actor)
        .filter(school_id__in=review_schools(actor), kind=CheckKind.UNCHANGED)
        .select_related("guardian", "pupil", "school")
        .order_by("-checked_at", "-id")
    )


def settings_for(school_id: int) -> DetailsSettings | None:
    return DetailsSettings.objects.filter(school_id=school_id).first()


# --- "Check your details" ------------------------------------------------------------------


def children_due_a_check(*, guardian_id: int, children: list[Pupil], today: dt.date) -> list[Pupil]:
    """The children whose details this parent has never checked, or not within their school's
    period (a year unless the school chose otherwise). Two queries for all the children."""
    if not children:
        return []
    school_ids = {child.school_id for child in children}
    every = dict(
        DetailsSettings.objects.filter(school_id__in=school_ids).values_list(
            "school_id", "check_every_days"
        )
    )
    last = dict(
        DetailsCheck.objects.filter(
            guardian_id=guardian_id, pupil_id__in=[child.pk for child in children]
        )
        .values("pupil_id")
        .annotate(last=Max("checked_at"))
        .values_list("pupil_id", "last")
    )
    due = []
    for child in children:
        checked = last.get(child.pk)
        days = every.get(child.school_id) or DEFAULT_CHECK_EVERY
        if checked is None or timezone.localdate(checked) <= today - dt.timedelta(days=days):
            due.append(child)
    return due


# --- Medical alerts ----------------------------------------------------------------------------


def alerts_unread(*, actor: Actor) -> QuerySet[MedicalAlert]:
    return (
        policy_for(MedicalAlert)
        .visible(actor)
        .filter(read_at__isnull=True)
        .select_related("pupil", "change", "change__guardian")
        .order_by("-created_at", "-id")
    )


def alerts_all(*, actor: Actor) -> QuerySet[MedicalAlert]:
    return (
        policy_for(MedicalAlert)
        .visible(actor)
        .select_related("pupil", "change", "change__guardian")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")
    )
