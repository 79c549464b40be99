"""What the main navigation shows an actor, asked by capability."""

from __future__ import annotations

from django import template

from schoolwindow.core.capabilities import (
    MANAGE_LOANS,
    PLAN_HOME_VISITS,
    RUN_HOME_SURVEYS,
    SAFEGUARDING,
)
from schoolwindow.core.permissions import Actor

register = template.Library()


@register.filter
def sees_audit_log(actor: Actor | None) -> bool:
    return bool(actor) and actor is not None and actor.can_anywhere(SAFEGUARDING)


@register.filter
def sees_home_surveys(actor: Actor | None) -> bool:
    return bool(actor) and actor is not None and actor.can_anywhere(RUN_HOME_SURVEYS)


@register.filter
def sees_home_visits(actor: Actor | None) -> bool:
    return bool(actor) and actor is not None and actor.can_anywhere(PLAN_HOME_VISITS)


@register.filter
def sees_loans(actor: Actor | None) -> bool:
    return actor is not None and actor.can_anywhere(MANAGE_LOANS)
