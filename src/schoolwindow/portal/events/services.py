"""Writes for events and parents' evenings. Each service checks the actor, locks what it checks,
writes, audits, in one transaction.

Booking a slot is two steps so a parent can choose how to meet without losing the time: a hold
(`appointment_hold`, kept `HOLD_MINUTES`) and a confirmation (`appointment_confirm`). Holding
locks the slot row (select_for_update): of 200 parents pressing the same button, one gets it and
the others are told it has just gone; the partial unique index on live appointments is the
backstop the database itself keeps. A hold that ran out is released by whoever holds the slot
next, in the same locked transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import EVENTS_MANAGE
from schoolwindow.core.errors import Invalid, NotFound
from schoolwindow.core.once import AlreadyDone, content_token, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging import api as messaging
from schoolwindow.people.models import Staff
from schoolwindow.portal.events import selectors
from schoolwindow.portal.events.models import (
    Appointment,
    AppointmentStatus,
    Attendee,
    Audience,
    CalendarFeed,
    Evening,
    EveningTeacher,
    Event,
    Mode,
    Reply,
    Rsvp,
    Slot,
    new_feed_token,
)
from schoolwindow.portal.events.policies import MANAGE
from schoolwindow.schools.models import Group, YearGroup

HOLD_MINUTES = 5


def me(actor: Actor) -> int:
    """The parent's guardian id; someone who is not a parent has nothing here."""
    if actor.guardian_id is None:
        raise NotFound
    return actor.guardian_id


MAX_REMINDERS = 2
MAX_PEOPLE = 10
MAX_TEXT = 2000
MAX_SLOTS_PER_TEACHER = 60


# --- Events ----------------------------------------------------------------------------------


def _audience_check(
    *, school_id: int, audience: str, year_group_ids: Sequence[int], group_ids: Sequence[int]
) -> tuple[list[int], list[int]]:
    if audience not in Audience.values:
        raise Invalid(_("Choose who the event is for."), field="audience")
    years = list(
        YearGroup.objects.filter(school_id=school_id, pk__in=year_group_ids).values_list(
            "pk", flat=True
        )
    )
    groups = list(
        Group.objects.filter(school_id=school_id, pk__in=group_ids).values_list("pk", flat=True)
    )
    if audience == Audience.YEARS and not years:
        raise Invalid(_("Choose at least one year group."), field="year_groups")
    if audience == Audience.GROUPS and not groups:
        raise Invalid(_("Choose at least one class or group."), field="groups")
    return (years if audience == Audience.YEARS else []), (
        groups if audience == Audience.GROUPS else []
    )


