"""{% load advocates %}: the Advocates link in the menu."""

from __future__ import annotations

from django import template

from schoolwindow.core.capabilities import MANAGE_ADVOCACY, SEE_CASELOAD
from schoolwindow.core.permissions import Actor

register = template.Library()


@register.filter
def sees_advocates(actor: Actor | None) -> bool:
    """Advocates (their caseload) and those who manage advocacy (every caseload, coverage)."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.can_anywhere(SEE_CASELOAD) or actor.can_anywhere(MANAGE_ADVOCACY)
