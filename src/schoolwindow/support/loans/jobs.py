"""The daily loans job (core/scheduler.py runs it each morning): overdue reminders, and
reminders to families who have not yet accepted a loan agreement.

No person triggers it, so its audit rows say "system (daily loans job)". Messaging writes to
families only on behalf of a member of staff, so each message goes in the name of the person
who lent the item; a loan whose lender has left is skipped and counted, for the office to
chase by hand. Both reminders are capped like the button on the loan page: not more than one
every REMINDER_GAP_DAYS days, and at most MAX_AUTOMATIC agreement reminders in all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from schoolwindow.audit.services import audit_record
from schoolwindow.core.permissions import Actor, system_actor
from schoolwindow.people.actors import actor_for
from schoolwindow.support.loans.models import Loan
from schoolwindow.support.loans.services import (
    REMINDER_GAP_DAYS,
    agreement_reminder_send,
    overdue_reminder_send,
)

JOB = system_actor("daily loans job")
MAX_AUTOMATIC = 3


@dataclass
class JobResult:
    overdue_sent: int = 0
    agreement_sent: int = 0
    skipped: int = 0


def lender_actor(loan: Loan, cache: dict[int, Actor]) -> Actor | None:
    staff = loan.lent_by
    if staff is None or staff.user is None or not staff.active:
        return None
    if staff.pk not in cache:
        cache[staff.pk] = actor_for(staff.user)
    actor = cache[staff.pk]
    return actor if loan.school_id in actor.staff_ids else None


def loans_daily(*, today: dt.date | None = None) -> JobResult:
    today = today or timezone.localdate()
    now = timezone.now()
    gap_day = today - dt.timedelta(days=REMINDER_GAP_DAYS)
    result = JobResult()
    actors: dict[int, Actor] = {}
    overdue = (
        Loan.objects.filter(returned_at__isnull=True, due_on__lt=today)
        .exclude(overdue_reminded_on__gt=gap_day)
        .select_related("item", "pupil", "lent_by__user")
        .order_by("id")
    )
    for loan in overdue.iterator(500):
        result_add(result, loan, actors, today=today, now=now, overdue=True)
    gap_at = now - dt.timedelta(days=REMINDER_GAP_DAYS)
    waiting = (
        Loan.objects.filter(
            returned_at__isnull=True,
            accepted_at__isnull=True,
            paper_signed_on__isnull=True,
            agreement_reminders__lt=MAX_AUTOMATIC,
        )
        .exclude(agreement_reminded_at__gt=gap_at)
        .select_related("item", "pupil", "lent_by__user")
        .order_by("id")
    )
    for loan in waiting.iterator(500):
        result_add(result, loan, actors, today=today, now=now, overdue=False)
    return result


def result_add(
    result: JobResult,
    loan: Loan,
    actors: dict[int, Actor],
    *,
    today: dt.date,
    now: dt.datetime,
    overdue: bool,
) -> None:
    actor = lender_actor(loan, actors)
    if actor is None:
        result.skipped += 1
        return
    with transaction.atomic():
        locked = Loan.objects.select_for_update().select_related("item", "pupil").get(pk=loan.pk)
        if locked.returned_at is not None:
            return
        if overdue:
            sent = overdue_reminder_send(actor=actor, loan=locked, today=today)
        else:
            sent = agreement_reminder_send(actor=actor, loan=locked, now=now)
        if not sent:
            result.skipped += 1
            return
        audit_record(
            actor=JOB,
            action="loans.overdue_reminded" if overdue else "loans.agreement_reminded",
            target=locked,
            detail={
                "count": locked.overdue_reminders if overdue else locked.agreement_reminders,
                "sent_as_staff": loan.lent_by_id,
            },
        )
    if overdue:
        result.overdue_sent += 1
    else:
        result.agreement_sent += 1


@task()
def loans_daily_task(run_date: str | None = None) -> int:
    """The scheduler's entry: run the day's reminders; returns how many were sent."""
    day = dt.date.fromisoformat(run_date) if run_date else None
    result = loans_daily(today=day)
    return result.overdue_sent + result.agreement_sent
