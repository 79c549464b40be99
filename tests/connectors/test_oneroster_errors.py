"""A bad OneRoster set: an error that names file, line and field, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from schoolwindow.connectors.errors import DataImportError, FileProblem, RowProblem
from schoolwindow.connectors.oneroster.importer import oneroster_import
from tests.connectors.conftest import MALFORMED, ONEROSTER_11, copy_set, db_fingerprint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("replaced", "fixture", "line", "field", "words"),
    [
        ("users", "users-missing-column.csv", 1, "familyName", "missing from the header"),
        ("academicSessions", "academicSessions-bad-date.csv", 4, "startDate", "not a real date"),
        # The bad row is the last one, after good rows: still nothing is written.
        (
            "enrollments",
            "enrollments-unknown-class.csv",
            11,
            "classSourcedId",
            "unknown class 'cls-nope'",
        ),
        ("users", "users-duplicate-sourcedid.csv", 13, "sourcedId", "appears twice"),
        ("enrollments", "enrollments-duplicate-sourcedid.csv", 11, "sourcedId", "first on line 4"),
        ("orgs", "orgs-bad-type.csv", 3, "type", "'academy' is not one of"),
        ("users", "users-bad-email.csv", 10, "email", "not an email address"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(
    tmp_path: Path, replaced: str, fixture: str, line: int, field: str, words: str
) -> None:
    oneroster_import(ONEROSTER_11)  # a database that already holds the good set
    before = db_fingerprint()
    folder = copy_set(tmp_path, **{replaced: MALFORMED / fixture})

    with pytest.raises(RowProblem) as caught:
        oneroster_import(folder)

    problem = caught.value
    assert (problem.file, problem.line, problem.field) == (f"{replaced}.csv", line, field)
    assert words in problem.message
    assert str(problem).startswith(f"{replaced}.csv:{line}: field '{field}': ")
    assert db_fingerprint() == before


def test_a_bad_row_in_a_first_import_leaves_the_database_empty(tmp_path: Path) -> None:
    folder = copy_set(tmp_path, enrollments=MALFORMED / "enrollments-unknown-class.csv")

    with pytest.raises(DataImportError):
        oneroster_import(folder)

    assert all(not rows for rows in db_fingerprint().values())


def test_a_set_without_a_manifest_is_refused(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    (folder / "manifest.csv").unlink()

    with pytest.raises(FileProblem, match=r"^manifest\.csv: is missing"):
        oneroster_import(folder)


def test_a_file_the_manifest_lists_must_be_there(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    (folder / "demographics.csv").unlink()

    with pytest.raises(FileProblem, match=r"demographics\.csv: manifest\.csv lists it as bulk"):
        oneroster_import(folder)


def test_a_school_filter_for_a_school_not_in_the_set_is_refused() -> None:
    with pytest.raises(FileProblem, match=r"orgs\.csv: has no school with URN 999999"):
        oneroster_import(ONEROSTER_11, school_urn="999999")


def test_an_enrolment_of_a_pupil_at_another_school_is_refused(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    with (folder / "enrollments.csv").open("a") as handle:
        handle.write("enr-x,,,cls-3b,org-oak,stu-maya,student,false,,\n")

    with pytest.raises(
        RowProblem, match=r"enrollments.csv:11: field 'userSourcedId': user 'stu-maya' is not at"
    ):
        oneroster_import(folder)


def test_an_agent_that_is_nobody_is_refused(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    users = (folder / "users.csv").read_text().replace('"par-ewa",03', '"par-nobody",03')
    (folder / "users.csv").write_text(users)

    with pytest.raises(
        RowProblem, match=r"users.csv:2: field 'agentSourcedIds': unknown user 'par-nobody'"
    ):
        oneroster_import(folder)


def test_a_short_line_names_the_first_missing_column(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    with (folder / "orgs.csv").open("a") as handle:
        handle.write("org-new,,,New School,school\n")

    with pytest.raises(RowProblem, match=r"orgs.csv:5: field 'identifier': the line has 5 values"):
        oneroster_import(folder)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    folder = copy_set(tmp_path)
    (folder / "orgs.csv").write_bytes(
        (folder / "orgs.csv").read_bytes().replace(b"Hillside", b"Hills\xe9de")
    )

    with pytest.raises(RowProblem, match="not UTF-8"):
        oneroster_import(folder)
