"""Menu helpers for the portfolio."""

from __future__ import annotations

from django import template

from schoolwindow.core.capabilities import PORTFOLIO_SEE
from schoolwindow.core.permissions import Actor

register = template.Library()


@register.filter
def sees_portfolio(actor: Actor | None) -> bool:
    """Staff who see portfolios, parents and pupils (the pages decide which children)."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_guardian or actor.is_pupil:
        return True
    return actor.is_staff_member and actor.can_anywhere(PORTFOLIO_SEE)
