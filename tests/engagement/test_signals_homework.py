from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from schoolwindow.connectors.errors import RowProblem
from schoolwindow.engagement.models import Homework, HomeworkSubmission
from schoolwindow.engagement.signals import signals_import
from tests.engagement.signal_helpers import pupils, school_with_term, write_csv
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db
HEADER = (
    "school_urn",
    "homework_id",
    "title",
    "subject",
    "group",
    "set_on",
    "due_on",
    "max_score",
    "upn",
    "status",
    "submitted_at",
    "score",
)


@pytest.fixture
def school():
    return school_with_term()


def homework_rows(school, people):
    a, b, c, d = people
    piece = (school.urn, "HW-1", "Fractions", "Maths", "7M1", "2025-09-01", "2025-09-05", "10")
    return [
        (*piece, a.upn, "", "2025-09-05T18:00:00+01:00", "9"),  # on the due date: on time
        (*piece, b.upn, "", "2025-09-06T09:00:00+01:00", "7.5"),  # the day after: late
        (*piece, c.upn, "", "", ""),  # nothing handed in, due date passed: missing
        (*piece, d.upn, "late", "", ""),  # the status column wins
        (
            school.urn,
            "HW-2",
            "Essay",
            "English",
            "",
            "2025-09-02",
            "2025-09-09",
            "",
            "",
            "",
            "",
            "",
        ),
    ]


def test_imports_homework_and_submissions(school, tmp_path):
    group = GroupFactory(school=school, name="Maths 7M1", code="7M1")
    people = pupils(school, 4)
    path = write_csv(tmp_path, "homework.csv", HEADER, homework_rows(school, people))

    summary = signals_import(kind="homework", path=path)

    assert summary.counts["homework"].created == 2
    assert summary.counts["homework submissions"].created == 4
    piece = Homework.objects.get(source_id="HW-1")
    assert (piece.group_id, piece.due_on, piece.max_score) == (
        group.pk,
        dt.date(2025, 9, 5),
        Decimal("10.00"),
    )
    statuses = dict(HomeworkSubmission.objects.values_list("pupil_id", "status"))
    assert [statuses[p.pk] for p in people] == ["on_time", "late", "missing", "late"]
    assert HomeworkSubmission.objects.get(pupil=people[1]).score == Decimal("7.50")
    assert summary.dates[school.pk].last == dt.date(2025, 9, 9)


def test_importing_again_changes_nothing(school, tmp_path):
    GroupFactory(school=school, code="7M1")
    path = write_csv(tmp_path, "homework.csv", HEADER, homework_rows(school, pupils(school, 4)))
    signals_import(kind="homework", path=path)

    again = signals_import(kind="homework", path=path)

    for label in ("homework", "homework submissions"):
        assert again.counts[label].created == again.counts[label].updated == 0
    assert again.counts["homework submissions"].unchanged == 4
    assert HomeworkSubmission.objects.count() == 4


def test_a_later_export_updates_a_submission(school, tmp_path):
    GroupFactory(school=school, code="7M1")
    people = pupils(school, 4)
    rows = homework_rows(school, people)
    signals_import(kind="homework", path=write_csv(tmp_path, "a.csv", HEADER, rows))
    rows[2] = (*rows[2][:9], "", "2025-09-08T10:00:00+01:00", "4")

    summary = signals_import(kind="homework", path=write_csv(tmp_path, "b.csv", HEADER, rows))

    counts = summary.counts["homework submissions"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 3)
    assert HomeworkSubmission.objects.get(pupil=people[2]).status == "late"


def test_dry_run_writes_nothing(school, tmp_path):
    GroupFactory(school=school, code="7M1")
    path = write_csv(tmp_path, "homework.csv", HEADER, homework_rows(school, pupils(school, 4)))

    summary = signals_import(kind="homework", path=path, dry_run=True)

    assert summary.counts["homework submissions"].created == 4
    assert not Homework.objects.exists()
    assert not HomeworkSubmission.objects.exists()


@pytest.mark.parametrize(
    ("line", "column", "value", "expected"),
    [
        (3, 2, "Decimals", "homework.csv:3: field 'title': this homework has a different title"),
        (4, 4, "9Z9", "homework.csv:4: field 'group': no class at this school is called '9Z9'"),
        (2, 11, "11", "homework.csv:2: field 'score': 11.00 is more than max_score 10.00"),
        (5, 9, "lost", "homework.csv:5: field 'status': 'lost' is not one of:"),
        (6, 6, "2025-09-01", "homework.csv:6: field 'due_on': 2025-09-01 is before set_on"),
    ],
)
def test_a_bad_row_names_line_and_field_and_nothing_is_written(
    school, tmp_path, line, column, value, expected
):
    GroupFactory(school=school, code="7M1")
    rows = [list(row) for row in homework_rows(school, pupils(school, 4))]
    rows[line - 2][column] = value

    with pytest.raises(RowProblem) as caught:
        signals_import(kind="homework", path=write_csv(tmp_path, "homework.csv", HEADER, rows))

    assert str(caught.value).startswith(expected)
    assert not Homework.objects.exists()


def test_the_same_pupil_twice_on_one_homework_is_an_error(school, tmp_path):
    GroupFactory(school=school, code="7M1")
    rows = homework_rows(school, pupils(school, 4))
    rows.append(rows[0])

    with pytest.raises(RowProblem) as caught:
        signals_import(kind="homework", path=write_csv(tmp_path, "homework.csv", HEADER, rows))

    assert str(caught.value) == (
        "homework.csv:7: field 'upn': this pupil and homework are also on line 2"
    )
    assert not Homework.objects.exists()
