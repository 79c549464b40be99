"""What real exports vary in, and the OneRoster 1.1 and 1.2 CSV specifications allow: each is
imported, once per test. The few things that would make our data wrong are refused, naming file,
line and field, with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from schoolwindow.connectors.errors import FileProblem, RowProblem
from schoolwindow.connectors.oneroster.importer import oneroster_import
from schoolwindow.connectors.summary import ImportSummary
from schoolwindow.people.models import (
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
    PupilStatus,
    Staff,
    TeachingAssignment,
)
from schoolwindow.schools.models import Group, School, Term, Trust
from tests.connectors.conftest import db_counts, db_fingerprint
from tests.connectors.rosterset import RosterSet, table
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

COUNTS = {
    "Trust": 1,
    "School": 1,
    "AcademicYear": 1,
    "Term": 1,
    "YearGroup": 1,
    "Group": 1,
    "Pupil": 2,
    "Staff": 1,
    "StaffRole": 1,
    "Guardian": 1,
    "GuardianLink": 1,
    "Enrolment": 2,
    "TeachingAssignment": 1,
}


def run(roster: RosterSet, tmp_path: Path, *, school_urn: str | None = None) -> ImportSummary:
    return oneroster_import(roster.write(tmp_path / "set"), school_urn=school_urn)


def imported_again_unchanged(folder: Path, *, school_urn: str | None = None) -> None:
    before = db_fingerprint()
    again = oneroster_import(folder, school_urn=school_urn)
    assert again.total("created") == again.total("updated") == again.total("deleted") == 0
    assert db_fingerprint() == before


def refused(roster: RosterSet, tmp_path: Path, *, school_urn: str | None = None) -> RowProblem:
    before = db_fingerprint()
    with pytest.raises(RowProblem) as caught:
        run(roster, tmp_path, school_urn=school_urn)
    assert db_fingerprint() == before
    return caught.value


def test_the_minimal_set_imports_and_again_changes_nothing(tmp_path: Path) -> None:
    folder = RosterSet().write(tmp_path / "set")

    oneroster_import(folder)

    assert db_counts() == COUNTS
    imported_again_unchanged(folder)


# Optional fields left empty -------------------------------------------------------------


def test_a_district_without_an_identifier(tmp_path: Path) -> None:
    roster = RosterSet()  # the base district has an empty identifier already
    roster.set_value("orgs.csv", "d-1", "status", "active")

    run(roster, tmp_path)

    assert Trust.objects.get().source_id == "d-1"


def test_a_school_without_a_urn_takes_the_one_given_with_school(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.set_value("orgs.csv", "s-1", "identifier", "")
    folder = roster.write(tmp_path / "set")

    oneroster_import(folder, school_urn="200009")

    school = School.objects.get()
    assert (school.urn, school.source_id) == ("200009", "s-1")
    assert db_counts() == COUNTS
    # Later imports know the school by its sourcedId: no --school needed, nothing duplicated.
    imported_again_unchanged(folder)
    imported_again_unchanged(folder, school_urn="200009")


def test_a_school_without_a_urn_and_no_school_given_is_refused_saying_what_to_do(
    tmp_path: Path,
) -> None:
    roster = RosterSet()
    roster.set_value("orgs.csv", "s-1", "identifier", "")

    problem = refused(roster, tmp_path)

    assert (problem.file, problem.line, problem.field) == ("orgs.csv", 3, "identifier")
    assert "URN (DfE number) of Brook Primary School is not in the file" in problem.message
    assert "--school URN" in problem.message and "import page" in problem.message


def test_of_several_schools_without_a_urn_the_one_we_have_by_name_is_chosen(
    tmp_path: Path,
) -> None:
    SchoolFactory(urn="200002", name="Meadow  Academy")  # set up by hand before any import
    roster = RosterSet()
    roster.set_value("orgs.csv", "s-1", "identifier", "")
    roster.add_row(
        "orgs.csv",
        {"sourcedId": "s-2", "name": "Meadow Academy", "type": "school", "parentSourcedId": "d-1"},
    )

    run(roster, tmp_path, school_urn="200002")

    meadow = School.objects.get(urn="200002")
    assert meadow.source_id == "s-2"
    assert not Pupil.objects.exists()  # everyone in the set is at the other school


def test_of_several_schools_without_a_urn_an_unknown_one_is_refused(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.set_value("orgs.csv", "s-1", "identifier", "")
    roster.add_row("orgs.csv", {"sourcedId": "s-2", "name": "Meadow Academy", "type": "school"})

    problem = refused(roster, tmp_path, school_urn="200002")

    assert (problem.line, problem.field) == (3, "identifier")
    assert "2 schools have no URN (lines 3, 4)" in problem.message


def test_a_school_filter_naming_a_urn_the_file_lacks_lists_the_ones_it_has(
    tmp_path: Path,
) -> None:
    with pytest.raises(FileProblem, match=r"has no school with URN 999999 \(it has 200001\)"):
        run(RosterSet(), tmp_path, school_urn="999999")


def test_a_term_without_a_parent_session_belongs_to_the_year_that_holds_its_dates(
    tmp_path: Path,
) -> None:
    roster = RosterSet()
    roster.set_value("academicSessions.csv", "t-1", "parentSourcedId", "")

    run(roster, tmp_path)

    assert Term.objects.get().academic_year.source_id == "y-1"


def test_users_with_their_optional_fields_empty(tmp_path: Path) -> None:
    roster = RosterSet()
    for column in ("email", "middleName", "grades", "userIds", "username", "enabledUser"):
        roster.set_value("users.csv", "u-ada", column, "")
    for column in ("email", "phone", "sms"):
        roster.set_value("users.csv", "p-anne", column, "")

    run(roster, tmp_path)

    ada = Pupil.objects.get(source_id="u-ada")
    assert (ada.email, ada.upn, ada.year_group) == ("", "", None)
    anne = Guardian.objects.get(source_id="p-anne")
    assert (anne.email, anne.phone, anne.preferred_channel) == ("", "", "letter")


def test_enrolments_without_begin_or_end_dates(tmp_path: Path) -> None:
    roster = RosterSet()
    for sid in ("e-1", "e-2", "e-3"):
        roster.set_value("enrollments.csv", sid, "beginDate", "")
        roster.set_value("enrollments.csv", sid, "endDate", "")
        roster.set_value("enrollments.csv", sid, "primary", "")

    run(roster, tmp_path)

    assert Enrolment.objects.filter(active=True).count() == 2
    assert not TeachingAssignment.objects.get().primary


def test_a_parent_with_no_org_is_placed_by_their_children(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.set_value("users.csv", "p-anne", "orgSourcedIds", "")

    run(roster, tmp_path)

    assert GuardianLink.objects.get().guardian.source_id == "p-anne"


# References to orgs the export leaves out ----------------------------------------------


def test_a_school_whose_district_is_not_in_orgs_csv(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.drop_rows("orgs.csv", "d-1")
    roster.set_value("users.csv", "p-anne", "orgSourcedIds", "s-1")

    summary = run(roster, tmp_path)

    trust = Trust.objects.get()
    assert (trust.name, trust.source_id) == ("Brook Primary School", "d-1")
    assert any("does not list 'd-1'" in note for note in summary.notes)


def test_a_sister_school_under_the_same_missing_district_joins_the_same_trust(
    tmp_path: Path,
) -> None:
    roster = RosterSet()
    roster.drop_rows("orgs.csv", "d-1")
    run(roster, tmp_path / "first")
    sister = RosterSet()
    sister.files["orgs.csv"] = table(
        """
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
s-2,,,Brook Infants,school,200002,d-1
"""
    )
    for name in ("classes.csv", "users.csv", "enrollments.csv", "demographics.csv"):
        sister.files[name] = sister.files[name][:1]
    sister.files["courses.csv"] = sister.files["courses.csv"][:1]

    run(sister, tmp_path / "second")

    assert School.objects.get(urn="200002").trust == Trust.objects.get()


def test_users_at_an_org_that_is_not_in_the_set(tmp_path: Path) -> None:
    """Parents attached to the local authority, which the export does not list."""
    roster = RosterSet()
    roster.set_value("users.csv", "p-anne", "orgSourcedIds", "la-881")

    summary = run(roster, tmp_path)

    assert GuardianLink.objects.get().guardian.source_id == "p-anne"
    assert any("org 'la-881', which is not in orgs.csv" in note for note in summary.notes)


# manifest.csv ----------------------------------------------------------------------------


def test_manifest_rows_with_an_empty_value_mean_absent(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.manifest("file.demographics", "")
    roster.manifest("file.lineItems", "")
    roster.manifest("source.systemName", "")
    del roster.files["demographics.csv"]

    run(roster, tmp_path)

    assert Pupil.objects.get(source_id="u-ada").date_of_birth is None


def test_an_empty_version_is_read_from_the_files(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.manifest("oneroster.version", "")

    run(roster, tmp_path)

    assert db_counts() == COUNTS


@pytest.mark.parametrize("version", ["1.1", "1.1.0", "v1.1", "1.0"])
def test_version_numbers_written_in_other_ways(tmp_path: Path, version: str) -> None:
    roster = RosterSet()
    roster.manifest("oneroster.version", version)

    run(roster, tmp_path)

    assert db_counts() == COUNTS


def test_files_declared_absent_may_be_missing_and_are_not_read(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.manifest("file.demographics", "absent")
    roster.manifest("file.courses", "absent")
    del roster.files["demographics.csv"]
    roster.files["courses.csv"] = [["not", "a", "courses", "file"]]  # absent: never opened

    run(roster, tmp_path)

    assert Group.objects.get().subject == ""


def test_a_file_the_manifest_does_not_list_is_not_read_and_the_summary_says_so(
    tmp_path: Path,
) -> None:
    roster = RosterSet()
    roster.files["manifest.csv"] = [
        row for row in roster.files["manifest.csv"] if row[0] != "file.demographics"
    ]

    summary = run(roster, tmp_path)

    assert Pupil.objects.get(source_id="u-ada").date_of_birth is None
    assert any("demographics.csv" in note and "not list" in note for note in summary.notes)


def test_a_set_with_bulk_and_delta_files(tmp_path: Path) -> None:
    run(RosterSet(), tmp_path / "first")
    roster = RosterSet()
    roster.manifest("file.users", "delta")
    roster.manifest("file.enrollments", "delta")
    roster.manifest("file.demographics", "absent")
    del roster.files["demographics.csv"]
    roster.drop_rows("users.csv", "u-ada", "u-tess", "p-anne")
    roster.add_row(
        "users.csv",
        {
            "sourcedId": "u-grace",
            "status": "active",
            "dateLastModified": "2026-10-01T07:00:00Z",
            "orgSourcedIds": "s-1",
            "role": "student",
            "givenName": "Grace",
            "familyName": "Hopper",
        },
    )
    roster.files["enrollments.csv"] = roster.files["enrollments.csv"][:1]
    roster.add_row(
        "enrollments.csv",
        {
            "sourcedId": "e-4",
            "status": "active",
            "classSourcedId": "k-4a",
            "schoolSourcedId": "s-1",
            "userSourcedId": "u-grace",
            "role": "student",
        },
    )

    run(roster, tmp_path / "second")

    # The delta adds Grace; the pupils it does not mention stay on roll.
    assert set(
        Pupil.objects.filter(status=PupilStatus.ACTIVE).values_list("source_id", flat=True)
    ) == {
        "u-ada",
        "u-alan",
        "u-grace",
    }
    assert Enrolment.objects.filter(active=True).count() == 3


def test_inactive_the_older_word_for_a_record_that_has_gone(tmp_path: Path) -> None:
    run(RosterSet(), tmp_path / "first")
    roster = RosterSet()
    roster.manifest("file.users", "delta")
    roster.drop_rows("users.csv", "u-ada", "u-tess", "p-anne")
    roster.set_value("users.csv", "u-alan", "status", "inactive")

    run(roster, tmp_path / "second")

    assert Pupil.objects.get(source_id="u-alan").status == PupilStatus.LEFT


# The shape of the files ------------------------------------------------------------------


def test_extra_columns_and_metadata_columns_are_ignored(tmp_path: Path) -> None:
    roster = RosterSet()
    for name in list(roster.files):
        if name != "manifest.csv":
            roster.add_column(name, "metadata.vendor.misId", "x1")
            roster.add_column(name, "VendorNotes", "anything, even commas", at=1)
    roster.add_column("users.csv", "metadata.ukUPN", "Z999")

    run(roster, tmp_path)

    assert db_counts() == COUNTS
    assert Pupil.objects.get(source_id="u-ada").upn == "F100000000001"


def test_crlf_line_endings_and_a_byte_order_mark(tmp_path: Path) -> None:
    roster = RosterSet(newline="\r\n", bom=True)
    folder = roster.write(tmp_path / "set")

    oneroster_import(folder)

    assert db_counts() == COUNTS
    ada = Pupil.objects.get(source_id="u-ada")
    assert ada.legal_last_name == "Lovelace"  # no stray \r
    imported_again_unchanged(folder)


def test_headers_in_another_case_or_with_spaces(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.rename_column("users.csv", "sourcedId", " SourcedId ")
    roster.rename_column("users.csv", "givenName", "GivenName")
    roster.rename_column("orgs.csv", "identifier", "Identifier ")
    roster.rename_column("manifest.csv", "propertyName", "PropertyName")

    run(roster, tmp_path)

    assert db_counts() == COUNTS


def test_file_names_in_another_case(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.files["Users.csv"] = roster.files.pop("users.csv")
    roster.files["ACADEMICSESSIONS.CSV"] = roster.files.pop("academicSessions.csv")

    run(roster, tmp_path)

    assert db_counts() == COUNTS


def test_a_zip_without_a_folder(tmp_path: Path) -> None:
    oneroster_import(RosterSet().zip(tmp_path / "export.zip"))

    assert db_counts() == COUNTS


def test_a_zip_with_a_folder_and_mac_clutter(tmp_path: Path) -> None:
    archive = RosterSet().zip(
        tmp_path / "export.zip",
        inside="Brook export/",
        extra={
            "__MACOSX/Brook export/._users.csv": b"\x00\x05\x16\x07 not a csv",
            "__MACOSX/._manifest.csv": b"\x00\x05\x16\x07",
            "Brook export/.DS_Store": b"\x00\x00",
            "Brook export/readme.txt": b"Exported 1 Sept",
        },
    )

    oneroster_import(archive)

    assert db_counts() == COUNTS


def test_a_folder_holding_the_unzipped_export_one_level_down(tmp_path: Path) -> None:
    RosterSet().write(tmp_path / "download" / "export-2026-09-01")

    oneroster_import(tmp_path / "download")

    assert db_counts() == COUNTS


def test_a_zip_holding_two_exports_side_by_side_is_refused(tmp_path: Path) -> None:
    roster = RosterSet()
    archive = roster.zip(
        tmp_path / "export.zip",
        inside="monday/",
        extra={f"tuesday/{name}": roster.data(name) for name in roster.files},
    )

    with pytest.raises(FileProblem, match=r"export\.zip: holds \w+\.csv twice \(monday/"):
        oneroster_import(archive)


# OneRoster 1.2 ---------------------------------------------------------------------------


def roster_12() -> RosterSet:
    """The base set as 1.2 writes it: roles.csv, the 1.2 user columns, status and
    dateLastModified left empty (allowed in bulk files), booleans in capitals."""
    roster = RosterSet()
    roster.manifest("oneroster.version", "1.2")
    roster.manifest("file.roles", "bulk")
    roster.files["roles.csv"] = table(
        """
sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId
r-1,,,u-ada,primary,student,2026-09-01,,s-1,
r-2,,,u-alan,primary,student,,,s-1,
r-3,,,u-tess,primary,teacher,,,s-1,
r-4,,,u-tess,secondary,counselor,,,s-1,
r-5,,,p-anne,primary,parent,,,s-1,
"""
    )
    for column in ("orgSourcedIds", "role"):
        roster.drop_column("users.csv", column)
    for column in ("userMasterIdentifier", "preferredGivenName", "preferredMiddleName"):
        roster.add_column("users.csv", column)
    for column in ("preferredFamilyName", "primaryOrgSourcedId", "pronouns"):
        roster.add_column("users.csv", column)
    roster.set_value("users.csv", "u-ada", "enabledUser", "TRUE")
    roster.set_value("enrollments.csv", "e-3", "primary", "True")
    return roster


def test_a_12_set_with_roles_empty_status_and_capitalised_booleans(tmp_path: Path) -> None:
    folder = roster_12().write(tmp_path / "set")

    oneroster_import(folder)

    assert db_counts() == COUNTS
    assert Staff.objects.get().job_title == "Teacher"  # the primary role decides
    assert TeachingAssignment.objects.get().primary
    imported_again_unchanged(folder)


def test_a_12_upn_in_user_master_identifier(tmp_path: Path) -> None:
    roster = roster_12()
    roster.set_value("users.csv", "u-alan", "userIds", "{MIS:5521}")
    roster.set_value("users.csv", "u-alan", "userMasterIdentifier", "f100000000009")

    run(roster, tmp_path)

    assert Pupil.objects.get(source_id="u-alan").upn == "F100000000009"


@pytest.mark.parametrize(
    ("given", "family"),
    [("preferredGivenName", "preferredFamilyName"), ("preferredFirstName", "preferredLastName")],
)
def test_a_12_preferred_name_under_either_name(tmp_path: Path, given: str, family: str) -> None:
    roster = roster_12()
    roster.rename_column("users.csv", "preferredGivenName", given)
    roster.rename_column("users.csv", "preferredFamilyName", family)
    roster.set_value("users.csv", "u-ada", given, "Ada")  # the same as the legal name: not kept
    roster.set_value("users.csv", "u-alan", given, "Al")
    roster.set_value("users.csv", "u-alan", family, "Turing-Smith")

    run(roster, tmp_path)

    ada, alan = Pupil.objects.get(source_id="u-ada"), Pupil.objects.get(source_id="u-alan")
    assert ada.preferred_first_name == ""
    assert (alan.preferred_first_name, alan.preferred_last_name) == ("Al", "Turing-Smith")


def test_a_12_role_at_an_org_not_in_the_set_is_left_out(tmp_path: Path) -> None:
    roster = roster_12()
    roster.add_row(
        "roles.csv",
        {
            "sourcedId": "r-6",
            "userSourcedId": "u-tess",
            "roleType": "secondary",
            "role": "teacher",
            "orgSourcedId": "s-elsewhere",
        },
    )

    summary = run(roster, tmp_path)

    assert Staff.objects.count() == 1
    assert any("'s-elsewhere'" in note for note in summary.notes)


# Still refused: what would make our data wrong -------------------------------------------


def test_a_12_role_with_an_invalid_date_is_refused(tmp_path: Path) -> None:
    roster = roster_12()
    roster.set_value("roles.csv", "r-2", "beginDate", "2026-02-30")

    problem = refused(roster, tmp_path)

    assert (problem.file, problem.line, problem.field) == ("roles.csv", 3, "beginDate")
    assert "not a real date" in problem.message


def test_an_enrolment_of_a_user_that_exists_nowhere_is_refused(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.set_value("enrollments.csv", "e-2", "userSourcedId", "u-nobody")

    problem = refused(roster, tmp_path)

    assert (problem.file, problem.line, problem.field) == ("enrollments.csv", 3, "userSourcedId")
    assert "unknown user 'u-nobody'" in problem.message


def test_a_delta_enrolment_in_a_class_that_exists_nowhere_is_refused(tmp_path: Path) -> None:
    run(RosterSet(), tmp_path / "first")
    roster = RosterSet()
    for name in ("orgs.csv", "academicSessions.csv", "courses.csv", "classes.csv", "users.csv"):
        roster.manifest(f"file.{name.removesuffix('.csv')}", "absent")
        del roster.files[name]
    roster.manifest("file.demographics", "absent")
    del roster.files["demographics.csv"]
    roster.manifest("file.enrollments", "delta")
    roster.set_value("enrollments.csv", "e-2", "classSourcedId", "k-9z")

    problem = refused(roster, tmp_path / "second")

    assert (problem.line, problem.field) == (3, "classSourcedId")
    assert "unknown class 'k-9z'" in problem.message


def test_a_missing_required_column_is_refused_even_in_another_case(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.drop_column("classes.csv", "schoolSourcedId")

    problem = refused(roster, tmp_path)

    assert (problem.file, problem.line, problem.field) == ("classes.csv", 1, "schoolSourcedId")


def test_a_column_given_twice_in_different_cases_is_refused(tmp_path: Path) -> None:
    roster = RosterSet()
    roster.add_column("users.csv", "Email", "other@example.org")

    problem = refused(roster, tmp_path)

    assert (problem.file, problem.line, problem.field) == ("users.csv", 1, "email")
    assert "appears twice" in problem.message


def test_a_duplicate_sourced_id_in_roles_is_refused(tmp_path: Path) -> None:
    roster = roster_12()
    roster.set_value("roles.csv", "r-5", "sourcedId", "r-1")

    problem = refused(roster, tmp_path)

    assert (problem.file, problem.line, problem.field) == ("roles.csv", 6, "sourcedId")
