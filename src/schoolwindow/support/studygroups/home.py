"""The lead's home block: pupils of their groups who said "Need help" today, the same day.

Bounded like every home block: a count and the first few rows, in two queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from schoolwindow.core.capabilities import LEAD_STUDY_GROUPS
from schoolwindow.core.panels import HOME_TOP
from schoolwindow.core.permissions import Actor
from schoolwindow.support.studygroups import selectors


def home_help_today(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not actor.can_anywhere(LEAD_STUDY_GROUPS) or not actor.staff_ids:
        return None
    found = selectors.help_today(actor=actor, today=today)
    rows = list(found[:HOME_TOP])
    if not rows:
        return None
    return {"rows": rows, "count": found.count() if len(rows) == HOME_TOP else len(rows)}


def pupil_checkin_block(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    """On a pupil's home: their study groups, and whether they have checked in today."""
    if actor.pupil_id is None:
        return None
    groups = selectors.pupil_today(actor=actor, today=today)
    if not groups:
        return None
    return {"groups": groups, "done": all(g.mine for g in groups)}