def _times_check(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid(_("The end must be after the start."), field="ends_at")


def event_create(
    *,
    actor: Actor,
    school_id: int,
    title: str,
    description: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    audience: str = Audience.SCHOOL,
    year_group_ids: Sequence[int] = (),
    group_ids: Sequence[int] = (),
    once: uuid.UUID | None = None,
) -> Event:
    actor.require(EVENTS_MANAGE, school_id)
    title = title.strip()
    if not title:
        raise Invalid(_("Give the event a name."), field="title")
    _times_check(starts_at, ends_at)
    years, groups = _audience_check(
        school_id=school_id, audience=audience, year_group_ids=year_group_ids, group_ids=group_ids
    )
    with transaction.atomic():
        repeated = _("This event was already added.")
        claim = once_claim(once, actor=actor, repeated=repeated)
        same = once_claim(
            content_token("event", school_id, title, starts_at.isoformat()),
            actor=actor,
            repeated=repeated,
        )
        event = Event.objects.create(
            school_id=school_id,
            title=title[:140],
            description=description.strip()[:MAX_TEXT],
            starts_at=starts_at,
            ends_at=ends_at,
            location=location.strip()[:200],
            audience=audience,
            created_by=actor.user,
        )
        event.year_groups.set(years)
        event.groups.set(groups)
        audit_record(
            actor=actor, action="events.event_created", target=event, detail={"title": event.title}
        )
        url = reverse("portal_events:staff_event", kwargs={"event_id": event.pk})
        once_done(claim, url)
        once_done(same, url)
    return event


def event_update(
    *,
    actor: Actor,
    event_id: int,
    title: str,
    description: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
) -> Event:
    title = title.strip()
    if not title:
        raise Invalid(_("Give the event a name."), field="title")
    _times_check(starts_at, ends_at)
    with transaction.atomic():
        event = policy_for(Event).visible(actor).select_for_update().filter(pk=event_id).first()
        if event is None:
            raise NotFound
        policy_for(Event).check(actor, MANAGE, event)
        event.title = title[:140]
        event.description = description.strip()[:MAX_TEXT]
        event.starts_at, event.ends_at = starts_at, ends_at
        event.location = location.strip()[:200]
        event.sequence = F("sequence") + 1
        event.save()
        event.refresh_from_db()
        audit_record(
            actor=actor, action="events.event_changed", target=event, detail={"title": event.title}
        )
    return event


def event_cancel(*, actor: Actor, event_id: int) -> Event:
    with transaction.atomic():
        event = policy_for(Event).visible(actor).select_for_update().filter(pk=event_id).first()
        if event is None:
            raise NotFound
        policy_for(Event).check(actor, MANAGE, event)
        if event.cancelled:
            raise AlreadyDone(_("This event was already cancelled."))
        event.cancelled = True
        event.sequence = F("sequence") + 1
        event.save(update_fields=["cancelled", "sequence", "updated_at"])
        event.refresh_from_db()
        audit_record(
            actor=actor,
            action="events.event_cancelled",
            target=event,
            detail={"title": event.title},
        )
    return event


def rsvp_reply(
    *, actor: Actor, event_id: int, reply: str, people: int = 1, now: dt.datetime | None = None
) -> Rsvp:
    """A family's answer; answering again changes it (both parents may answer for themselves)."""
    now = now or timezone.now()
    if reply not in Reply.values:
        raise Invalid(_("Choose yes or no."), field="reply")
    if reply == Reply.YES and not 1 <= people <= MAX_PEOPLE:
        raise Invalid(_("Say how many of you are coming, from 1 to 10."), field="people")
    event = selectors.family_event_get(actor=actor, event_id=event_id)
    if event.cancelled:
        raise Invalid(_("This event was cancelled."), field="reply")
    if event.ends_at < now:
        raise Invalid(_("This event has already happened."), field="reply")
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        rsvp, created = Rsvp.objects.update_or_create(
            event=event,
            guardian_id=me(actor),
            defaults={
                "school_id": event.school_id,
                "reply": reply,
                "people": people if reply == Reply.YES else 0,
            },
        )
        audit_record(
            actor=actor,
            action="events.replied",
            target=rsvp,
            detail={
                "event": event.pk,
                "reply": reply,
                "people": rsvp.people,
                "changed": not created,
            },
        )
    return rsvp


def event_remind(*, actor: Actor, event_id: int) -> int:
    """Remind the families who have not replied, at most MAX_REMINDERS times per event; each
    family once per reminder, through messaging (which writes in their language and channel).
    Returns how many families were written to."""
    with transaction.atomic():
        event = policy_for(Event).visible(actor).select_for_update().filter(pk=event_id).first()
        if event is None:
            raise NotFound
        policy_for(Event).check(actor, MANAGE, event)
        if event.cancelled:
            raise Invalid(_("This event was cancelled."))
        if event.reminders_sent >= MAX_REMINDERS:
            raise Invalid(_("Families have already been reminded twice about this event."))
        by_pupil: dict[int, list[int]] = {}
        for link in selectors.unanswered_links(event):
            by_pupil.setdefault(link.pupil_id, []).append(link.guardian_id)
        url = reverse("portal_events:family_event", kwargs={"event_id": event.pk})
        body = _("Please let us know if you are coming to %(title)s on %(day)s: %(url)s") % {
            "title": event.title,
            "day": timezone.localtime(event.starts_at).strftime("%d.%m.%Y %H:%M"),
            "url": url,
        }
        written: set[int] = set()
        for pupil_id, guardian_ids in by_pupil.items():
            fresh = [guardian for guardian in guardian_ids if guardian not in written]
            if not fresh:
                continue  # a family with two children in the audience hears once
            messaging.family_message_queue(
                actor=actor,
                school_id=event.school_id,
                pupil_id=pupil_id,
                guardian_ids=fresh,
                subject=event.title,
                body=body,
            )
            written.update(fresh)
        event.reminders_sent = F("reminders_sent") + 1
        event.save(update_fields=["reminders_sent"])
        audit_record(
            actor=actor, action="events.reminded", target=event, detail={"families": len(written)}
        )
    return len(written)


# --- Parents' evenings -----------------------------------------------------------------------


def evening_create(
    *,
    actor: Actor,
    school_id: int,
    title: str,
    date: dt.date,
    starts: dt.time,
    ends: dt.time,
    slot_minutes: int,
    opens_at: dt.datetime,
    close_minutes: int,
    staff_ids: Sequence[int],
    year_group_ids: Sequence[int],
    modes: Sequence[str] = (Mode.IN_PERSON,),
    video_url: str = "",
    location: str = "",
    once: uuid.UUID | None = None,
) -> Evening:
    """An evening, its teachers and every teacher's slots from `starts` to `ends`."""
    actor.require(EVENTS_MANAGE, school_id)
    title = title.strip()
    if not title:
        raise Invalid(_("Give the evening a name."), field="title")
    if not 5 <= slot_minutes <= 60:
        raise Invalid(_("Make slots between 5 and 60 minutes long."), field="slot_minutes")
    if ends <= starts:
        raise Invalid(_("The evening must end after it starts."), field="ends")
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(date, starts, tzinfo=zone)
    last = dt.datetime.combine(date, ends, tzinfo=zone)
    if opens_at >= first - dt.timedelta(minutes=close_minutes):
        raise Invalid(_("Booking must open before the first slot closes."), field="opens_at")
    modes = [mode for mode in modes if mode in Mode.values]
    if not modes:
        raise Invalid(_("Choose at least one way to meet."), field="modes")
    if Mode.VIDEO in modes and not video_url.startswith("https://"):
        raise Invalid(
            _("Give the link to the school's video meetings (it starts https://)."),
            field="video_url",
        )
    staff = list(Staff.objects.filter(school_id=school_id, active=True, pk__in=staff_ids))
    if not staff:
        raise Invalid(_("Choose the teachers taking part."), field="staff")
    years = list(
        YearGroup.objects.filter(school_id=school_id, pk__in=year_group_ids).values_list(
            "pk", flat=True
        )
    )
    if not years:
        raise Invalid(_("Choose the year groups the evening is for."), field="year_groups")
    step = dt.timedelta(minutes=slot_minutes)
    times: list[dt.datetime] = []
    moment = first
    while moment + step <= last and len(times) < MAX_SLOTS_PER_TEACHER:
        times.append(moment)
        moment += step
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This evening was already set up."))
        evening = Evening.objects.create(
            school_id=school_id,
            title=title[:140],
            date=date,
            starts=starts,
            ends=ends,
            slot_minutes=slot_minutes,
            opens_at=opens_at,
            close_minutes=close_minutes,
            location=location.strip()[:200],
            created_by=actor.user,
        )
        evening.year_groups.set(years)
        slots = []
        for member in staff:
            teacher = EveningTeacher.objects.create(
                school_id=school_id,
                evening=evening,
                staff=member,
                in_person=Mode.IN_PERSON in modes,
                phone=Mode.PHONE in modes,
                video=Mode.VIDEO in modes,
                video_url=video_url if Mode.VIDEO in modes else "",
            )
            slots += [
                Slot(
                    school_id=school_id,
                    evening=evening,
                    teacher=teacher,
                    staff=member,
                    starts_at=time,
                    ends_at=time + step,
                )
                for time in times
            ]
        Slot.objects.bulk_create(slots)
        audit_record(
            actor=actor,
            action="events.evening_created",
            target=evening,
            detail={"title": evening.title, "teachers": len(staff), "slots": len(slots)},
        )
        once_done(claim, reverse("portal_events:staff_evening", kwargs={"evening_id": evening.pk}))
    return evening


def evening_teacher_update(
    *,
    actor: Actor,
    teacher_id: int,
    in_person: bool,
    phone: bool,
    video: bool,
    video_url: str = "",
    room: str = "",
) -> EveningTeacher:
    with transaction.atomic():
        teacher = (
            EveningTeacher.objects.select_for_update()
            .select_related("evening")
            .filter(pk=teacher_id)
            .first()
        )
        if teacher is None:
            raise NotFound
        evening = selectors.evening_get(actor=actor, evening_id=teacher.evening_id, action=MANAGE)
        if not (in_person or phone or video):
            raise Invalid(_("Choose at least one way to meet."), field="in_person")
        if video and not video_url.startswith("https://"):
            raise Invalid(
                _("Give the link to the school's video meetings (it starts https://)."),
                field="video_url",
            )
        teacher.in_person, teacher.phone, teacher.video = in_person, phone, video
        teacher.video_url = video_url if video else ""
        teacher.room = room.strip()[:60]
        teacher.save()
        # Calendars show the room and the link: every appointment with this teacher changed.
        Appointment.objects.filter(slot__teacher=teacher).update(
            sequence=F("sequence") + 1, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="events.teacher_changed",
            target=evening,
            detail={"staff": teacher.staff_id},
        )
    return teacher


def _open_check(evening: Evening, slot_starts: dt.datetime, now: dt.datetime) -> None:
    if evening.cancelled:
        raise Invalid(_("This parents' evening was cancelled."))
    if now < evening.opens_at:
        raise Invalid(
            _("Booking opens on %(when)s.")
            % {"when": timezone.localtime(evening.opens_at).strftime("%d.%m.%Y %H:%M")}
        )
    if now >= selectors.closes_at(evening, slot_starts):
        raise Invalid(_("Booking for this time has closed. Please contact the school office."))


def appointment_hold(
    *,
    actor: Actor,
    slot_id: int,
    pupil_id: int,
    now: dt.datetime | None = None,
    once: uuid.UUID | None = None,
) -> Appointment:
    """Keep a slot for this parent and child for HOLD_MINUTES while they confirm."""
    now = now or timezone.now()
    child = selectors.child_of(actor, pupil_id)
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This time is already kept for you."))
        # Lock the slot: every parent trying for it waits here, then sees what the winner did.
        slot = (
            Slot.objects.select_for_update()
            .select_related("evening", "teacher")
            .filter(pk=slot_id)
            .first()
        )
        if slot is None:
            raise NotFound
        evening = slot.evening
        if child not in selectors.children_at(evening, [child]):
            raise NotFound
        if slot.teacher_id not in {
            teacher.pk for teacher in selectors.teachers_of_child(evening, child)
        }:
            raise NotFound
        _open_check(evening, slot.starts_at, now)
        live = Appointment.objects.filter(selectors.live_q(now), slot=slot).first()
        if live is not None:
            raise Invalid(
                _("Sorry, someone has just taken that time. Please choose another."), field="slot"
            )
        # Holds that ran out (in this slot, whoever's) and this parent's earlier holds with
        # this teacher for this child are released: one hold per parent, child and teacher.
        Appointment.objects.filter(
            Q(slot=slot)
            | Q(evening=evening, pupil=child, staff_id=slot.staff_id, guardian_id=me(actor)),
            status=AppointmentStatus.HELD,
        ).update(status=AppointmentStatus.CANCELLED, held_until=None)
        teacher = slot.teacher
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    school_id=slot.school_id,
                    evening=evening,
                    slot=slot,
                    staff_id=slot.staff_id,
                    pupil=child,
                    guardian_id=me(actor),
                    status=AppointmentStatus.HELD,
                    held_until=now + dt.timedelta(minutes=HOLD_MINUTES),
                    mode=teacher.modes[0] if teacher.modes else Mode.IN_PERSON,
                )
        except IntegrityError:
            raise Invalid(
                _("Sorry, someone has just taken that time. Please choose another."), field="slot"
            ) from None
        audit_record(
            actor=actor,
            action="events.slot_held",
            target=appointment,
            detail={"evening": evening.pk},
        )
        once_done(
            claim, reverse("portal_events:appointment", kwargs={"appointment_id": appointment.pk})
        )
    return appointment


