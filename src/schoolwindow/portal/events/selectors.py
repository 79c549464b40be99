"""Reads for events and parents' evenings: a parent's children and what is meant for them, the
slots still free, staff lists (replies, who has not booked, a teacher's schedule), and feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from schoolwindow.core.capabilities import EVENTS_MANAGE, EVENTS_OWN_SCHEDULE
from schoolwindow.core.errors import NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.engagement.models import FlagStatus
from schoolwindow.engagement.selectors import flags_visible
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Enrolment, GuardianLink, Pupil, PupilStatus
from schoolwindow.portal.events.models import (
    LIVE,
    Appointment,
    AppointmentStatus,
    Attendee,
    CalendarFeed,
    Evening,
    EveningTeacher,
    Event,
    Reply,
    Rsvp,
    Slot,
)
from schoolwindow.portal.events.policies import event_audience, family_pupils

FEED_PAST_DAYS = 60  # calendars keep what they already have; the feed reaches back this far
FEED_LIMIT = 500


def children_of(actor: Actor) -> list[Pupil]:
    """The children this parent may see, across the trust's schools (never one under a contact
    restriction for this guardian)."""
    if not actor.is_guardian:
        return []
    links = (
        contactable_links(guardian_id=actor.guardian_id, pupil__status=PupilStatus.ACTIVE)
        .select_related("pupil__school", "pupil__year_group")
        .order_by("pupil__legal_first_name", "pupil_id")
    )
    return [link.pupil for link in links]


def child_of(actor: Actor, pupil_id: int) -> Pupil:
    child = next((pupil for pupil in children_of(actor) if pupil.pk == pupil_id), None)
    if child is None:
        raise NotFound
    return child


# --- Events ----------------------------------------------------------------------------------


def family_events(*, actor: Actor, now: dt.datetime) -> QuerySet[Event]:
    """Events meant for this parent's children, still to come (cancelled ones say so)."""
    if not actor.is_guardian:
        return Event.objects.none()
    mine = Rsvp.objects.filter(event=OuterRef("pk"), guardian_id=actor.guardian_id or 0)
    return (
        Event.objects.filter(event_audience(family_pupils(actor)), ends_at__gte=now)
        .select_related("school")
        .annotate(
            my_reply=mine.values("reply")[:1],
            my_people=mine.values("people")[:1],
        )
        .order_by("starts_at", "id")
    )


def family_event_get(*, actor: Actor, event_id: int) -> Event:
    if not actor.is_guardian:
        raise NotFound
    event = (
        Event.objects.filter(event_audience(family_pupils(actor)), pk=event_id)
        .select_related("school")
        .first()
    )
    if event is None:
        raise NotFound
    return event


def reply_of(*, actor: Actor, event: Event) -> Rsvp | None:
    return Rsvp.objects.filter(event=event, guardian_id=actor.guardian_id or 0).first()


def staff_events(*, actor: Actor) -> QuerySet[Event]:
    return (
        policy_for(Event)
        .visible(actor)
        .filter(school_id__in=actor.schools_where(EVENTS_MANAGE))
        .select_related("school")
        .annotate(
            coming=Sum("rsvps__people", filter=Q(rsvps__reply=Reply.YES), default=0),
            replies=Count("rsvps"),
        )
        .order_by("-starts_at", "-id")
    )


def event_get(*, actor: Actor, event_id: int, action: str = "view") -> Event:
    queryset = Event.objects.select_related("school")
    return policy_for(Event).get(actor, pk=event_id, action=action, queryset=queryset)


def event_replies(*, event: Event) -> QuerySet[Rsvp]:
    return (
        Rsvp.objects.filter(event=event)
        .select_related("guardian")
        .order_by("reply", "guardian__last_name", "guardian_id")
    )


