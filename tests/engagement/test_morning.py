from __future__ import annotations

import datetime as dt

import pytest

from schoolwindow.core.scheduler import JOBS, scheduler_tick
from schoolwindow.engagement.models import Flag
from schoolwindow.engagement.morning import engagement_morning, previous_school_day
from schoolwindow.schools.models import AcademicYear, Term
from tests.world import build_world

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


def with_autumn_term(school_id: int) -> None:
    year = AcademicYear.objects.create(
        school_id=school_id, name="2026/27", start=dt.date(2026, 9, 1), end=dt.date(2027, 8, 31)
    )
    Term.objects.create(
        school_id=school_id,
        academic_year=year,
        name="Autumn",
        start=dt.date(2026, 9, 2),
        end=dt.date(2026, 12, 18),
    )


def test_the_morning_evaluates_only_schools_in_term_and_skips_weekends() -> None:
    world = build_world()
    with_autumn_term(world.secondary.pk)
    assert previous_school_day(school_id=world.secondary.pk, before=MONDAY) == dt.date(2026, 11, 20)
    assert engagement_morning(on_date=MONDAY)["schools"] == 1  # the primary has no term
    assert engagement_morning(on_date=dt.date(2026, 11, 22))["schools"] == 0  # Sunday
    assert Flag.objects.filter(school=world.primary).count() == 0


def test_the_worker_clock_enqueues_the_morning_once() -> None:
    world = build_world()
    with_autumn_term(world.secondary.pk)
    from zoneinfo import ZoneInfo

    seven = dt.datetime(2026, 11, 23, 7, 0, tzinfo=ZoneInfo("Europe/London"))
    # The night's statistics job, missed while no worker ran, is caught up in the same tick, and
    # so is the study groups' 6 a.m. queueing of the day's check-in texts.
    assert sorted(scheduler_tick(seven, JOBS)) == [
        "database-analyze",
        "engagement-morning",
        "support-checkin-texts",
    ]
    assert scheduler_tick(seven, JOBS) == []


def test_the_clock_retrains_risk_models_on_saturday_only() -> None:
    from zoneinfo import ZoneInfo

    from schoolwindow.core.scheduler import jobs_due

    london = ZoneInfo("Europe/London")
    saturday = dt.datetime(2026, 11, 28, 3, 30, tzinfo=london)
    friday = dt.datetime(2026, 11, 27, 3, 30, tzinfo=london)
    assert "engagement-risk-retrain" in [job.name for job in jobs_due(saturday)]
    assert "engagement-risk-retrain" not in [job.name for job in jobs_due(friday)]
