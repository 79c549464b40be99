"""The support app's models live in its sub-packages; Django finds them here."""

from schoolwindow.support.advocates.models import (
    AdvocacySettings,
    AdvocateContact,
    AdvocateContactKind,
    CaseloadLimit,
    PupilCadence,
    VulnerableDesignation,
)

__all__ = [
    "AdvocacySettings",
    "AdvocateContact",
    "AdvocateContactKind",
    "CaseloadLimit",
    "PupilCadence",
    "VulnerableDesignation",
]
