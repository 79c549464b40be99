from __future__ import annotations

import datetime as dt

import pytest

from schoolwindow.connectors.errors import DataImportError, RowProblem
from schoolwindow.engagement.models import AttendanceMark
from schoolwindow.engagement.signals import signals_import
from tests.engagement.signal_helpers import pupils, school_with_term, write_csv

pytestmark = pytest.mark.django_db
HEADER = ("school_urn", "upn", "date", "session", "code")


@pytest.fixture
def school():
    return school_with_term()


def register(school, people):
    first, second = people
    return [
        (school.urn, first.upn, "2025-09-01", "AM", "/"),
        (school.urn, first.upn, "2025-09-01", "PM", "\\"),
        (school.urn, second.upn, "2025-09-01", "AM", "I"),
        (school.urn, second.upn, "2025-09-01", "PM", "o"),  # lower case is accepted
        (school.urn, second.upn.lower(), "2025-09-02", "am", "V"),
    ]


def test_imports_marks_with_their_category(school, tmp_path):
    people = pupils(school, 2)
    path = write_csv(tmp_path, "attendance.csv", HEADER, register(school, people))

    summary = signals_import(kind="attendance", path=path)

    assert summary.counts["attendance marks"].created == 5
    marks = {
        (m.pupil_id, m.date.isoformat(), m.session): (m.code, m.category)
        for m in AttendanceMark.objects.all()
    }
    assert marks[(people[1].pk, "2025-09-01", "PM")] == ("O", "unauthorised")
    assert marks[(people[1].pk, "2025-09-02", "AM")] == ("V", "elsewhere")
    assert marks[(people[0].pk, "2025-09-01", "PM")] == ("\\", "present")
    span = summary.dates[school.pk]
    assert (span.first, span.last) == (dt.date(2025, 9, 1), dt.date(2025, 9, 2))


def test_importing_again_changes_nothing(school, tmp_path):
    path = write_csv(tmp_path, "attendance.csv", HEADER, register(school, pupils(school, 2)))
    signals_import(kind="attendance", path=path)
    ids = set(AttendanceMark.objects.values_list("pk", "recorded_at"))

    again = signals_import(kind="attendance", path=path)

    counts = again.counts["attendance marks"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 5)
    assert set(AttendanceMark.objects.values_list("pk", "recorded_at")) == ids
    assert "Nothing changed" in again.as_text()


def test_a_corrected_register_updates_the_code(school, tmp_path):
    people = pupils(school, 2)
    rows = register(school, people)
    signals_import(kind="attendance", path=write_csv(tmp_path, "a.csv", HEADER, rows))
    rows[3] = (school.urn, people[1].upn, "2025-09-01", "PM", "M")

    summary = signals_import(kind="attendance", path=write_csv(tmp_path, "b.csv", HEADER, rows))

    counts = summary.counts["attendance marks"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 4)
    mark = AttendanceMark.objects.get(pupil=people[1], date="2025-09-01", session="PM")
    assert (mark.code, mark.category) == ("M", "authorised")


def test_dry_run_writes_nothing(school, tmp_path):
    path = write_csv(tmp_path, "attendance.csv", HEADER, register(school, pupils(school, 2)))

    summary = signals_import(kind="attendance", path=path, dry_run=True)

    assert summary.counts["attendance marks"].created == 5
    assert "Dry run" in summary.as_text()
    assert not AttendanceMark.objects.exists()


@pytest.mark.parametrize(
    ("line", "change", "expected"),
    [
        (3, {4: "H"}, "attendance.csv:3: field 'code': code H was withdrawn in 2024"),
        (4, {4: "%"}, "attendance.csv:4: field 'code': '%' is not a DfE register code"),
        (2, {3: "noon"}, "attendance.csv:2: field 'session': 'noon' should be AM or PM"),
        (5, {2: "2025-02-30"}, "attendance.csv:5: field 'date': '2025-02-30' is not a real date"),
        (6, {1: "Z999999999999"}, "field 'upn': no pupil at this school has UPN Z999999999999"),
        (6, {1: "nope"}, "attendance.csv:6: field 'upn': 'NOPE' is not a UPN"),
        (2, {0: "999999"}, "attendance.csv:2: field 'school_urn': no school has URN 999999"),
    ],
)
def test_a_bad_row_names_line_and_field_and_nothing_is_written(
    school, tmp_path, line, change, expected
):
    rows = [list(row) for row in register(school, pupils(school, 2))]
    for column, value in change.items():
        rows[line - 2][column] = value
    path = write_csv(tmp_path, "attendance.csv", HEADER, rows)

    with pytest.raises(RowProblem) as caught:
        signals_import(kind="attendance", path=path)

    assert expected in str(caught.value)
    assert caught.value.line == line
    assert not AttendanceMark.objects.exists()


