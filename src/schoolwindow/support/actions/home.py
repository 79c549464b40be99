"""The owner's home block: their open calls and referrals due today or overdue.

Bounded like every home block: the first few rows (`HOME_TOP`), a count and a link to each
pupil's timeline, in two queries however many there are (one when there are fewer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from schoolwindow.core.capabilities import SUPPORT_ACTIONS
from schoolwindow.core.panels import HOME_TOP
from schoolwindow.core.permissions import Actor
from schoolwindow.support.actions import selectors
from schoolwindow.support.actions.models import ActionKind, SupportAction


@dataclass(frozen=True)
class DueRow:
    action: SupportAction
    kind_label: str
    late_days: int  # 0: due today


def home_actions_due(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not actor.is_staff_member or not actor.can_anywhere(SUPPORT_ACTIONS):
        return None
    found = selectors.my_due(actor=actor, today=today)
    actions = list(found[:HOME_TOP])
    if not actions:
        return None
    kinds = dict(ActionKind.choices)
    rows = [
        DueRow(
            action=action,
            kind_label=str(kinds.get(action.kind, action.kind)),
            late_days=(today - action.due).days if action.due is not None else 0,
        )
        for action in actions
    ]
    count = found.count() if len(actions) == HOME_TOP else len(actions)
    return {"rows": rows, "count": count}
