"""The portal's tables live in its sub-packages; Django looks for them here."""

from schoolwindow.portal.absence.models import AbsenceReport, AbsenceSettings
from schoolwindow.portal.details.models import (
    DetailsChange,
    DetailsCheck,
    DetailsSettings,
    MedicalAlert,
)

__all__ = [
    "AbsenceReport",
    "AbsenceSettings",
    "DetailsChange",
    "DetailsCheck",
    "DetailsSettings",
    "MedicalAlert",
]
