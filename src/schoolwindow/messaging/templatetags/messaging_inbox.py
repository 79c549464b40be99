"""{% load messaging_inbox %}: the Messages link in the nav and its unread count."""

from __future__ import annotations

from django import template

from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.conversations import inbox_selectors
from schoolwindow.messaging.conversations import selectors as conversations_selectors

register = template.Library()


@register.filter
def sees_messages(actor: Actor | None) -> bool:
    """Staff and parents; never pupils or trust officers."""
    return (
        actor is not None
        and actor.is_authenticated
        and conversations_selectors.can_use_messages(actor)
    )


@register.filter
def unread_messages(actor: Actor | None) -> int:
    """How many conversations have something new: one small query (capped at 100)."""
    if actor is None or not actor.is_authenticated:
        return 0
    return inbox_selectors.unread_count(actor)
