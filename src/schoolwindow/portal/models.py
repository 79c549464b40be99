"""The portal's tables live in its sub-packages; Django looks for them here."""

from schoolwindow.portal.absence.models import AbsenceReport, AbsenceSettings

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
