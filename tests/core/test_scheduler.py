from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from schoolwindow.core.models import ScheduledRun
from schoolwindow.core.scheduler import Job, scheduler_tick
from tests.core import jobs_for_tests

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
JOB = Job(name="test-job", at=dt.time(6, 30), task_path="tests.core.jobs_for_tests.record_run")


@pytest.fixture(autouse=True)
def _fresh_runs() -> None:
    jobs_for_tests.RUNS.clear()


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def test_a_due_job_runs_once_per_day_however_often_the_clock_ticks() -> None:
    assert scheduler_tick(at(23, 6, 29), (JOB,)) == []  # Monday, not yet time
    assert scheduler_tick(at(23, 6, 30), (JOB,)) == ["test-job"]
    assert scheduler_tick(at(23, 9, 0), (JOB,)) == []
    assert scheduler_tick(at(24, 7, 0), (JOB,)) == ["test-job"]
    assert jobs_for_tests.RUNS == ["2026-11-23", "2026-11-24"]
    assert ScheduledRun.objects.count() == 2


def test_weekday_jobs_skip_the_weekend() -> None:
    assert scheduler_tick(at(28, 8, 0), (JOB,)) == []  # Saturday
    assert scheduler_tick(at(29, 8, 0), (JOB,)) == []  # Sunday
    assert jobs_for_tests.RUNS == []


def test_a_second_worker_does_not_run_the_job_again() -> None:
    ScheduledRun.objects.create(job="test-job", run_date=dt.date(2026, 11, 23))
    assert scheduler_tick(at(23, 7, 0), (JOB,)) == []
    assert jobs_for_tests.RUNS == []
