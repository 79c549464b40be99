"""The small parts the importers are built from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from schoolwindow.connectors.csvio import CsvSource
from schoolwindow.connectors.errors import RowProblem
from schoolwindow.connectors.hashing import RepeatFinder, row_hash
from schoolwindow.connectors.models import ImportKind, ImportRun
from schoolwindow.connectors.oneroster import spec
from schoolwindow.connectors.progress import RunProgress
from schoolwindow.connectors.summary import ImportSummary
from tests.factories import SchoolFactory


@pytest.mark.parametrize(
    ("grade", "code"),
    [
        ("07", "7"),
        ("Y7", "7"),
        ("Year 7", "7"),
        ("KG", "R"),
        ("R", "R"),
        ("PK", "N"),
        ("13", "13"),
        ("PS", None),
        ("", None),
    ],
)
def test_year_codes(grade: str, code: str | None) -> None:
    assert spec.year_code(grade) == code


def test_upn_comes_from_user_ids_or_a_upn_like_identifier() -> None:
    assert spec.upn_from("{MIS:1},{UPN:a123456789012}", "") == "A123456789012"
    assert spec.upn_from("", "B123456789012") == "B123456789012"
    assert spec.upn_from("", "12345") == ""


def test_dates() -> None:
    assert spec.parse_date("2026-09-01") == dt.date(2026, 9, 1)
    assert spec.parse_date("2026-09-01T00:00:00Z") == dt.date(2026, 9, 1)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        spec.parse_date("01/09/2026")
    with pytest.raises(ValueError, match="not a real date"):
        spec.parse_date("2026-02-30")


def test_row_hash_is_stable_and_32_characters() -> None:
    assert row_hash(("Maya", None, 7)) == row_hash(("Maya", "", "7"))
    assert len(row_hash(("x",))) == 32
    assert row_hash(("a", "b")) != row_hash(("ab",))


def test_repeat_finder_spots_a_repeat_among_many() -> None:
    finder = RepeatFinder()
    for n in range(20_000):
        finder.add(f"enr-{n}")
    assert not finder.suspects()
    finder.add("enr-123")
    assert finder.suspects() == {hash("enr-123")}


def test_a_header_that_repeats_a_column_we_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("sourcedId,name,name\n1,a,b\n")
    table = CsvSource(path).table("x.csv")

    with pytest.raises(RowProblem, match=r"x\.csv:1: field 'name': this column appears twice"):
        table.getter("name")


def test_a_repeated_column_we_do_not_read_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("sourcedId,metadata.note,metadata.note\n1,a,b\n")
    table = CsvSource(path).table("x.csv")

    assert [table.getter("sourcedId")(row) for _, row in table.rows()] == ["1"]


def test_any_case_headers_match_whatever_their_case(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(" SourcedId ,GIVENNAME\n1,Ada\n")

    loose = CsvSource(path).table("x.csv", any_case=True)
    strict = CsvSource(path).table("x.csv")

    assert [loose.getter("givenName")(row) for _, row in loose.rows()] == ["Ada"]
    assert loose.has("sourcedId") and not strict.has("givenName")


def test_two_columns_differing_only_in_case_are_refused_when_read(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("sourcedId,email,Email\n1,a@example.org,b@example.org\n")
    table = CsvSource(path).table("x.csv", any_case=True)

    with pytest.raises(RowProblem, match="field 'email': this column appears twice"):
        table.getter("email")


def test_lines_count_from_the_header_even_with_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('id,note\n1,"two\nlines"\n\n2,ok\n')

    rows = list(CsvSource(path).table("x.csv").rows())

    assert [line for line, _ in rows] == [2, 5]


def test_summary_text() -> None:
    summary = ImportSummary()
    summary.add("pupils", "created", 1200)
    summary.add("enrolments", "unchanged", 3)

    text = summary.as_text()

    assert "pupils" in text and "1,200 created, 0 updated, 0 unchanged, 0 deleted" in text
    assert text.index("pupils") < text.index("class enrolments")
    assert ImportSummary.from_dict(summary.as_dict()) == summary


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_outside_the_import_transaction() -> None:
    school = SchoolFactory()
    run = ImportRun.objects.create(
        trust=school.trust, school=school, kind=ImportKind.CSV, source_name="p.csv"
    )
    progress = RunProgress(run.pk, interval=0)

    progress.begin(total=10)
    progress.stage("checking", "p.csv")
    progress.advance(4)

    run.refresh_from_db()
    assert (run.rows_total, run.rows_done, run.stage, run.percent) == (10, 4, "checking p.csv", 40)
    progress.close()
