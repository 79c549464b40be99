"""The needs panel on the pupil page: what the pupil needs and whether each is met."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Pupil
from schoolwindow.support.needs import selectors


def pupil_needs_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    found = selectors.pupil_needs(actor=actor, pupil=pupil, today=timezone.localdate())
    if found is None or not found.needs:
        return None
    rows = [
        {
            "item": item,
            "action": None if item.helped else selectors.action_for(actor, pupil, item.need.key),
        }
        for item in found.needs
    ]
    return {"pupil": pupil, "rows": rows}
