"""Periodic jobs, run by the worker: each job is enqueued at most once per day.

Every worker process runs the same small clock loop. Claiming a day is an INSERT into
ScheduledRun under a unique constraint, so with several workers exactly one enqueues the job.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from schoolwindow.core.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    at: dt.time  # local time of day
    task_path: str  # dotted path of a django-tasks Task taking the run date as ISO string
    weekdays_only: bool = True
    # For a weekly job, the one day it runs (Monday is 0).
    weekday: int | None = None


JOBS: tuple[Job, ...] = (
    Job(
        name="engagement-morning",
        at=dt.time(6, 30),
        task_path="schoolwindow.engagement.morning.engagement_morning_task",
    ),
    # Early on Saturdays, when nobody is waiting for the watchlist: a fresh risk model.
    Job(
        name="engagement-risk-retrain",
        at=dt.time(3, 0),
        task_path="schoolwindow.engagement.risk.risk_retrain_task",
        weekdays_only=False,
        weekday=5,
    ),
    # Every night, before the morning's checks: fresh statistics for the query planner.
    Job(
        name="database-analyze",
        at=dt.time(2, 30),
        task_path="schoolwindow.core.db.database_analyze_task",
        weekdays_only=False,
    ),
    # Each school morning: reminders about overdue loans and loan agreements not yet accepted.
    Job(
        name="support-loans-daily",
        at=dt.time(9, 0),
        task_path="schoolwindow.support.loans.jobs.loans_daily_task",
    ),
    # Each school morning: the day's study-group check-in texts, queued for each group's time.
    Job(
        name="support-checkin-texts",
        at=dt.time(6, 0),
        task_path="schoolwindow.support.studygroups.texts.checkin_texts_task",
    ),
    # Friday midday: the week's summaries for families, prepared for approval (never sent).
    Job(
        name="messaging-nudges-prepare",
        at=dt.time(12, 0),
        task_path="schoolwindow.messaging.summaries.services.nudges_prepare_task",
        weekday=4,
    ),
)


def jobs_due(now: dt.datetime, jobs: tuple[Job, ...] = JOBS) -> list[Job]:
    local = timezone.localtime(now)
    return [
        job
        for job in jobs
        if local.time() >= job.at
        and not (job.weekdays_only and local.weekday() >= 5)
        and (job.weekday is None or local.weekday() == job.weekday)
    ]


def job_claim(job: Job, run_date: dt.date) -> bool:
    """True for the one caller that claims this job for this date."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job.name, run_date=run_date)
    except IntegrityError:
        return False
    return True


def scheduler_tick(now: dt.datetime | None = None, jobs: tuple[Job, ...] = JOBS) -> list[str]:
    """Enqueue every job that is due and not yet claimed today; return their names."""
    now = now or timezone.now()
    started = []
    for job in jobs_due(now, jobs):
        run_date = timezone.localtime(now).date()
        if job_claim(job, run_date):
            task = import_string(job.task_path)
            task.enqueue(run_date.isoformat())
            started.append(job.name)
            logger.info("scheduled job %s enqueued for %s", job.name, run_date)
    return started


def scheduler_thread(stop: threading.Event, interval: float = 30.0) -> threading.Thread:
    def loop() -> None:
        while not stop.is_set():
            try:
                scheduler_tick()
            except Exception:  # the clock must keep ticking whatever one job does
                logger.exception("scheduler tick failed")
            finally:
                connection.close()
            stop.wait(interval)

    return threading.Thread(target=loop, name="schoolwindow-scheduler", daemon=True)
