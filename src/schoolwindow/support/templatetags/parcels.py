"""{% load parcels %}: the Parcels link in the menu."""

from __future__ import annotations

from django import template

from schoolwindow.core.capabilities import MANAGE_PARCELS
from schoolwindow.core.permissions import Actor

register = template.Library()


@register.filter
def sees_parcels(actor: Actor | None) -> bool:
    """Staff who ask for, pack and deliver care packages and food parcels."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.is_staff_member and actor.can_anywhere(MANAGE_PARCELS)
