"""The support app's models live in its sub-packages; Django finds them here."""

from schoolwindow.support.visits.models import (
    HomeVisit,
    VisitAction,
    VisitCalendar,
    VisitConcern,
)

__all__ = ["HomeVisit", "VisitAction", "VisitCalendar", "VisitConcern"]