def audience_pupils(event: Event) -> QuerySet[Pupil]:
    pupils = Pupil.objects.filter(school_id=event.school_id, status=PupilStatus.ACTIVE)
    if event.audience == "years":
        return pupils.filter(year_group__in=event.year_groups.all())
    if event.audience == "groups":
        enrolled = Enrolment.objects.filter(group__in=event.groups.all(), active=True)
        return pupils.filter(pk__in=enrolled.values("pupil_id"))
    return pupils


def unanswered_links(event: Event) -> QuerySet[GuardianLink]:
    """The contactable links of the event's pupils whose guardian has not replied."""
    replied = Rsvp.objects.filter(event=event).values("guardian_id")
    return (
        contactable_links(school_id=event.school_id, pupil__in=audience_pupils(event))
        .exclude(guardian_id__in=replied)
        .order_by("pupil_id", "contact_priority", "guardian_id")
    )


# --- Parents' evenings -----------------------------------------------------------------------


def closes_at(evening: Evening, starts_at: dt.datetime) -> dt.datetime:
    return starts_at - dt.timedelta(minutes=evening.close_minutes)


def evening_closes(evening: Evening) -> dt.datetime:
    """When the last slot closes: after that, nothing can be booked, changed or cancelled."""
    last_start = dt.datetime.combine(
        evening.date, evening.starts, tzinfo=timezone.get_current_timezone()
    )
    last = (
        Slot.objects.filter(evening=evening)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return closes_at(evening, last or last_start)


def first_close(evening: Evening) -> dt.datetime:
    start = dt.datetime.combine(
        evening.date, evening.starts, tzinfo=timezone.get_current_timezone()
    )
    return closes_at(evening, start)


def family_evenings(*, actor: Actor, today: dt.date) -> QuerySet[Evening]:
    if not actor.is_guardian:
        return Evening.objects.none()
    return (
        policy_for(Evening)
        .visible(actor)
        .filter(
            pk__in=Evening.year_groups.through.objects.filter(
                yeargroup_id__in=family_pupils(actor).values("year_group_id")
            ).values("evening_id")
        )
        .filter(date__gte=today, cancelled=False)
        .select_related("school")
        .order_by("date", "id")
    )


def family_evening_get(*, actor: Actor, evening_id: int) -> Evening:
    evening = family_evenings(actor=actor, today=dt.date.min).filter(pk=evening_id).first()
    if evening is None:
        raise NotFound
    return evening


def children_at(evening: Evening, children: list[Pupil]) -> list[Pupil]:
    years = set(evening.year_groups.values_list("pk", flat=True))
    return [
        child
        for child in children
        if child.school_id == evening.school_id and child.year_group_id in years
    ]


def teachers_of_child(evening: Evening, pupil: Pupil) -> list[EveningTeacher]:
    """The evening's teachers who teach the child (a class they teach); a child none of them
    teaches (a primary class whose teacher is not on the timetable) may see every one."""
    teachers = list(
        EveningTeacher.objects.filter(evening=evening)
        .select_related("staff")
        .order_by("staff__last_name", "pk")
    )
    groups = Enrolment.objects.filter(pupil=pupil, active=True).values("group_id")
    teaching = set(
        pupil.school.staff.filter(teaching_assignments__group_id__in=groups).values_list(
            "pk", flat=True
        )
    )
    mine = [teacher for teacher in teachers if teacher.staff_id in teaching]
    return mine or teachers


def live_q(now: dt.datetime, prefix: str = "") -> Q:
    """A live appointment: booked, or held and not yet run out."""
    return Q(**{f"{prefix}status": AppointmentStatus.BOOKED}) | Q(
        **{f"{prefix}status": AppointmentStatus.HELD, f"{prefix}held_until__gt": now}
    )


def free_slots(
    *, evening: Evening, teacher_ids: list[int], now: dt.datetime
) -> dict[int, list[Slot]]:
    """Per teacher, the slots still open (not closed) and free (nobody booked or holding)."""
    taken = Appointment.objects.filter(live_q(now), slot=OuterRef("pk"))
    cutoff = now + dt.timedelta(minutes=evening.close_minutes)
    slots = (
        Slot.objects.filter(evening=evening, teacher_id__in=teacher_ids, starts_at__gt=cutoff)
        .exclude(Exists(taken))
        .order_by("starts_at", "pk")
    )
    found: dict[int, list[Slot]] = {teacher: [] for teacher in teacher_ids}
    for slot in slots:
        found[slot.teacher_id].append(slot)
    return found


def child_appointments(*, evening: Evening, pupil: Pupil, now: dt.datetime) -> list[Appointment]:
    """The child's live appointments at the evening, whoever of the parents booked them."""
    return list(
        Appointment.objects.filter(live_q(now), evening=evening, pupil=pupil)
        .select_related("slot", "staff", "guardian")
        .prefetch_related(
            Prefetch("joined", queryset=Attendee.objects.only("appointment_id", "guardian_id"))
        )
        .order_by("slot__starts_at", "pk")
    )


def appointment_get(*, actor: Actor, appointment_id: int, family: bool = False) -> Appointment:
    queryset = Appointment.objects.select_related(
        "slot", "staff", "pupil", "guardian", "evening__school", "slot__teacher"
    )
    if family:
        if not actor.is_guardian:
            raise NotFound
        queryset = queryset.filter(pupil_id__in=family_pupils(actor).values("pk"))
    return policy_for(Appointment).get(actor, pk=appointment_id, queryset=queryset)


def is_attending(actor: Actor, appointment: Appointment) -> bool:
    if appointment.guardian_id == actor.guardian_id:
        return True
    return Attendee.objects.filter(
        appointment=appointment, guardian_id=actor.guardian_id or 0
    ).exists()


def staff_evenings(*, actor: Actor) -> QuerySet[Evening]:
    return (
        policy_for(Evening)
        .visible(actor)
        .filter(school_id__in=actor.schools_where(EVENTS_OWN_SCHEDULE))
        .select_related("school")
        .annotate(
            booked=Count("appointments", filter=Q(appointments__status=AppointmentStatus.BOOKED))
        )
        .order_by("-date", "-id")
    )


def evening_get(*, actor: Actor, evening_id: int, action: str = "view") -> Evening:
    queryset = Evening.objects.select_related("school")
    if not actor.is_staff_member:
        raise NotFound
    return policy_for(Evening).get(actor, pk=evening_id, action=action, queryset=queryset)


def schedule(*, evening: Evening, staff_id: int) -> list[tuple[Slot, Appointment | None]]:
    """A teacher's evening: every slot, with the appointment in it (booked only)."""
    booked = (
        Appointment.objects.filter(status=AppointmentStatus.BOOKED)
        .select_related("pupil__year_group", "guardian")
        .prefetch_related(Prefetch("joined", queryset=Attendee.objects.select_related("guardian")))
    )
    slots = (
        Slot.objects.filter(evening=evening, staff_id=staff_id)
        .prefetch_related(Prefetch("appointments", queryset=booked, to_attr="booked"))
        .order_by("starts_at")
    )
    return [(slot, slot.booked[0] if slot.booked else None) for slot in slots]


@dataclass(frozen=True)
class Unbooked:
    pupil: Pupil
    watch: bool


def unbooked_families(*, actor: Actor, evening: Evening) -> QuerySet[Pupil]:
    """Pupils the evening is for with no booked appointment: families on the watchlist first
    (an open flag the actor may see, asked of engagement), then by year and name. Each pupil
    carries the guardians the school may contact (`callable_links`)."""
    booked = Appointment.objects.filter(
        evening=evening, status=AppointmentStatus.BOOKED, pupil=OuterRef("pk")
    )
    flagged = flags_visible(actor=actor).filter(status=FlagStatus.OPEN, pupil=OuterRef("pk"))
    links = (
        contactable_links(school_id=evening.school_id)
        .select_related("guardian")
        .order_by("contact_priority", "guardian_id")
    )
    return (
        Pupil.objects.filter(
            school_id=evening.school_id,
            status=PupilStatus.ACTIVE,
            year_group__in=evening.year_groups.all(),
        )
        .exclude(Exists(booked))
        .annotate(watch=Exists(flagged))
        .select_related("year_group")
        .prefetch_related(Prefetch("guardian_links", queryset=links, to_attr="callable_links"))
        .order_by("-watch", "year_group__ordinal", "legal_last_name", "legal_first_name", "pk")
    )


# --- The parent's home ----------------------------------------------------------------------


def coming_up(
    *, guardian_id: int, pupil: Pupil, now: dt.datetime, limit: int = 3
) -> list[tuple[dt.datetime, str, str]]:
    """The child's next events and appointments, soonest first: (when, what, kind)."""
    from schoolwindow.portal.events.policies import event_audience as audience

    one = Pupil.objects.filter(pk=pupil.pk)
    events = list(
        Event.objects.filter(audience(one), cancelled=False, ends_at__gte=now)
        .order_by("starts_at")
        .values_list("starts_at", "title", "pk")[:limit]
    )
    appointments = list(
        Appointment.objects.filter(
            Q(guardian_id=guardian_id) | Q(joined__guardian_id=guardian_id),
            pupil=pupil,
            status=AppointmentStatus.BOOKED,
            slot__starts_at__gte=now,
        )
        .order_by("slot__starts_at")
        .values_list("slot__starts_at", "staff__title", "staff__last_name", "pk")[:limit]
    )
    rows = [(when, title, f"event:{pk}") for when, title, pk in events]
    rows += [
        (when, f"{title} {last}".strip(), f"appointment:{pk}")
        for when, title, last, pk in appointments
    ]
    return sorted(rows)[:limit]


# --- Feeds -----------------------------------------------------------------------------------


def feed_get(*, token: str) -> CalendarFeed:
    """The feed a private address opens; NotFound for an unknown or replaced token."""
    feed = (
        CalendarFeed.objects.select_related("staff", "guardian").filter(token=token).first()
        if token
        else None
    )
    if feed is None or (feed.staff is not None and not feed.staff.active):
        raise NotFound
    return feed


def feed_of(*, actor: Actor, school_id: int | None = None) -> CalendarFeed | None:
    if school_id is not None:
        staff_id = actor.staff_ids.get(school_id)
        return CalendarFeed.objects.filter(staff_id=staff_id).first() if staff_id else None
    if actor.guardian_id is None:
        return None
    return CalendarFeed.objects.filter(guardian_id=actor.guardian_id or 0).first()


def feed_events(feed: CalendarFeed) -> list[Event]:
    if feed.guardian_id is None:
        return []
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    said_yes = Rsvp.objects.filter(guardian_id=feed.guardian_id, reply=Reply.YES).values("event_id")
    return list(
        Event.objects.filter(pk__in=said_yes, ends_at__gte=since)
        .select_related("school")
        .order_by("starts_at")[:FEED_LIMIT]
    )


def feed_appointments(feed: CalendarFeed) -> list[Appointment]:
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    mine = Appointment.objects.exclude(status=AppointmentStatus.HELD).filter(
        slot__starts_at__gte=since
    )
    if feed.staff_id is not None:
        mine = mine.filter(staff_id=feed.staff_id)
    else:
        joined = Attendee.objects.filter(guardian_id=feed.guardian_id or 0).values("appointment_id")
        mine = mine.filter(Q(guardian_id=feed.guardian_id or 0) | Q(pk__in=joined))
        # A parent now under a contact restriction for the child no longer sees it.
        mine = mine.filter(
            pupil_id__in=contactable_links(guardian_id=feed.guardian_id or 0).values("pupil_id")
        )
    return list(
        mine.select_related("slot__teacher", "staff", "pupil", "evening__school").order_by(
            "slot__starts_at"
        )[:FEED_LIMIT]
    )


__all__ = ["LIVE"]
