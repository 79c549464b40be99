"""`schoolwindow signals import|recompute`, `schoolwindow xapi-key create`: output, exit codes."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client

from schoolwindow.audit.models import AuditEvent
from schoolwindow.cli import main
from schoolwindow.engagement.models import AttendanceMark, PupilDay, XapiSource
from tests.engagement.signal_helpers import pupils, school_with_term, write_csv

pytestmark = pytest.mark.django_db
HEADER = ("school_urn", "upn", "date", "session", "code")


def test_import_prints_counts_and_builds_the_daily_facts(tmp_path, capsys):
    school = school_with_term()
    (pupil,) = pupils(school, 1)
    rows = [
        (school.urn, pupil.upn, "2025-09-01", "AM", "/"),
        (school.urn, pupil.upn, "2025-09-01", "PM", "N"),
    ]
    path = write_csv(tmp_path, "attendance.csv", HEADER, rows)

    assert main(["signals", "import", "attendance", str(path)]) == 0

    out = capsys.readouterr().out
    assert "attendance marks  2 created, 0 updated, 0 unchanged" in out
    assert "Daily facts: 1 pupil-days" in out
    day = PupilDay.objects.get()
    assert (day.date, day.sessions_possible, day.sessions_unauthorised) == (
        dt.date(2025, 9, 1),
        2,
        1,
    )
    assert (
        AuditEvent.objects.get(action="import.signals.attendance").actor_label
        == "system (command line)"
    )


def test_bad_data_exits_2_naming_line_and_field(tmp_path, capsys):
    school = school_with_term()
    (pupil,) = pupils(school, 1)
    path = write_csv(
        tmp_path, "attendance.csv", HEADER, [(school.urn, pupil.upn, "2025-09-01", "AM", "H")]
    )

    assert main(["signals", "import", "attendance", str(path), "--dry-run"]) == 2

    err = capsys.readouterr().err
    assert "attendance.csv:2: field 'code': code H was withdrawn in 2024" in err
    assert "Nothing was imported." in err
    assert not AttendanceMark.objects.exists()


def test_recompute_covers_the_days_with_signals(tmp_path, capsys):
    school = school_with_term()
    (pupil,) = pupils(school, 1)
    path = write_csv(tmp_path, "a.csv", HEADER, [(school.urn, pupil.upn, "2025-09-02", "AM", "/")])
    main(["signals", "import", "attendance", str(path)])
    PupilDay.objects.all().delete()
    capsys.readouterr()

    assert main(["signals", "recompute", "--school", school.urn]) == 0

    assert "1 pupil-days from 2025-09-02 to 2025-09-02" in capsys.readouterr().out
    assert PupilDay.objects.count() == 1


def test_xapi_key_create_prints_a_key_that_works(capsys):
    school = school_with_term()

    assert main(["xapi-key", "create", "--school", school.urn, "Oak Learning"]) == 0

    out = capsys.readouterr().out
    key_id = out.split("key id:")[1].split()[0]
    secret = out.split("secret:")[1].split()[0]
    source = XapiSource.objects.get()
    assert source.key_id == key_id and secret not in source.secret_hash
    token = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
    response = Client().post(
        "/xapi/statements",
        json.dumps(
            {
                "actor": {"mbox": "mailto:a@example.org"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/launched"},
                "object": {"id": "https://x.example/1"},
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {token}",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code == 200
    assert main(["xapi-key", "create", "--school", school.urn, "Oak Learning"]) == 2
    call_command("xapi_summary", "--school", school.urn)
    assert (
        "1 statement stored, 1 not mapped: 1 from actors who are not pupils"
        in capsys.readouterr().out
    )
