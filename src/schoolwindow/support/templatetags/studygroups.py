"""{% load studygroups %}: the Study groups link in the menu."""

from __future__ import annotations

from django import template

from schoolwindow.core.capabilities import LEAD_STUDY_GROUPS
from schoolwindow.core.permissions import Actor

register = template.Library()


@register.filter
def sees_studygroups(actor: Actor | None) -> bool:
    """Staff who may form and lead study groups (pupils reach theirs from their home page)."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.can_anywhere(LEAD_STUDY_GROUPS)
