"""Engagement's panels on other apps' pages."""

from __future__ import annotations

from typing import Any

from schoolwindow.core.panels import PUPIL_PAGE, Panel
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement.selectors import pupil_timeline_get
from schoolwindow.people.models import Pupil


def pupil_timeline_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    return {"timeline": pupil_timeline_get(actor=actor, pupil=pupil)}


def register_engagement_panels() -> None:
    PUPIL_PAGE.register(
        Panel(
            name="engagement-timeline",
            template="engagement/_timeline.html",
            context=pupil_timeline_panel,
            order=10,
        )
    )