def test_the_same_session_twice_is_an_error(school, tmp_path):
    rows = register(school, pupils(school, 2))
    rows.append((*rows[1][:4], "N"))
    path = write_csv(tmp_path, "attendance.csv", HEADER, rows)

    with pytest.raises(RowProblem) as caught:
        signals_import(kind="attendance", path=path)

    assert str(caught.value) == (
        "attendance.csv:7: field 'session': the same pupil, date and session are on line 3"
    )
    assert not AttendanceMark.objects.exists()


def test_a_missing_column_is_named(school, tmp_path):
    path = write_csv(tmp_path, "attendance.csv", ("school_urn", "upn", "date", "code"), [])

    with pytest.raises(DataImportError, match="field 'session': this column is missing"):
        signals_import(kind="attendance", path=path)


def test_school_option_skips_other_schools_rows(school, tmp_path):
    other = school_with_term()
    rows = [*register(school, pupils(school, 2)), *register(other, pupils(other, 2))]
    path = write_csv(tmp_path, "attendance.csv", HEADER, rows)

    summary = signals_import(kind="attendance", path=path, school_urn=school.urn)

    assert (summary.rows_read, summary.rows_skipped) == (10, 5)
    assert set(AttendanceMark.objects.values_list("school_id", flat=True)) == {school.pk}


def test_school_option_serves_a_file_without_the_column(school, tmp_path):
    rows = [row[1:] for row in register(school, pupils(school, 2))]
    path = write_csv(tmp_path, "attendance.csv", HEADER[1:], rows)

    signals_import(kind="attendance", path=path, school_urn=school.urn)

    assert AttendanceMark.objects.filter(school=school).count() == 5


def test_a_stored_row_past_the_first_rows_is_merged_not_duplicated(  # the append fallback
    school, tmp_path, monkeypatch
):
    monkeypatch.setattr("schoolwindow.engagement.signals.staging.PROBE_ROWS", 1)
    people = pupils(school, 2)
    rows = register(school, people)
    signals_import(kind="attendance", path=write_csv(tmp_path, "a.csv", HEADER, rows[2:]))
    rows[4] = (*rows[4][:4], "B")  # stored as V: now corrected

    summary = signals_import(kind="attendance", path=write_csv(tmp_path, "b.csv", HEADER, rows))

    counts = summary.counts["attendance marks"]
    assert (counts.created, counts.updated, counts.unchanged) == (2, 1, 2)
    assert summary.rows_read == 5
    assert AttendanceMark.objects.count() == 5


def test_a_bad_row_while_appending_writes_nothing(school, tmp_path, monkeypatch):
    monkeypatch.setattr("schoolwindow.engagement.signals.staging.PROBE_ROWS", 1)
    rows = [list(row) for row in register(school, pupils(school, 2))]
    rows[3][4] = "?"

    with pytest.raises(RowProblem, match=r"a\.csv:5: field 'code'"):
        signals_import(kind="attendance", path=write_csv(tmp_path, "a.csv", HEADER, rows))

    assert not AttendanceMark.objects.exists()


def test_a_file_of_several_schools_is_appended(school, tmp_path, monkeypatch):
    # Each new school's pupils are looked up while rows stream into the table.
    monkeypatch.setattr("schoolwindow.engagement.signals.staging.PROBE_ROWS", 1)
    other = school_with_term()
    rows = [*register(school, pupils(school, 2)), *register(other, pupils(other, 2))]

    summary = signals_import(kind="attendance", path=write_csv(tmp_path, "a.csv", HEADER, rows))

    assert summary.counts["attendance marks"].created == 10
    assert AttendanceMark.objects.filter(school=other).count() == 5
