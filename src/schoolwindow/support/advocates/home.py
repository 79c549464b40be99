"""Advocates' blocks on the home page and the panel on the pupil page.

Bounded like every home block: a count, the first few rows (`HOME_TOP`) and a link to the full
list, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from schoolwindow.core.capabilities import HOME_ADVOCACY, HOME_ADVOCACY_SCHOOL
from schoolwindow.core.panels import HOME_TOP
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Pupil
from schoolwindow.support.advocates import selectors


def home_my_overdue(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    schools = actor.schools_where(HOME_ADVOCACY)
    if not schools:
        return None
    rows = selectors.my_overdue(actor, schools, today, own=True)
    return {"rows": rows[:HOME_TOP], "count": len(rows), "whole_school": False}


def home_school_overdue(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    schools = actor.schools_where(HOME_ADVOCACY_SCHOOL)
    if not schools:
        return None
    rows = selectors.my_overdue(actor, schools, today, own=False)
    return {"rows": rows[:HOME_TOP], "count": len(rows), "whole_school": True}


def pupil_advocacy_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    """The advocate, the cadence and the last contacts; for a vulnerable pupil with none, that
    they have none. Shown to staff who may see the pupil; the links only to those who may act."""
    from django.utils import timezone

    today = timezone.localdate()
    # Most pupils have no advocate: one query says so, two more whether they should have one,
    # and only a pupil with an advocate pays for the cadence and the last contacts.
    row = selectors.pupil_case_row(pupil=pupil, today=today)
    if row is None and not selectors.is_vulnerable(pupil, today):
        return None
    return {"row": row, "pupil": pupil, "may_act": selectors.may_act_for(actor, pupil)}
