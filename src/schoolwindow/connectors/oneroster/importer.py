"""Import a OneRoster CSV set (folder or zip): check everything, then save in one transaction."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db import transaction

from schoolwindow.connectors.csvio import CsvSource
from schoolwindow.connectors.oneroster import checks, spec
from schoolwindow.connectors.oneroster.manifest import Manifest, read_manifest
from schoolwindow.connectors.oneroster.plan import Plan
from schoolwindow.connectors.oneroster.save import Saver
from schoolwindow.connectors.oneroster.state import DatabaseState, load_schools
from schoolwindow.connectors.progress import (
    STAGE_COUNTING,
    STAGE_FINISHED,
    STAGE_SAVING,
    Progress,
)
from schoolwindow.connectors.summary import ImportSummary

# Files read a second time while saving (enrolments are read back from the bucket files).
SAVED_FILES = (spec.CLASSES, spec.USERS, spec.ENROLLMENTS)


def oneroster_import(
    path: Path,
    *,
    school_urn: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Raise DataImportError (naming file, line and field) and write nothing if any row is bad."""
    progress = progress or Progress()
    summary = ImportSummary(dry_run=dry_run)
    with CsvSource(Path(path)) as source, tempfile.TemporaryDirectory(prefix="oneroster-") as spill:
        manifest = read_manifest(source)
        for name in manifest.unlisted:
            summary.note(
                f"{name} is in the set but manifest.csv does not list it, so it was not read"
            )
        state = DatabaseState()
        load_schools(state)
        plan = Plan(source, manifest, state, summary, Path(spill))
        progress.begin(total=count_work(source, manifest, progress))
        check_set(plan, school_urn, progress)
        # Said before the transaction opens: on SQLite nothing more is seen until it commits.
        progress.stage(STAGE_SAVING)
        with transaction.atomic():
            Saver(plan, progress).save()
            if dry_run:
                transaction.set_rollback(True)
    progress.stage(STAGE_FINISHED)
    return summary


def count_work(source: CsvSource, manifest: Manifest, progress: Progress) -> int:
    progress.stage(STAGE_COUNTING)
    lines = {name: source.count_lines(name) for name in spec.DATA_FILES if manifest.present(name)}
    return sum(lines.values()) + sum(lines.get(name, 0) for name in SAVED_FILES)


def check_set(plan: Plan, school_urn: str | None, progress: Progress) -> None:
    present = plan.manifest.present
    if present(spec.ORGS):
        checks.check_orgs(plan, progress)
    checks.choose_schools(plan, school_urn)
    # In this order: each file's checks read what the files before it planned.
    for name, check in (
        (spec.SESSIONS, checks.check_sessions),
        (spec.COURSES, checks.check_courses),
        (spec.CLASSES, checks.check_classes),
        (spec.ROLES, checks.check_roles),
        (spec.USERS, checks.check_users),
        (spec.DEMOGRAPHICS, checks.check_demographics),
        (spec.ENROLLMENTS, checks.check_enrollments),
    ):
        if present(name):
            check(plan, progress)
