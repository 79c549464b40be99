"""Home learning on the pupil page: the current profile, with where each answer came from."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from schoolwindow.core.panels import PUPIL_PAGE, Panel
from schoolwindow.core.permissions import Actor
from schoolwindow.homelife.selectors import home_profile_of
from schoolwindow.people.models import Pupil


def pupil_home_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    try:
        found = home_profile_of(actor=actor, pupil=pupil, with_history=False)
    except PermissionDenied:
        return None  # the office, a trust officer: the page shows nothing of it
    return {"home": found}


def register_homelife_panels() -> None:
    PUPIL_PAGE.register(
        Panel(
            name="homelife-profile",
            template="homelife/_pupil_home.html",
            context=pupil_home_panel,
            order=30,
            modes=frozenset({"staff", "guardian"}),
        )
    )
