from __future__ import annotations

import datetime as dt

import pytest

from schoolwindow.connectors.errors import RowProblem
from schoolwindow.engagement.models import ActivityEvent
from schoolwindow.engagement.signals import signals_import
from tests.engagement.signal_helpers import pupils, school_with_term, write_csv

pytestmark = pytest.mark.django_db
HEADER = ("school_urn", "upn", "occurred_at", "kind", "source", "event_id")


@pytest.fixture
def school():
    return school_with_term()


def events(school, pupil):
    return [
        (school.urn, pupil.upn, "2025-09-01T08:05:00Z", "login", "Teams", ""),
        (school.urn, pupil.upn, "2025-09-01T09:00:00+01:00", "lesson", "Teams", "L-1"),
        # 23:30 UTC on 1 September is 00:30 on the 2nd in London (summer time).
        (school.urn, pupil.upn, "2025-09-01T23:30:00Z", "launched", "Oak", ""),
        (school.urn, pupil.upn, "2025-09-02 16:00", "completed", "", ""),  # local time
    ]


def test_imports_events_on_their_local_date(school, tmp_path):
    (pupil,) = pupils(school, 1)
    path = write_csv(tmp_path, "activity.csv", HEADER, events(school, pupil))

    summary = signals_import(kind="activity", path=path)

    assert summary.counts["activity events"].created == 4
    stored = {e.kind: e for e in ActivityEvent.objects.all()}
    assert stored["launched"].date == dt.date(2025, 9, 2)
    assert stored["login"].date == dt.date(2025, 9, 1)
    assert stored["completed"].occurred_at == dt.datetime(2025, 9, 2, 15, 0, tzinfo=dt.UTC)
    assert stored["lesson"].external_id == "L-1"
    assert stored["login"].external_id == f"t1756713900000000.{pupil.pk}.login.Teams"


def test_importing_again_adds_nothing(school, tmp_path):
    (pupil,) = pupils(school, 1)
    path = write_csv(tmp_path, "activity.csv", HEADER, events(school, pupil))
    signals_import(kind="activity", path=path)

    again = signals_import(kind="activity", path=path)

    counts = again.counts["activity events"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 4)
    assert ActivityEvent.objects.count() == 4


def test_the_same_instant_in_another_offset_is_the_same_event(school, tmp_path):
    (pupil,) = pupils(school, 1)
    rows = [
        (school.urn, pupil.upn, "2025-09-01T08:05:00Z", "login", "Teams", ""),
        (school.urn, pupil.upn, "2025-09-01T09:05:00+01:00", "login", "Teams", ""),
    ]

    summary = signals_import(kind="activity", path=write_csv(tmp_path, "a.csv", HEADER, rows))

    assert (summary.counts["activity events"].created, ActivityEvent.objects.count()) == (1, 1)


def test_dry_run_writes_nothing(school, tmp_path):
    (pupil,) = pupils(school, 1)
    path = write_csv(tmp_path, "activity.csv", HEADER, events(school, pupil))

    summary = signals_import(kind="activity", path=path, dry_run=True)

    assert summary.counts["activity events"].created == 4
    assert not ActivityEvent.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (2, "yesterday", "activity.csv:4: field 'occurred_at': 'yesterday' is not a date-time"),
        (3, "browsed", "activity.csv:4: field 'kind': 'browsed' is not one of: login, lesson"),
        (5, "x" * 65, "activity.csv:4: field 'event_id': is longer than 64 characters"),
        (1, "", "activity.csv:4: field 'upn': is required"),
    ],
)
def test_a_bad_row_names_line_and_field_and_nothing_is_written(
    school, tmp_path, column, value, expected
):
    (pupil,) = pupils(school, 1)
    rows = [list(row) for row in events(school, pupil)]
    rows[2][column] = value

    with pytest.raises(RowProblem) as caught:
        signals_import(kind="activity", path=write_csv(tmp_path, "activity.csv", HEADER, rows))

    assert str(caught.value).startswith(expected)
    assert not ActivityEvent.objects.exists()
