"""The portal's tables live in its sub-packages; Django looks for them here."""

from schoolwindow.portal.absence.models import AbsenceReport, AbsenceSettings
from schoolwindow.portal.details.models import (
    DetailsChange,
    DetailsCheck,
    DetailsSettings,
    MedicalAlert,
)
from schoolwindow.portal.consent.models import (
    ConsentAnswer,
    ConsentPupil,
    ConsentReminder,
    ConsentRequest,
)
from schoolwindow.portal.reports.models import *  # noqa: F403 (progress reports)
from schoolwindow.portal.portfolio.models import *  # noqa: F403

__all__ = [
    "AbsenceReport",
    "AbsenceSettings",
    "DetailsChange",
    "DetailsCheck",
    "DetailsSettings",
    "MedicalAlert",
    "ConsentAnswer",
    "ConsentPupil",
    "ConsentReminder",
    "ConsentRequest",
]