def _interpreter(language: str) -> str:
    language = language.strip()[:40]
    return language


def appointment_confirm(
    *,
    actor: Actor,
    appointment_id: int,
    mode: str,
    interpreter_language: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """Book a held slot: how to meet, and an interpreter if wanted. A booking this parent already
    had with the teacher for this child is cancelled (this was a change of time)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update()
            .filter(pk=appointment_id, guardian_id=me(actor))
            .first()
        )
        if appointment is None or appointment.pupil_id not in {
            child.pk for child in selectors.children_of(actor)
        }:
            raise NotFound
        if appointment.status == AppointmentStatus.BOOKED:
            raise AlreadyDone(
                _("This appointment is already booked."),
                url=reverse("portal_events:appointment", kwargs={"appointment_id": appointment.pk}),
            )
        if (
            appointment.status != AppointmentStatus.HELD
            or appointment.held_until is None
            or appointment.held_until <= now
        ):
            raise Invalid(
                _("We could only keep this time for 5 minutes. Please choose a time again."),
                field="mode",
            )
        slot = Slot.objects.select_related("evening", "teacher").get(pk=appointment.slot_id)
        _open_check(slot.evening, slot.starts_at, now)
        if mode not in slot.teacher.modes:
            raise Invalid(_("Choose how you would like to meet."), field="mode")
        previous = list(
            Appointment.objects.select_for_update().filter(
                evening_id=appointment.evening_id,
                pupil_id=appointment.pupil_id,
                staff_id=appointment.staff_id,
                guardian_id=me(actor),
                status=AppointmentStatus.BOOKED,
            )
        )
        for old in previous:
            old.status = AppointmentStatus.CANCELLED
            old.sequence += 1
            old.save(update_fields=["status", "sequence", "updated_at"])
            audit_record(
                actor=actor,
                action="events.appointment_cancelled",
                target=old,
                detail={"changed": True},
            )
        appointment.status = AppointmentStatus.BOOKED
        appointment.held_until = None
        appointment.mode = mode
        appointment.interpreter_language = _interpreter(interpreter_language)
        appointment.save()
        audit_record(
            actor=actor,
            action="events.appointment_booked",
            target=appointment,
            detail={
                "mode": mode,
                "interpreter": bool(appointment.interpreter_language),
                "changed": bool(previous),
            },
        )
    return appointment


def _booked_for_change(actor: Actor, appointment_id: int, now: dt.datetime) -> Appointment:
    appointment = Appointment.objects.select_for_update().filter(pk=appointment_id).first()
    if appointment is None or appointment.pupil_id not in {
        child.pk for child in selectors.children_of(actor)
    }:
        raise NotFound
    if appointment.status != AppointmentStatus.BOOKED:
        raise Invalid(_("This appointment is no longer booked."))
    slot = Slot.objects.select_related("evening", "teacher").get(pk=appointment.slot_id)
    if now >= selectors.closes_at(slot.evening, slot.starts_at):
        raise Invalid(_("Booking for this time has closed. Please contact the school office."))
    appointment.slot = slot
    return appointment


def appointment_change(
    *,
    actor: Actor,
    appointment_id: int,
    mode: str,
    interpreter_language: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _booked_for_change(actor, appointment_id, now)
        if not selectors.is_attending(actor, appointment):
            raise NotFound
        if mode not in appointment.slot.teacher.modes:
            raise Invalid(_("Choose how you would like to meet."), field="mode")
        appointment.mode = mode
        appointment.interpreter_language = _interpreter(interpreter_language)
        appointment.sequence += 1
        appointment.save()
        audit_record(
            actor=actor,
            action="events.appointment_changed",
            target=appointment,
            detail={"mode": mode},
        )
    return appointment


def appointment_join(
    *, actor: Actor, appointment_id: int, now: dt.datetime | None = None
) -> Appointment:
    """The child's other parent comes to the appointment already booked, rather than booking over
    it: the booking stays as it is, with a second parent."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _booked_for_change(actor, appointment_id, now)
        if appointment.guardian_id == me(actor):
            raise AlreadyDone(_("You booked this appointment."))
        _attendee, created = Attendee.objects.get_or_create(
            appointment=appointment, guardian_id=me(actor)
        )
        if not created:
            raise AlreadyDone(_("You have already joined this appointment."))
        appointment.sequence += 1
        appointment.save(update_fields=["sequence", "updated_at"])
        audit_record(actor=actor, action="events.appointment_joined", target=appointment)
    return appointment


def appointment_cancel(
    *, actor: Actor, appointment_id: int, now: dt.datetime | None = None
) -> Appointment:
    """The parent who booked cancels it (a parent who joined only leaves it)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().filter(pk=appointment_id).first()
        if appointment is not None and appointment.status == AppointmentStatus.HELD:
            if appointment.guardian_id != me(actor):
                raise NotFound
            appointment.status = AppointmentStatus.CANCELLED
            appointment.held_until = None
            appointment.save(update_fields=["status", "held_until", "updated_at"])
            return appointment
        appointment = _booked_for_change(actor, appointment_id, now)
        if appointment.guardian_id != me(actor):
            left = Attendee.objects.filter(appointment=appointment, guardian_id=me(actor)).delete()[
                0
            ]
            if not left:
                raise NotFound
            appointment.sequence += 1
            appointment.save(update_fields=["sequence", "updated_at"])
            audit_record(actor=actor, action="events.appointment_left", target=appointment)
            return appointment
        appointment.status = AppointmentStatus.CANCELLED
        appointment.sequence += 1
        appointment.save(update_fields=["status", "sequence", "updated_at"])
        audit_record(actor=actor, action="events.appointment_cancelled", target=appointment)
    return appointment


# --- Calendar feeds --------------------------------------------------------------------------


def feed_renew(*, actor: Actor, school_id: int | None = None) -> CalendarFeed:
    """Make (or replace) the private calendar address: the old address stops working at once.
    With a school: the member of staff's feed there; without: the parent's."""
    with transaction.atomic():
        if school_id is not None:
            staff_id = actor.staff_ids.get(school_id)
            if staff_id is None:
                raise NotFound
            feed, created = CalendarFeed.objects.select_for_update().get_or_create(
                staff_id=staff_id
            )
        else:
            if actor.guardian_id is None:
                raise NotFound
            feed, created = CalendarFeed.objects.select_for_update().get_or_create(
                guardian_id=me(actor)
            )
        if not created:
            feed.token = new_feed_token()
            feed.save(update_fields=["token", "created_at"])
        audit_record(
            actor=actor, action="events.feed_renewed", target=feed, detail={"new": created}
        )
    return feed
