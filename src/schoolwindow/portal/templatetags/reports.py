"""Menu helper for progress reports (for base.html's menu: `{% load reports %}` and
`{% if actor|writes_reports %}<li><a href="{% url 'portal_reports:staff' %}">…`)."""

from __future__ import annotations

from django import template

from schoolwindow.core.capabilities import REPORTS_WRITE
from schoolwindow.core.permissions import Actor

register = template.Library()


@register.filter
def writes_reports(actor: Actor | None) -> bool:
    """Staff who write progress reports (teachers, leaders)."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.is_staff_member and actor.can_anywhere(REPORTS_WRITE)
