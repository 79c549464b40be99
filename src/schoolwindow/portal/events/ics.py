"""Events and parents' evening appointments as calendar events (the writing is core/ical.py).

UIDs are the rows' random `uid` (nothing about the child, the family or the school in them);
SEQUENCE is the row's; a cancelled event or appointment stays, STATUS:CANCELLED. The summary
names the teacher (for a family) or the child's first name and initial (for the teacher) and no
more; nothing from the record."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwindow.core.ical import CalendarEvent, calendar_text
from schoolwindow.portal.events.models import (
    Appointment,
    AppointmentStatus,
    CalendarFeed,
    Event,
    Mode,
)


def event_entry(event: Event) -> CalendarEvent:
    return CalendarEvent(
        uid=event.uid,
        sequence=event.sequence,
        stamp=event.updated_at,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=event.title,
        status="CANCELLED" if event.cancelled else "CONFIRMED",
        description=event.description,
        location=event.location,
        url=settings.SITE_URL
        + reverse("portal_events:family_event", kwargs={"event_id": event.pk}),
    )


def how(appointment: Appointment) -> str:
    if appointment.mode == Mode.VIDEO:
        link = appointment.slot.teacher.video_url
        return _("By video: %(link)s") % {"link": link} if link else _("By video")
    if appointment.mode == Mode.PHONE:
        return _("By phone: the teacher will ring you")
    return _("In person")


def appointment_entry(appointment: Appointment, *, for_staff: bool) -> CalendarEvent:
    if for_staff:
        pupil = appointment.pupil
        surname = pupil.preferred_last_name or pupil.legal_last_name
        summary = _("Parents' evening: %(name)s") % {
            "name": f"{pupil.display_name.split(' ')[0]} {surname[:1]}."
        }
        url = settings.SITE_URL + reverse(
            "portal_events:schedule", kwargs={"evening_id": appointment.evening_id}
        )
    else:
        summary = _("Parents' evening: %(teacher)s") % {"teacher": appointment.staff.display_name}
        url = settings.SITE_URL + reverse(
            "portal_events:appointment", kwargs={"appointment_id": appointment.pk}
        )
    description = how(appointment)
    if appointment.interpreter_language:
        description += "\n" + _("Interpreter: %(language)s") % {
            "language": appointment.interpreter_language
        }
    location = appointment.slot.teacher.room or appointment.evening.location
    if appointment.mode != Mode.IN_PERSON:
        location = ""
    return CalendarEvent(
        uid=appointment.uid,
        sequence=appointment.sequence,
        stamp=appointment.updated_at,
        starts_at=appointment.slot.starts_at,
        ends_at=appointment.slot.ends_at,
        summary=summary,
        status="CANCELLED" if appointment.status == AppointmentStatus.CANCELLED else "CONFIRMED",
        description=description,
        location=location,
        url=url,
    )


def feed_text(feed: CalendarFeed, events: list[Event], appointments: list[Appointment]) -> str:
    for_staff = feed.staff_id is not None
    entries = [event_entry(event) for event in events]
    entries += [appointment_entry(appointment, for_staff=for_staff) for appointment in appointments]
    entries.sort(key=lambda entry: entry.starts_at)
    return calendar_text(
        name=_("School Window"), product="Events and parents evenings", events=entries
    )
