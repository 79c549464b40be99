"""{% load watchlist %}: whether the signed-in person gets the Watchlist link."""

from __future__ import annotations

from django import template

from schoolwindow.core.permissions import Actor
from schoolwindow.engagement.selectors import FLAG_WHOLE_ROLES
from schoolwindow.people.models import Role

register = template.Library()


@register.filter
def sees_watchlist(actor: Actor | None) -> bool:
    """Pastoral leads, leaders, DSLs, family liaison officers and advocates."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.has_any_role(*FLAG_WHOLE_ROLES, Role.ADVOCATE)
