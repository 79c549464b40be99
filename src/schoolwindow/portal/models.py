"""The portal's tables live in its sub-packages; Django looks for them here."""

from schoolwindow.portal.absence.models import AbsenceReport, AbsenceSettings
from schoolwindow.portal.events.models import (
    Appointment,
    Attendee,
    CalendarFeed,
    Evening,
    EveningTeacher,
    Event,
    Rsvp,
    Slot,
)

__all__ = [
    "AbsenceReport",
    "AbsenceSettings",
    "Appointment",
    "Attendee",
    "CalendarFeed",
    "Evening",
    "EveningTeacher",
    "Event",
    "Rsvp",
    "Slot",
]
