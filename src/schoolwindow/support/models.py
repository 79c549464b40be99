"""The support app's models live in its sub-packages; Django finds them here."""

from schoolwindow.support.advocates.models import (
    AdvocacySettings,
    AdvocateContact,
    AdvocateContactKind,
    CaseloadLimit,
    PupilCadence,
    VulnerableDesignation,
)
from schoolwindow.support.visits.models import (
    HomeVisit,
    VisitAction,
    VisitCalendar,
    VisitConcern,
)

__all__ = [
    "AdvocacySettings",
    "AdvocateContact",
    "AdvocateContactKind",
    "CaseloadLimit",
    "HomeVisit",
    "PupilCadence",
    "VisitAction",
    "VisitCalendar",
    "VisitConcern",
    "VulnerableDesignation",
]
