"""Fixture sets and helpers for the import tests."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from schoolwindow.people.models import (
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
    Staff,
    StaffRole,
    TeachingAssignment,
)
from schoolwindow.schools.models import AcademicYear, Group, School, Term, Trust, YearGroup

FIXTURES = Path(__file__).parent / "fixtures"
ONEROSTER_11 = FIXTURES / "oneroster11"
ONEROSTER_12 = FIXTURES / "oneroster12"
ONEROSTER_11_DELTA = FIXTURES / "oneroster11-delta"
MALFORMED = FIXTURES / "malformed"

COUNTED = (
    Trust,
    School,
    AcademicYear,
    Term,
    YearGroup,
    Group,
    Pupil,
    Staff,
    StaffRole,
    Guardian,
    GuardianLink,
    Enrolment,
    TeachingAssignment,
)


def db_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def db_fingerprint() -> dict[str, list[tuple[object, ...]]]:
    """Every imported table's rows, to show that something wrote nothing at all."""
    return {model.__name__: sorted(model.objects.values_list()) for model in COUNTED}


def copy_set(tmp_path: Path, source: Path = ONEROSTER_11, **replacements: Path) -> Path:
    """A copy of a fixture set with some files replaced, e.g. users=MALFORMED / "x.csv"."""
    target = tmp_path / source.name
    shutil.copytree(source, target)
    for name, replacement in replacements.items():
        shutil.copy(replacement, target / f"{name}.csv")
    return target


def zip_set(folder: Path, target: Path, *, inside: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{inside}{path.name}")
    return target
