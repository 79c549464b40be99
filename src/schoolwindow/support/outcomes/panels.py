"""The pupil page's "Did the help work?" panel: this pupil's help given while flagged."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from schoolwindow.core.capabilities import SEE_PUPIL_OUTCOMES
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Pupil
from schoolwindow.support.outcomes import selectors
from schoolwindow.support.timeline import SupportKind


def pupil_outcomes_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    if not actor.can(SEE_PUPIL_OUTCOMES, pupil.school_id):
        return None
    days, helps = selectors.pupil_help(actor=actor, pupil=pupil, today=timezone.localdate())
    if not helps:
        return None
    labels = dict(SupportKind.choices)
    rows = [
        {"entry": h.entry, "counted": h.counted, "kind_label": labels.get(h.entry.kind, "")}
        for h in helps
    ]
    return {"helps": rows, "days": days, "pupil": pupil}
