"""The portal's tables live in its sub-packages; Django looks for them here."""

from schoolwindow.portal.absence.models import AbsenceReport, AbsenceSettings
from schoolwindow.portal.portfolio.models import *  # noqa: F403

__all__ = ["AbsenceReport", "AbsenceSettings"]
