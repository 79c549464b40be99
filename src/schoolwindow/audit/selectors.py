"""Reading the audit log: the DSL sees the events of the schools where they are the DSL."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.capabilities import SAFEGUARDING
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.schools.models import School


def audit_events_visible(*, actor: Actor) -> QuerySet[AuditEvent]:
    """The events the actor may read; the policy refuses anyone who is no school's DSL."""
    return policy_for(AuditEvent).visible(actor)


def audit_event_list(
    *,
    actor: Actor,
    school_id: int | None = None,
    action: str = "",
    who: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    events = audit_events_visible(actor=actor)
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
        audit_events_visible(actor=actor)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_school_choices(*, actor: Actor) -> list[tuple[int, str]]:
    return list(
        School.objects.filter(pk__in=actor.schools_where(SAFEGUARDING))
        .order_by("name")
        .values_list("pk", "name")
    )
