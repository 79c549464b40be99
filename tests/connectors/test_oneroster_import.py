"""OneRoster 1.1 and 1.2 sets: what gets created, and that importing again changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from schoolwindow.connectors.oneroster.importer import oneroster_import
from schoolwindow.people.models import (
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
    PupilStatus,
    Relationship,
    Role,
    Staff,
    StaffRole,
    TeachingAssignment,
)
from schoolwindow.schools.models import AcademicYear, Group, GroupKind, Phase, School, Term, Trust
from tests.connectors.conftest import (
    ONEROSTER_11,
    ONEROSTER_11_DELTA,
    ONEROSTER_12,
    copy_set,
    db_counts,
    db_fingerprint,
    zip_set,
)
from tests.factories import SchoolFactory, TrustFactory, staff_member

pytestmark = pytest.mark.django_db

COUNTS_AFTER_11 = {
    "Trust": 1,
    "School": 2,
    "AcademicYear": 2,
    "Term": 6,
    "YearGroup": 2,
    "Group": 3,
    "Pupil": 4,
    "Staff": 4,
    "StaffRole": 4,
    "Guardian": 4,
    "GuardianLink": 5,
    "Enrolment": 6,
    "TeachingAssignment": 3,
}


def test_it_imports_a_oneroster_11_set() -> None:
    summary = oneroster_import(ONEROSTER_11)

    assert db_counts() == COUNTS_AFTER_11
    assert summary.get("pupils", "created") == 4
    assert summary.get("enrolments", "created") == 6
    trust = Trust.objects.get()
    assert trust.name == "Riverside Learning Trust"
    assert trust.source_id == "org-district"
    oak = School.objects.get(urn="100001")
    assert (oak.name, oak.source_id, oak.trust_id, oak.phase) == (
        "Oakfield Primary School",
        "org-oak",
        trust.pk,
        Phase.PRIMARY,
    )


def test_it_maps_people_and_classes() -> None:
    oneroster_import(ONEROSTER_11)

    jan = Pupil.objects.select_related("year_group", "school").get(source_id="stu-jan")
    assert jan.upn == "C123456789012"  # from `identifier`, since it looks like a UPN
    assert (jan.legal_first_name, jan.legal_last_name, jan.email) == (
        "Jan",
        "Kowalski",
        "jan.k@pupils.example.org",
    )
    assert jan.year_group is not None and jan.year_group.code == "7"
    assert jan.date_of_birth == dt.date(2014, 1, 30)
    assert jan.gender == "male"
    assert jan.school.urn == "100002"
    amelia = Pupil.objects.get(source_id="stu-amelia")
    assert amelia.upn == "A123456789012"

    maths = Group.objects.get(source_id="cls-7ma1")
    assert (maths.kind, maths.name, maths.code, maths.subject) == (
        GroupKind.TEACHING,
        "7 Maths set 1",
        "7MA1",
        "Mathematics",
    )
    assert maths.term is not None and maths.term.name == "Autumn term"
    assert Group.objects.get(source_id="cls-7r").kind == GroupKind.REGISTRATION
    assert Group.objects.get(source_id="cls-3b").subject == "Registration"  # the course title
    assert set(
        Enrolment.objects.filter(group=maths).values_list("pupil__source_id", flat=True)
    ) == {
        "stu-jan",
        "stu-maya",
    }

    # A teacher at two schools is a member of staff at each.
    assert Staff.objects.filter(source_id="tch-jones").count() == 2
    assert TeachingAssignment.objects.get(group=maths).staff.source_id == "tch-jones"
    office = Staff.objects.get(source_id="adm-office")
    assert list(StaffRole.objects.filter(staff=office).values_list("role", flat=True)) == [
        Role.OFFICE
    ]
    assert office.job_title == "Administrator"


def test_it_links_guardians_from_agents_on_either_side() -> None:
    oneroster_import(ONEROSTER_11)

    ewa = Guardian.objects.get(source_id="par-ewa")
    # One guardian for the trust, linked to her children at both schools.
    assert sorted(ewa.links.values_list("pupil__source_id", "school__urn")) == [
        ("stu-amelia", "100001"),
        ("stu-jan", "100002"),
    ]
    assert ewa.phone == "07700900001"  # `sms` when there is no `phone`
    piotr = Guardian.objects.get(source_id="par-piotr")  # listed only on Jan's row
    assert list(piotr.links.values_list("pupil__source_id", flat=True)) == ["stu-jan"]
    assert piotr.preferred_channel == "sms"  # no email address
    nana = GuardianLink.objects.get(guardian__source_id="gdn-maya")
    assert nana.relationship == Relationship.CARER
    assert nana.guardian.preferred_channel == "letter"


def test_importing_the_same_set_again_changes_nothing() -> None:
    oneroster_import(ONEROSTER_11)
    before = db_fingerprint()

    summary = oneroster_import(ONEROSTER_11)

    assert db_fingerprint() == before
    assert summary.total("created") == summary.total("updated") == summary.total("deleted") == 0
    assert summary.get("pupils", "unchanged") == 4
    assert summary.get("enrolments", "unchanged") == 6
    assert not summary.changed
    assert "Nothing changed" in summary.as_text()


def test_it_imports_a_oneroster_12_set_with_roles_and_preferred_names() -> None:
    summary = oneroster_import(ONEROSTER_12)

    school = School.objects.get(urn="100010")
    assert school.trust.name == "Meadow Primary School"  # no district: a trust of its own
    zofia = Pupil.objects.select_related("year_group").get(source_id="u-zofia")
    assert (zofia.legal_first_name, zofia.preferred_first_name, zofia.upn) == (
        "Zofia",
        "Zosia",
        "E100000000001",
    )
    assert zofia.year_group is not None and zofia.year_group.code == "R"  # KG → Reception
    assert Pupil.objects.get(source_id="u-leo").gender == "unspecified"
    head = Staff.objects.get(source_id="u-head")
    assert list(head.roles.values_list("role", flat=True)) == [Role.LEADER]
    gran = GuardianLink.objects.get(guardian__source_id="u-gran")
    assert gran.relationship == Relationship.RELATIVE and gran.pupil.source_id == "u-leo"
    # A class in a grading period runs in the term that holds it.
    assert Group.objects.get(source_id="k-robins").term == Term.objects.get(source_id="term-1")
    assert AcademicYear.objects.get().name == "2026 to 2027"
    assert summary.get("teaching_assignments", "created") == 2

    again = oneroster_import(ONEROSTER_12)
    assert again.total("created") == again.total("updated") == 0


def test_it_reads_a_zip_with_the_files_in_a_folder(tmp_path: Path) -> None:
    archive = zip_set(ONEROSTER_11, tmp_path / "export.zip", inside="export-2026-09-01/")

    oneroster_import(archive)

    assert db_counts() == COUNTS_AFTER_11


def test_dry_run_reports_but_writes_nothing() -> None:
    before = db_fingerprint()

    summary = oneroster_import(ONEROSTER_11, dry_run=True)

    assert db_fingerprint() == before
    assert summary.dry_run
    assert summary.get("pupils", "created") == 4
    assert "nothing written" in summary.as_text()


def test_school_filter_imports_only_that_school() -> None:
    summary = oneroster_import(ONEROSTER_11, school_urn="100002")

    assert list(School.objects.values_list("urn", flat=True)) == ["100002"]
    assert set(Pupil.objects.values_list("source_id", flat=True)) == {"stu-jan", "stu-maya"}
    assert set(Guardian.objects.values_list("source_id", flat=True)) == {
        "par-ewa",
        "par-piotr",
        "gdn-maya",
    }
    assert Staff.objects.filter(source_id="tch-smith").count() == 0
    assert summary.rows_skipped > 0

    oneroster_import(ONEROSTER_11)  # then the other school joins the same trust
    assert Trust.objects.count() == 1
    assert db_counts() == COUNTS_AFTER_11


def test_delta_set_updates_adds_and_removes() -> None:
    oneroster_import(ONEROSTER_11)

    summary = oneroster_import(ONEROSTER_11_DELTA)

    assert Pupil.objects.get(source_id="stu-oliver").status == PupilStatus.LEFT
    assert Pupil.objects.get(source_id="stu-maya").legal_last_name == "Patel-Shah"
    noor = Pupil.objects.get(source_id="stu-noor")
    assert Enrolment.objects.get(pupil=noor).group.source_id == "cls-3b"
    assert list(noor.guardian_links.values_list("guardian__source_id", flat=True)) == ["par-oliver"]
    assert not Enrolment.objects.get(pupil__source_id="stu-jan", group__source_id="cls-7ma1").active
    assert not GuardianLink.objects.filter(guardian__source_id="par-piotr").exists()
    assert Guardian.objects.filter(
        source_id="par-piotr"
    ).exists()  # the person stays; the link goes
    # Rows the delta does not mention are untouched.
    assert Pupil.objects.get(source_id="stu-amelia").status == PupilStatus.ACTIVE
    assert summary.get("pupils", "deleted") == 1
    assert summary.get("pupils", "updated") == 1
    assert summary.get("pupils", "created") == 1
    assert summary.get("guardian_links", "deleted") == 1
    assert summary.get("enrolments", "deleted") == 1


def test_bulk_set_retires_what_it_no_longer_lists(tmp_path: Path) -> None:
    oneroster_import(ONEROSTER_11)
    folder = copy_set(tmp_path)
    users = (folder / "users.csv").read_text().splitlines()
    (folder / "users.csv").write_text(
        "\n".join(line for line in users if not line.startswith("stu-maya")) + "\n"
    )
    enrolments = (folder / "enrollments.csv").read_text().splitlines()
    (folder / "enrollments.csv").write_text(
        "\n".join(line for line in enrolments if "stu-maya" not in line) + "\n"
    )

    summary = oneroster_import(folder)

    assert Pupil.objects.get(source_id="stu-maya").status == PupilStatus.LEFT
    assert not Enrolment.objects.filter(pupil__source_id="stu-maya", active=True).exists()
    # Maya's carer still lists her, so that link stays: it is history, not a current class.
    assert GuardianLink.objects.filter(pupil__source_id="stu-maya").exists()
    assert summary.get("pupils", "deleted") == 1
    assert summary.get("enrolments", "deleted") == 2


def test_it_adopts_records_typed_in_before_oneroster() -> None:
    """A pupil entered by hand (same UPN) and a member of staff with a log-in (same email)."""
    trust = TrustFactory(source_id="org-district")
    hill = SchoolFactory(trust=trust, urn="100002", name="Hillside (old name)")
    typed = Pupil.objects.create(
        school=hill, upn="D123456789012", legal_first_name="M", legal_last_name="P"
    )
    office = staff_member(hill, Role.OFFICE, email="office@hill.example.org")

    oneroster_import(ONEROSTER_11)

    typed.refresh_from_db()
    assert (typed.source_id, typed.legal_first_name) == ("stu-maya", "Maya")
    office.refresh_from_db()
    assert office.source_id == "adm-office"
    assert office.user is not None
    hill.refresh_from_db()
    assert (hill.name, hill.source_id) == ("Hillside Academy", "org-hill")
    assert Trust.objects.count() == 1  # Oakfield joins the existing trust
    assert StaffRole.objects.filter(staff=office).count() == 1
