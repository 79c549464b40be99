"""The planner's statistics: after database_analyze, one pupil's daily facts are read through
the pupil index, not by scanning the whole school's term."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from schoolwindow.core.db import database_analyze
from schoolwindow.core.scheduler import JOBS
from schoolwindow.engagement.models import PupilDay
from tests.factories import PupilFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def a_term_of_facts(pupils: int = 40, days: int = 30) -> int:
    school = SchoolFactory()
    first = dt.date(2026, 9, 7)
    ids = [PupilFactory(school=school).pk for _ in range(pupils)]
    PupilDay.objects.bulk_create(
        PupilDay(school=school, pupil_id=pupil_id, date=first + dt.timedelta(days=n))
        for pupil_id in ids
        for n in range(days)
    )
    return ids[0]


def one_pupils_term_plan(pupil_id: int) -> str:
    return (
        PupilDay.objects.filter(
            pupil_id__in=[pupil_id],
            date__gte=dt.date(2026, 9, 7),
            date__lte=dt.date(2026, 10, 7),
        )
        .values("date")
        .explain()
    )


def test_after_analyze_one_pupils_facts_are_read_by_the_pupil_index() -> None:
    pupil_id = a_term_of_facts()

    seconds = database_analyze()

    assert seconds >= 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", ["engagement_pupilday"]
            )
            assert cursor.fetchone()[0] > 0
            assert "pupil_id=?" in one_pupils_term_plan(pupil_id)
        else:
            # pg_statistic is written by ANALYZE in the test's own transaction.
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE tablename = %s", ["engagement_pupilday"]
            )
            assert cursor.fetchone()[0] > 0


def test_the_statistics_are_refreshed_every_night() -> None:
    [job] = [job for job in JOBS if job.name == "database-analyze"]
    assert job.task_path == "schoolwindow.core.db.database_analyze_task"
    assert not job.weekdays_only
    assert job.at < dt.time(6, 30)  # before the morning's checks read the facts
