"""{% load needs %}: the Needs link in the menu."""

from __future__ import annotations

from django import template

from schoolwindow.core.capabilities import SEE_NEEDS
from schoolwindow.core.permissions import Actor

register = template.Library()


@register.filter
def sees_needs(actor: Actor | None) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    return actor.can_anywhere(SEE_NEEDS)
