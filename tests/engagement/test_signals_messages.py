from __future__ import annotations

import datetime as dt

import pytest

from schoolwindow.connectors.errors import RowProblem
from schoolwindow.engagement.models import FamilyMessage
from schoolwindow.engagement.signals import signals_import
from tests.engagement.signal_helpers import pupils, school_with_term, write_csv
from tests.factories import guardian_of

pytestmark = pytest.mark.django_db
HEADER = (
    "school_urn",
    "message_id",
    "upn",
    "guardian_email",
    "sent_at",
    "delivered_at",
    "read_at",
    "replied_at",
    "needs_reply",
)


@pytest.fixture
def school():
    return school_with_term()


def message_rows(school, pupil, email):
    return [
        (school.urn, "M1", pupil.upn, email.upper(), "2025-09-01T10:00:00Z", "", "", "", "yes"),
        (
            school.urn,
            "M2",
            pupil.upn,
            "",
            "2025-09-02T10:00:00Z",
            "2025-09-02T10:00:05Z",
            "2025-09-03T19:00:00Z",
            "2025-09-04T07:00:00Z",
            "no",
        ),
    ]


def test_imports_messages(school, tmp_path):
    (pupil,) = pupils(school, 1)
    parent = guardian_of(pupil, with_login=False)
    path = write_csv(tmp_path, "messages.csv", HEADER, message_rows(school, pupil, parent.email))

    summary = signals_import(kind="messages", path=path)

    assert summary.counts["family messages"].created == 2
    first, second = FamilyMessage.objects.order_by("source_id")
    assert (first.guardian_id, first.needs_reply, first.read_at) == (parent.pk, True, None)
    assert second.replied_at == dt.datetime(2025, 9, 4, 7, tzinfo=dt.UTC)
    span = summary.dates[school.pk]
    assert (span.first, span.last) == (dt.date(2025, 9, 1), dt.date(2025, 9, 4))


def test_importing_again_changes_nothing_and_a_later_export_updates(school, tmp_path):
    (pupil,) = pupils(school, 1)
    parent = guardian_of(pupil, with_login=False)
    rows = message_rows(school, pupil, parent.email)
    signals_import(kind="messages", path=write_csv(tmp_path, "a.csv", HEADER, rows))
    again = signals_import(kind="messages", path=write_csv(tmp_path, "a.csv", HEADER, rows))
    rows[0] = (*rows[0][:6], "2025-09-01T16:00:00Z", "", "yes")
    later = signals_import(kind="messages", path=write_csv(tmp_path, "b.csv", HEADER, rows))

    assert again.counts["family messages"].unchanged == 2
    counts = later.counts["family messages"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert FamilyMessage.objects.get(source_id="M1").read_at is not None


def test_dry_run_writes_nothing(school, tmp_path):
    (pupil,) = pupils(school, 1)
    parent = guardian_of(pupil, with_login=False)
    path = write_csv(tmp_path, "messages.csv", HEADER, message_rows(school, pupil, parent.email))

    signals_import(kind="messages", path=path, dry_run=True)

    assert not FamilyMessage.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (3, "stranger@example.org", "field 'guardian_email': no parent or carer of this pupil"),
        (6, "2025-09-02T09:00:00Z", "field 'read_at': 2025-09-02T09:00:00+00:00 is before sent_at"),
        (8, "maybe", "field 'needs_reply': 'maybe' should be yes or no"),
        (4, "", "field 'sent_at': is required"),
        (1, "M1", "field 'message_id': this message is also on line 2"),
    ],
)
def test_a_bad_row_names_line_and_field_and_nothing_is_written(
    school, tmp_path, column, value, expected
):
    (pupil,) = pupils(school, 1)
    parent = guardian_of(pupil, with_login=False)
    rows = [list(row) for row in message_rows(school, pupil, parent.email)]
    rows[1][column] = value

    with pytest.raises(RowProblem) as caught:
        signals_import(kind="messages", path=write_csv(tmp_path, "messages.csv", HEADER, rows))

    assert str(caught.value).startswith(f"messages.csv:3: {expected}")
    assert not FamilyMessage.objects.exists()
