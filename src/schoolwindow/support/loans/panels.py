"""Loans on other apps' pages: a panel on the pupil page, a block on the office's home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.core.capabilities import HOME_OFFICE, MANAGE_LOANS
from schoolwindow.core.panels import (
    HOME,
    HOME_TOP,
    PARENT_HOME,
    PARENT_WAITING,
    PUPIL_PAGE,
    Panel,
    ParentHomeSubject,
    WaitingItem,
)
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


def parent_home_loans(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    """The parent's home: what this child has on loan (nothing shown when nothing is)."""
    loans = selectors.pupil_loans_open(actor=actor, pupil=subject.child)
    if not loans:
        return None
    return {
        "loans": loans,
        "pupil": subject.child,
        "manages": False,
        "is_guardian": True,
        "today": subject.today,
    }


def agreements_waiting(actor: Actor, subject: ParentHomeSubject) -> list[WaitingItem]:
    """Loan agreements the parent has not accepted yet, for any of their children."""
    waiting = selectors.guardian_loans(actor=actor).filter(
        returned_at__isnull=True, accepted_at__isnull=True, paper_signed_on__isnull=True
    )[:HOME_TOP]
    return [
        WaitingItem(
            text=_("Read and accept the agreement for the %(item)s lent to %(name)s")
            % {"item": loan.item.get_kind_display(), "name": loan.pupil.first_name},
            url=reverse("loans:my_loan", kwargs={"loan_id": loan.pk}),
            pupil_id=loan.pupil_id,
            due=loan.due_on,
        )
        for loan in waiting
    ]


def register_loans_panels() -> None:
    PARENT_HOME.register(
        Panel(
            name="support-loans",
            template="support/loans/_pupil_loans.html",
            context=parent_home_loans,
            order=60,
            modes=frozenset({"guardian"}),
        )
    )
    PARENT_WAITING.register("support-loans", agreements_waiting)
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
