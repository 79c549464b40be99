"""Reading the audit log: the DSL sees the events of the schools where they are the DSL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

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
    pupil_ids: QuerySet[Any] | None = None,
) -> QuerySet[AuditEvent]:
    """The visible events, newest first, narrowed by each filter given.

    Dates are compared as a range on `at` (not `at__date`), so the (school, at) and
    (pupil, at) indexes serve a year of events."""
    events = audit_events_visible(actor=actor)
    if school_id is not None:
        events = events.filter(school_id=school_id)
    if action:
        events = events.filter(action=action)
    if who.strip():
        events = events.filter(actor_label__icontains=who.strip())
    if pupil_ids is not None:
        events = events.filter(pupil_id__in=pupil_ids)
    if date_from is not None:
        events = events.filter(at__gte=start_of(date_from))
    if date_to is not None:
        events = events.filter(at__lt=start_of(date_to + dt.timedelta(days=1)))
    return events.select_related("school").order_by("-at", "-id")


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_school_choices(*, actor: Actor) -> list[tuple[int, str]]:
    return list(
        School.objects.filter(pk__in=actor.schools_where(SAFEGUARDING))
        .order_by("name")
        .values_list("pk", "name")
    )
