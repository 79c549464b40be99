"""The support app's models, defined by concern in its sub-packages (one app, one set of
migrations), gathered here for Django."""

from schoolwindow.support.actions.models import FlagLink, SupportAction
from schoolwindow.support.advocates.models import (
    AdvocacySettings,
    AdvocateContact,
    AdvocateContactKind,
    CaseloadLimit,
    PupilCadence,
    VulnerableDesignation,
)
from schoolwindow.support.loans.models import (
    AgreementTemplate,
    Item,
    ItemEvent,
    ItemPhoto,
    Loan,
)
from schoolwindow.support.needs.models import NeedMet, NeedRule
from schoolwindow.support.outcomes.models import OutcomeSettings
from schoolwindow.support.parcels.models import (
    DeliveryRound,
    PackingList,
    ParcelItem,
    ParcelPupil,
    ParcelRequest,
)
from schoolwindow.support.studygroups.models import (
    CheckIn,
    StudyGroup,
    StudyGroupMember,
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
    "AgreementTemplate",
    "CaseloadLimit",
    "CheckIn",
    "DeliveryRound",
    "FlagLink",
    "HomeVisit",
    "Item",
    "ItemEvent",
    "ItemPhoto",
    "Loan",
    "NeedMet",
    "NeedRule",
    "OutcomeSettings",
    "PackingList",
    "ParcelItem",
    "ParcelPupil",
    "ParcelRequest",
    "PupilCadence",
    "StudyGroup",
    "StudyGroupMember",
    "SupportAction",
    "VisitAction",
    "VisitCalendar",
    "VisitConcern",
    "VulnerableDesignation",
]
