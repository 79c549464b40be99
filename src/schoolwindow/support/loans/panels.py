"""Loans on other apps' pages: a panel on the pupil page, a block on the office's home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from schoolwindow.core.capabilities import HOME_OFFICE, MANAGE_LOANS
from schoolwindow.core.panels import HOME, HOME_TOP, PUPIL_PAGE, Panel
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Pupil
from schoolwindow.support.loans import selectors


def pupil_loans_panel(actor: Actor, pupil: Pupil) -> dict[str, Any] | None:
    loans = selectors.pupil_loans_open(actor=actor, pupil=pupil)
    manages = actor.can(MANAGE_LOANS, pupil.school_id)
    if not loans and not manages:
        return None
    return {
        "loans": loans,
        "pupil": pupil,
        "manages": manages,
        "is_guardian": actor.is_guardian and not manages,
        "today": timezone.localdate(),
    }


def home_loans(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    if not any(actor.can(MANAGE_LOANS, sid) for sid in actor.schools_where(HOME_OFFICE)):
        return None
    return {"glance": selectors.loans_at_a_glance(actor=actor, today=today, top=HOME_TOP)}


def register_loans_panels() -> None:
    PUPIL_PAGE.register(
        Panel(
            name="support-loans",
            template="support/loans/_pupil_loans.html",
            context=pupil_loans_panel,
            order=60,
            modes=frozenset({"staff", "guardian"}),
        )
    )
    HOME.register(
        Panel(
            name="support-loans",
            template="support/loans/home/_loans.html",
            context=home_loans,
            order=20,
        )
    )
