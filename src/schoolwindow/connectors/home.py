"""Connectors' block on the home page: the latest imports and the recent failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from schoolwindow.connectors.models import ImportRun, ImportStatus
from schoolwindow.core.capabilities import HOME_OFFICE, IMPORT_ROSTERS
from schoolwindow.core.panels import HOME, HOME_TOP, Panel
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for

FAILURES_DAYS = 30


def home_imports(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not any(actor.can(IMPORT_ROSTERS, sid) for sid in actor.schools_where(HOME_OFFICE)):
        return None
    runs = policy_for(ImportRun).visible(actor)
    since = timezone.now() - dt.timedelta(days=FAILURES_DAYS)
    return {
        "runs": list(runs.select_related("school")[:HOME_TOP]),
        "failed": runs.filter(status=ImportStatus.FAILED, created_at__gte=since).count(),
        "failures_days": FAILURES_DAYS,
        "show_school": len(actor.schools_where(IMPORT_ROSTERS)) > 1,
    }


def register_connectors_panels() -> None:
    HOME.register(
        Panel(
            name="connectors-imports",
            template="connectors/home/_imports.html",
            context=home_imports,
            order=10,
        )
    )
