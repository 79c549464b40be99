"""`schoolwindow import oneroster|csv PATH [--school URN] [--dry-run]`: output and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from schoolwindow.audit.models import AuditEvent
from schoolwindow.cli import main
from schoolwindow.people.models import Pupil
from tests.connectors.conftest import FIXTURES, MALFORMED, ONEROSTER_11, copy_set, db_fingerprint
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_it_imports_and_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "oneroster", str(ONEROSTER_11)]) == 0

    out = capsys.readouterr().out
    assert "pupils" in out and "4 created, 0 updated, 0 unchanged, 0 deleted" in out
    assert "class enrolments" in out
    assert Pupil.objects.count() == 4
    event = AuditEvent.objects.get(action="import.oneroster")
    assert event.actor_label == "system (command line import)"
    assert event.detail["counts"]["pupils"]["created"] == 4


def test_again_it_says_nothing_changed(capsys: pytest.CaptureFixture[str]) -> None:
    main(["import", "oneroster", str(ONEROSTER_11)])
    capsys.readouterr()

    assert main(["import", "oneroster", str(ONEROSTER_11)]) == 0

    out = capsys.readouterr().out
    assert "0 created, 0 updated, 4 unchanged, 0 deleted" in out
    assert "Nothing changed" in out


def test_dry_run_says_so_and_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    before = db_fingerprint()

    assert main(["import", "oneroster", str(ONEROSTER_11), "--dry-run"]) == 0

    out = capsys.readouterr().out
    assert "Dry run: nothing written" in out
    assert "4 created" in out
    assert db_fingerprint() == before
    assert not AuditEvent.objects.exists()


def test_school_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "oneroster", str(ONEROSTER_11), "--school", "100001"]) == 0

    assert set(Pupil.objects.values_list("school__urn", flat=True)) == {"100001"}
    assert "for other schools skipped" in capsys.readouterr().out


def test_bad_input_exits_2_with_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy_set(tmp_path, academicSessions=MALFORMED / "academicSessions-bad-date.csv")

    assert main(["import", "oneroster", str(folder)]) == 2

    captured = capsys.readouterr()
    first_line = captured.err.splitlines()[0]
    assert (
        first_line == "academicSessions.csv:4: field 'startDate': '2027-02-30' is not a real date"
    )
    assert captured.out == ""
    assert Pupil.objects.count() == 0


def test_a_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "oneroster", str(tmp_path / "nowhere")]) == 2
    assert "there is no file or folder here" in capsys.readouterr().err


def test_csv_import(capsys: pytest.CaptureFixture[str]) -> None:
    SchoolFactory(urn="100020")

    assert main(["import", "csv", str(FIXTURES / "pupils.csv")]) == 0

    assert "parents and carers" in capsys.readouterr().out
    assert Pupil.objects.count() == 4


def test_csv_import_error(capsys: pytest.CaptureFixture[str]) -> None:
    SchoolFactory(urn="100020")

    assert main(["import", "csv", str(FIXTURES / "pupils-bad-date.csv"), "--school", "100020"]) == 2

    assert capsys.readouterr().err.startswith(
        "pupils-bad-date.csv:3: field 'date_of_birth': must be a date written YYYY-MM-DD"
    )
