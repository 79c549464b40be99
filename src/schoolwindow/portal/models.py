"""The portal's tables live in its sub-packages; Django looks for them here."""

from schoolwindow.portal.absence.models import AbsenceReport, AbsenceSettings
from schoolwindow.portal.consent.models import (
    ConsentAnswer,
    ConsentPupil,
    ConsentReminder,
    ConsentRequest,
)
from schoolwindow.portal.details.models import (
    DetailsChange,
    DetailsCheck,
    DetailsSettings,
    MedicalAlert,
)
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
from schoolwindow.portal.portfolio.models import *  # noqa: F403
from schoolwindow.portal.reports.models import *  # noqa: F403 (progress reports)

__all__ = [
    "AbsenceReport",
    "AbsenceSettings",
    "Appointment",
    "Attendee",
    "CalendarFeed",
    "ConsentAnswer",
    "ConsentPupil",
    "ConsentReminder",
    "ConsentRequest",
    "DetailsChange",
    "DetailsCheck",
    "DetailsSettings",
    "Evening",
    "EveningTeacher",
    "Event",
    "MedicalAlert",
    "Rsvp",
    "Slot",
]
