"""Two exports shaped like real ones, with several variations at once.

fixtures/vendor-mis11: OneRoster 1.1 as a UK information system's export through an integration
service writes it: CRLF line endings, a byte-order mark, every value quoted, vendor `metadata.*`
columns in every file, empty manifest values for the files it does not send, the local authority
named as the school's parent (and as a parent's org) but not listed, a parent with no org, a term
with no parent session.

fixtures/vendor-or12: OneRoster 1.2 as a rostering service writes it: roles.csv with secondary
roles, the school's `identifier` (its URN) empty, `status` and `dateLastModified` empty, the UPN in
`userMasterIdentifier` or in `userIds`, a class in a grading period.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from schoolwindow.cli import main
from schoolwindow.connectors.errors import RowProblem
from schoolwindow.connectors.models import ImportRun, ImportStatus
from schoolwindow.connectors.oneroster.importer import oneroster_import
from schoolwindow.people.models import (
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
    Role,
    Staff,
    StaffRole,
    TeachingAssignment,
)
from schoolwindow.schools.models import Group, GroupKind, School, Term, Trust
from tests.conftest import signed_in_client
from tests.connectors.conftest import FIXTURES, db_counts, db_fingerprint, zip_set
from tests.factories import SchoolFactory, staff_member

pytestmark = pytest.mark.django_db

MIS_11 = FIXTURES / "vendor-mis11"
SERVICE_12 = FIXTURES / "vendor-or12"


def test_the_fixture_keeps_the_exporters_bytes() -> None:
    raw = (MIS_11 / "users.csv").read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf"sourcedId"')
    assert b"\r\n" in raw


def test_an_11_export_with_crlf_bom_quotes_and_vendor_columns() -> None:
    summary = oneroster_import(MIS_11)

    school = School.objects.get()
    assert (school.urn, school.name, school.source_id) == (
        "300101",
        "Castle Hill School",
        "A1B2C3D4-0001",
    )
    trust = Trust.objects.get()
    assert (trust.name, trust.source_id) == ("Castle Hill School", "LA-881")
    assert any("'LA-881'" in note for note in summary.notes)
    assert summary.get("pupils", "created") == 4
    zara = Pupil.objects.select_related("year_group").get(source_id="STU-1001")
    assert (zara.upn, zara.legal_last_name, zara.email) == (
        "H881401200001",
        "Rahman",
        "zara.rahman@castlehill.example.sch.uk",
    )
    assert zara.year_group is not None and zara.year_group.code == "8"
    assert Pupil.objects.get(source_id="STU-1003").upn == "H881401200003"  # from `identifier`
    assert Pupil.objects.get(source_id="STU-1002").legal_last_name == "O'Brien"
    english = Group.objects.get(source_id="CLS-8EN2")
    assert (english.kind, english.subject, english.code) == (
        GroupKind.TEACHING,
        "English",
        "8x/En2",
    )
    assert Term.objects.get(source_id="AS-2026-SPR").academic_year.source_id == "AS-2026"
    # Both of Zara's parents, one at the unlisted local authority and one with no org at all.
    assert sorted(
        GuardianLink.objects.filter(pupil=zara).values_list("guardian__source_id", flat=True)
    ) == ["PAR-2001", "PAR-2002"]
    assert Guardian.objects.get(source_id="PAR-2002").phone == "07700 900402"
    assert Enrolment.objects.filter(active=True).count() == 6
    assert TeachingAssignment.objects.count() == 3


def test_an_11_export_zipped_in_a_folder_with_mac_clutter_imports_the_same(
    tmp_path: Path,
) -> None:
    archive = zip_set(MIS_11, tmp_path / "castle-hill.zip", inside="CastleHill_OneRoster/")
    with zipfile.ZipFile(archive, "a") as extra:
        extra.writestr("__MACOSX/CastleHill_OneRoster/._users.csv", b"\x00\x05\x16\x07")

    oneroster_import(archive)
    from_zip = db_counts()
    assert from_zip["Pupil"] == 4

    before = db_fingerprint()
    again = oneroster_import(MIS_11)  # the same export, unzipped
    assert again.total("created") == again.total("updated") == again.total("deleted") == 0
    assert db_fingerprint() == before


def test_a_12_export_without_a_urn_needs_the_school_and_then_remembers_it(
    tmp_path: Path,
) -> None:
    with pytest.raises(RowProblem, match=r"orgs\.csv:2: field 'identifier'.*--school URN"):
        oneroster_import(SERVICE_12)
    assert not School.objects.exists()

    archive = zip_set(SERVICE_12, tmp_path / "willow.zip", inside="willow-lane/")
    summary = oneroster_import(archive, school_urn="300202")

    willow = School.objects.get()
    assert (willow.urn, willow.name) == ("300202", "Willow Lane Primary")
    assert summary.get("pupils", "created") == 3
    seun = Pupil.objects.get(source_id="usr-01")
    assert (seun.upn, seun.preferred_first_name) == (
        "J300000000001",
        "Seun",
    )  # userMasterIdentifier
    assert Pupil.objects.get(source_id="usr-02").upn == "J300000000002"  # userIds
    megan = Staff.objects.get(source_id="usr-05")  # teacher, and counselor as a second role
    assert list(StaffRole.objects.filter(staff=megan).values_list("role", flat=True)) == [
        Role.TEACHER
    ]
    assert Staff.objects.get(source_id="usr-06").roles.get().role == Role.LEADER
    hazel = Group.objects.get(source_id="cls-hazel")
    assert hazel.term == Term.objects.get(source_id="ses-t1")  # from its grading period
    assert GuardianLink.objects.count() == 3

    before = db_fingerprint()
    again = oneroster_import(archive)  # the school is known by its sourcedId now
    assert again.total("created") == again.total("updated") == again.total("deleted") == 0
    assert db_fingerprint() == before


def test_a_12_export_without_a_urn_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", "oneroster", str(SERVICE_12)]) == 2
    err = capsys.readouterr().err
    assert "orgs.csv:2: field 'identifier'" in err and "--school URN" in err
    assert "Nothing was imported." in err

    assert main(["import", "oneroster", str(SERVICE_12), "--school", "300202"]) == 0
    assert Pupil.objects.filter(school__urn="300202").count() == 3


def test_a_12_export_without_a_urn_from_the_web_uses_the_chosen_school(
    tmp_path: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    school = SchoolFactory(urn="300202", name="Willow Lane Primary School")
    client = signed_in_client(staff_member(school, Role.OFFICE).user)
    archive = zip_set(SERVICE_12, tmp_path / "willow.zip")

    with archive.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("import_list"), {"school": school.pk, "kind": "oneroster", "file": handle}
        )

    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert (run.status, run.error) == (ImportStatus.DONE, "")
    school.refresh_from_db()
    assert school.source_id == "9f1c77e0-5b1e-4d0a-9c43-willow"
    assert Pupil.objects.filter(school=school).count() == 3
