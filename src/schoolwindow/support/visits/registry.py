"""What home visits add to the house: their policy, the pupil-page panel and the home blocks.
Called once from SupportConfig.ready()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from schoolwindow.core.capabilities import SAFEGUARDING
from schoolwindow.core.panels import HOME, HOME_TOP, PUPIL_PAGE, Panel
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import register
from schoolwindow.people.models import Pupil
from schoolwindow.support.visits.audit_sentences import register_visit_audit_sentences
from schoolwindow.support.visits.policies import HomeVisitPolicy
from schoolwindow.support.visits.selectors import (
    concerns_unread,
    home_visits_block,
    pupil_visits,
)


def pupil_visits_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    visits = pupil_visits(actor=actor, pupil=pupil)
    return None if visits is None else {"visits": visits, "pupil": pupil}


def family_visits_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    """A parent sees the next planned visit to their home, and can answer it."""
    visits = pupil_visits(actor=actor, pupil=pupil)
    if visits is None or visits.next is None:
        return None
    return {"visits": visits, "pupil": pupil}


def home_visits(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    block = home_visits_block(actor=actor, today=today)
    return None if block is None else {"block": block}


def home_concerns(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not actor.can_anywhere(SAFEGUARDING):
        return None
    unread = concerns_unread(actor=actor)
    count = unread.count()
    if not count:
        return None
    return {"count": count, "concerns": list(unread[:HOME_TOP])}


def register_visits() -> None:
    register(HomeVisitPolicy())
    register_visit_audit_sentences()
    PUPIL_PAGE.register(
        Panel(
            name="support-visits",
            template="support/visits/_pupil_panel.html",
            context=pupil_visits_panel,
            order=45,
        )
    )
    PUPIL_PAGE.register(
        Panel(
            name="support-visits-family",
            template="support/visits/_family_panel.html",
            context=family_visits_panel,
            order=45,
            modes=frozenset({"guardian"}),
        )
    )
    HOME.register(
        Panel(
            name="support-visits",
            template="support/visits/_home_visits.html",
            context=home_visits,
            order=25,
        )
    )
    HOME.register(
        Panel(
            name="support-visit-concerns",
            template="support/visits/_home_concerns.html",
            context=home_concerns,
            order=5,
        )
    )
