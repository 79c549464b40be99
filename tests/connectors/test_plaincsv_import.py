"""The plain pupils-and-guardians CSV for schools without OneRoster."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from schoolwindow.connectors.errors import RowProblem
from schoolwindow.connectors.plaincsv.importer import pupils_csv_import
from schoolwindow.people.models import (
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
    PupilStatus,
    SendStatus,
)
from schoolwindow.schools.models import Group, GroupKind, School
from tests.connectors.conftest import FIXTURES, db_fingerprint
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

PUPILS = FIXTURES / "pupils.csv"


@pytest.fixture
def school() -> School:
    return SchoolFactory(urn="100020", name="Brook Lane Primary", phase="primary")


def test_it_imports_pupils_guardians_and_registration_groups(school: School) -> None:
    summary = pupils_csv_import(PUPILS)

    assert Pupil.objects.filter(school=school).count() == 4
    ola = Pupil.objects.select_related("year_group").get(upn="G100000000001")
    assert (ola.legal_first_name, ola.preferred_first_name, ola.date_of_birth) == (
        "Aleksandra",
        "Ola",
        dt.date(2015, 4, 2),
    )
    assert ola.year_group is not None and ola.year_group.code == "6"
    assert (ola.disadvantaged, ola.pupil_premium, ola.eal, ola.home_language) == (
        True,
        True,
        True,
        "Polish",
    )
    assert ola.send_status == SendStatus.SUPPORT
    assert Pupil.objects.get(upn="G100000000003").send_status == SendStatus.EHCP
    assert Pupil.objects.get(upn="G100000000004").looked_after
    group = Group.objects.get(school=school, name="6W")
    assert group.kind == GroupKind.REGISTRATION
    assert Enrolment.objects.get(pupil=ola).group == group
    # Siblings share their mother: one guardian, two links.
    kasia = Guardian.objects.get(email="kasia.w@example.org")
    assert kasia.trust_id == school.trust_id
    assert (kasia.preferred_language, kasia.preferred_channel, kasia.title) == (
        "pl",
        "email",
        "Mrs",
    )
    assert kasia.links.count() == 2
    marek = GuardianLink.objects.get(guardian__first_name="Marek")
    assert (marek.relationship, marek.lives_with_pupil, marek.contact_priority) == (
        "father",
        False,
        2,
    )
    assert marek.guardian.preferred_channel == "sms"
    foster = GuardianLink.objects.get(guardian__last_name="Price")
    assert (foster.relationship, foster.parental_responsibility) == ("foster_carer", False)
    assert summary.get("pupils", "created") == 4
    assert summary.get("guardians", "created") == 4
    assert summary.get("guardian_links", "created") == 5


def test_importing_the_same_file_again_changes_nothing(school: School) -> None:
    pupils_csv_import(PUPILS)
    before = db_fingerprint()

    summary = pupils_csv_import(PUPILS)

    assert db_fingerprint() == before
    assert summary.total("created") == summary.total("updated") == summary.total("deleted") == 0
    assert summary.get("pupils", "unchanged") == 4


def test_a_changed_row_updates_and_a_move_ends_the_old_enrolment(
    school: School, tmp_path: Path
) -> None:
    pupils_csv_import(PUPILS)
    changed = tmp_path / "pupils.csv"
    changed.write_text(
        PUPILS.read_text(encoding="utf-8").replace(",6,6W,", ",6,6S,"), encoding="utf-8"
    )

    summary = pupils_csv_import(changed)

    ola = Pupil.objects.get(upn="G100000000001")
    assert list(
        Enrolment.objects.filter(pupil=ola, active=True).values_list("group__name", flat=True)
    ) == ["6S"]
    assert summary.get("enrolments", "deleted") == 1
    assert summary.get("pupils", "unchanged") == 4  # the pupil's own fields did not change


def test_status_left_marks_a_pupil_as_left(school: School, tmp_path: Path) -> None:
    pupils_csv_import(PUPILS)
    leaver = tmp_path / "leaver.csv"
    leaver.write_text(
        "school_urn,upn,legal_first_name,legal_last_name,status\n100020,G100000000004,Harry,Lewis,left\n"
    )

    pupils_csv_import(leaver)

    assert Pupil.objects.get(upn="G100000000004").status == PupilStatus.LEFT


def test_dry_run_writes_nothing(school: School) -> None:
    before = db_fingerprint()

    summary = pupils_csv_import(PUPILS, dry_run=True)

    assert db_fingerprint() == before
    assert summary.get("pupils", "created") == 4


def test_the_school_option_skips_other_schools_rows(school: School, tmp_path: Path) -> None:
    SchoolFactory(urn="100021")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "school_urn,upn,legal_first_name,legal_last_name\n"
        "100020,G100000000001,Ola,Nowak\n100021,G100000000002,Tom,Nowak\n"
    )

    summary = pupils_csv_import(mixed, school_urn="100020")

    assert list(Pupil.objects.values_list("school__urn", flat=True)) == ["100020"]
    assert summary.rows_skipped == 1


@pytest.mark.parametrize(
    ("fixture", "line", "field"),
    [
        ("pupils-bad-date.csv", 3, "date_of_birth"),
        ("pupils-missing-column.csv", 1, "legal_last_name"),
        ("pupils-bad-relationship.csv", 3, "guardian1_relationship"),
    ],
)
def test_a_bad_row_names_file_line_and_field_and_writes_nothing(
    school: School, fixture: str, line: int, field: str
) -> None:
    before = db_fingerprint()

    with pytest.raises(RowProblem) as caught:
        pupils_csv_import(FIXTURES / fixture)

    assert (caught.value.file, caught.value.line, caught.value.field) == (fixture, line, field)
    assert db_fingerprint() == before


def test_an_unknown_school_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "school_urn,upn,legal_first_name,legal_last_name\n123456,G100000000001,Ola,Nowak\n"
    )

    with pytest.raises(RowProblem, match=r"p.csv:2: field 'school_urn': no school has URN 123456"):
        pupils_csv_import(path)


def test_a_guardians_postal_address_and_postcode_are_imported_for_letters(
    school: School, tmp_path: Path
) -> None:
    rows = tmp_path / "addresses.csv"
    rows.write_text(
        "school_urn,upn,legal_first_name,legal_last_name,guardian1_first_name,"
        "guardian1_last_name,guardian1_phone,guardian1_address,guardian1_postcode\n"
        "100020,G100000000009,Ada,Nowak,Ewa,Nowak,07700 900999,"
        '"12 Elm Street | Riverside",rv2 3bc\n'
    )

    pupils_csv_import(rows)

    guardian = Guardian.objects.get(first_name="Ewa")
    assert guardian.address == "12 Elm Street\nRiverside"
    assert guardian.postcode == "RV2 3BC"
    assert guardian.postal_lines == ["12 Elm Street", "Riverside", "RV2 3BC"]
    # A later file without the address columns leaves the address alone.
    rows.write_text(
        "school_urn,upn,legal_first_name,legal_last_name,guardian1_first_name,"
        "guardian1_last_name,guardian1_phone\n"
        "100020,G100000000009,Ada,Nowak,Ewa,Nowak,07700 900999\n"
    )
    pupils_csv_import(rows)
    guardian.refresh_from_db()
    assert guardian.postcode == "RV2 3BC"
