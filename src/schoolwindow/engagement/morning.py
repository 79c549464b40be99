"""The early-warning morning: yesterday's facts, today's flags, then the digest.

The worker's clock (core/scheduler.py) enqueues engagement_morning_task once each weekday.
"""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from schoolwindow.engagement.digest import digest_send
from schoolwindow.engagement.facts import pupil_days_update
from schoolwindow.engagement.flags import flags_evaluate
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import School

logger = logging.getLogger(__name__)
LOOK_BACK = dt.timedelta(days=21)


def previous_school_day(*, school_id: int, before: dt.date) -> dt.date | None:
    days = school_days(school_id=school_id, start=before - LOOK_BACK, end=before - dt.timedelta(1))
    return days[-1] if days else None


def engagement_morning(*, on_date: dt.date) -> dict[str, int]:
    """Bring every school's facts and flags up to date, then send the morning digests."""
    evaluated = 0
    for school_id in School.objects.values_list("pk", flat=True):
        if on_date not in school_days(school_id=school_id, start=on_date, end=on_date):
            continue
        previous = previous_school_day(school_id=school_id, before=on_date)
        if previous is not None:
            pupil_days_update(school_id=school_id, date=previous)
        flags_evaluate(school_id=school_id, on_date=on_date)
        evaluated += 1
    sent = digest_send(on_date=on_date)
    logger.info("engagement morning %s: %d schools evaluated, %d digests", on_date, evaluated, sent)
    return {"schools": evaluated, "digests": sent}


@task()
def engagement_morning_task(run_date: str) -> None:
    engagement_morning(on_date=dt.date.fromisoformat(run_date))
