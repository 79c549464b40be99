"""Background tasks for flags and the digest: thin wrappers that take plain values."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from schoolwindow.engagement.digest import digest_send
from schoolwindow.engagement.flags import flags_evaluate


def parse_day(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else timezone.localdate()


@task()
def digest_task(run_date: str | None = None) -> int:
    """Send the morning digests for run_date (ISO date; default today). Returns emails sent."""
    return digest_send(on_date=parse_day(run_date))


@task()
def flags_evaluate_task(school_id: int, run_date: str | None = None) -> int:
    """Evaluate one school's flags for run_date. Returns the number of live flags."""
    return flags_evaluate(school_id=school_id, on_date=parse_day(run_date)).live
