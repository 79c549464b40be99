"""Menu helpers for absence reporting."""

from __future__ import annotations

from django import template

from schoolwindow.core.capabilities import SEE_ABSENCE_REPORTS
from schoolwindow.core.permissions import Actor

register = template.Library()


@register.filter
def sees_absences(actor: Actor | None) -> bool:
    """Staff who see the absences families report (office, leaders, pastoral)."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.is_staff_member and actor.can_anywhere(SEE_ABSENCE_REPORTS)
