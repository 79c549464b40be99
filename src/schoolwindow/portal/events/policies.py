"""Who may see events, parents' evenings and appointments.

Staff who manage events see every event, evening and appointment of their school; every member
of staff sees the evenings of their school and their own appointments. A parent sees the events
and evenings meant for their children and their children's appointments — a guardian under a
contact restriction for a child sees nothing of that child (people/contact.py decides).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from schoolwindow.core.capabilities import EVENTS_MANAGE, EVENTS_OWN_SCHEDULE
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Enrolment, Pupil, PupilStatus
from schoolwindow.portal.events.models import Appointment, Audience, Evening, Event

MANAGE = "manage"


def family_pupils(actor: Actor) -> QuerySet[Pupil]:
    """The children this parent may see: linked, not restricted, on roll."""
    links = contactable_links(guardian_id=actor.guardian_id).values("pupil_id")
    return Pupil.objects.filter(pk__in=links, status=PupilStatus.ACTIVE)


def event_audience(pupils: QuerySet[Pupil]) -> Q:
    """Events meant for any of these pupils: their school's, their year's or their class's."""
    years = Event.year_groups.through.objects.filter(
        yeargroup_id__in=pupils.values("year_group_id")
    ).values("event_id")
    groups = Event.groups.through.objects.filter(
        group_id__in=Enrolment.objects.filter(pupil__in=pupils, active=True).values("group_id")
    ).values("event_id")
    return (
        Q(audience=Audience.SCHOOL, school_id__in=pupils.values("school_id"))
        | Q(audience=Audience.YEARS, pk__in=years)
        | Q(audience=Audience.GROUPS, pk__in=groups)
    )


def evening_audience(pupils: QuerySet[Pupil]) -> Q:
    years = Evening.year_groups.through.objects.filter(
        yeargroup_id__in=pupils.values("year_group_id")
    ).values("evening_id")
    return Q(pk__in=years)


class EventPolicy(Policy[Event]):
    model = Event

    def scope(self, actor: Actor) -> Q:
        scope = Q(school_id__in=actor.schools_where(EVENTS_MANAGE))
        if actor.is_guardian:
            scope |= event_audience(family_pupils(actor))
        return scope

    def may(self, actor: Actor, action: str, record: Event) -> bool:
        if action == MANAGE:
            return actor.can(EVENTS_MANAGE, record.school_id)
        return super().may(actor, action, record)


class EveningPolicy(Policy[Evening]):
    model = Evening

    def scope(self, actor: Actor) -> Q:
        scope = Q(school_id__in=actor.schools_where(EVENTS_OWN_SCHEDULE))
        if actor.is_guardian:
            scope |= evening_audience(family_pupils(actor))
        return scope

    def may(self, actor: Actor, action: str, record: Evening) -> bool:
        if action == MANAGE:
            return actor.can(EVENTS_MANAGE, record.school_id)
        return super().may(actor, action, record)


class AppointmentPolicy(Policy[Appointment]):
    model = Appointment

    def scope(self, actor: Actor) -> Q:
        scope = Q(school_id__in=actor.schools_where(EVENTS_MANAGE))
        own = [
            staff_id
            for school_id, staff_id in actor.staff_ids.items()
            if actor.can(EVENTS_OWN_SCHEDULE, school_id)
        ]
        if own:
            scope |= Q(staff_id__in=own)
        if actor.is_guardian:
            scope |= Q(pupil_id__in=family_pupils(actor).values("pk"))
        return scope
