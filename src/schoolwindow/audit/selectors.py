"""Reading the audit log: the DSL sees the events of the schools where they are the DSL."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import GuardianLink, Role
from schoolwindow.schools.models import School


def audit_scope(actor: Actor) -> Q:
    """Events of the actor's DSL schools, and events about guardians of those schools' pupils.

    Guardians belong to the trust, so their events carry no school: they are matched through
    the guardian's links to pupils of the DSL's schools.
    """
    schools = actor.schools_with_role(Role.DSL)
    if not schools:
        raise PermissionDenied
    guardian_ids = (
        GuardianLink.objects.filter(school_id__in=schools)
        .annotate(guardian_key=Cast("guardian_id", CharField()))
        .values("guardian_key")
    )
    return Q(school_id__in=schools) | Q(
        school__isnull=True, object_type="people.Guardian", object_id__in=guardian_ids
    )


def audit_event_list(
    *,
    actor: Actor,
    school_id: int | None = None,
    action: str = "",
    who: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(audit_scope(actor))
    if school_id is not None:
        events = events.filter(school_id=school_id)
    if action:
        events = events.filter(action=action)
    if who.strip():
        events = events.filter(actor_label__icontains=who.strip())
    if date_from is not None:
        events = events.filter(at__date__gte=date_from)
    if date_to is not None:
        events = events.filter(at__date__lte=date_to)
    return events.select_related("school").order_by("-at", "-id")


def audit_action_choices(*, actor: Actor) -> list[str]:
    return list(
        AuditEvent.objects.filter(audit_scope(actor))
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_school_choices(*, actor: Actor) -> list[tuple[int, str]]:
    return list(
        School.objects.filter(pk__in=actor.schools_with_role(Role.DSL))
        .order_by("name")
        .values_list("pk", "name")
    )
