"""{% load watchlist %}: whether the signed-in person gets the Watchlist link."""

from __future__ import annotations

from django import template

from schoolwindow.core.capabilities import WATCHLIST_IN_MENU
from schoolwindow.core.permissions import Actor

register = template.Library()


@register.filter
def sees_watchlist(actor: Actor | None) -> bool:
    """Pastoral leads, leaders, DSLs, family liaison officers and advocates."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.can_anywhere(WATCHLIST_IN_MENU)
