"""Running imports: from the command line, or queued from the web and run by the task worker."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.connectors.errors import DataImportError, FileProblem, RowProblem
from schoolwindow.connectors.models import ImportKind, ImportRun, ImportStatus
from schoolwindow.connectors.oneroster.importer import oneroster_import
from schoolwindow.connectors.plaincsv.importer import pupils_csv_import
from schoolwindow.connectors.progress import STAGE_FINISHED, Progress, RunProgress
from schoolwindow.connectors.summary import ImportSummary
from schoolwindow.core.capabilities import IMPORT_ROSTERS
from schoolwindow.core.permissions import Actor, system_actor
from schoolwindow.people.actors import actor_for
from schoolwindow.schools.models import School

logger = logging.getLogger(__name__)

UPLOAD_SUFFIXES = {ImportKind.ONEROSTER: ".zip", ImportKind.CSV: ".csv"}
# Imports run from the command line have no person behind them in the app.
SYSTEM = system_actor("command line import")


def roster_import(
    *,
    kind: str,
    path: Path,
    school_urn: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a OneRoster set or a pupils CSV; DataImportError (and nothing written) if bad."""
    if kind == ImportKind.ONEROSTER:
        return oneroster_import(path, school_urn=school_urn, dry_run=dry_run, progress=progress)
    if kind == ImportKind.CSV:
        return pupils_csv_import(path, school_urn=school_urn, dry_run=dry_run, progress=progress)
    raise ValueError(f"unknown import kind {kind!r}")


def roster_import_by_operator(
    *,
    kind: str,
    path: Path,
    school_urn: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """The command-line import: run by whoever operates the server, audited as the system."""
    summary = roster_import(
        kind=kind, path=path, school_urn=school_urn, dry_run=dry_run, progress=progress
    )
    if not dry_run:
        school = School.objects.filter(urn=school_urn).first() if school_urn else None
        audit_record(
            actor=SYSTEM,
            action=f"import.{kind}",
            target=school,
            school_id=school.pk if school else None,
            trust_id=school.trust_id if school else None,
            detail={"source": "command line", "file": Path(path).name, "counts": summary.counts},
        )
    return summary


def import_run_create(
    *, actor: Actor, school: School, kind: str, upload: UploadedFile[bytes], dry_run: bool
) -> ImportRun:
    """Keep the uploaded file, record the run and queue it for the worker (after commit)."""
    actor.require(IMPORT_ROSTERS, school.pk)
    name = Path(upload.name or "upload").name
    suffix = UPLOAD_SUFFIXES[ImportKind(kind)]
    if not name.lower().endswith(suffix):
        raise ValueError(
            _("Choose a %(suffix)s file for this kind of import.") % {"suffix": suffix}
        )
    folder = Path(settings.IMPORT_UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{suffix}"
    with stored.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    # tasks.py imports this module to run the import; importing it here avoids the cycle.
    from schoolwindow.connectors.tasks import import_run_task

    with transaction.atomic():
        run = ImportRun.objects.create(
            trust_id=school.trust_id,
            school=school,
            kind=kind,
            dry_run=dry_run,
            source_name=name[:255],
            stored_path=str(stored),
            created_by=actor.user,
        )
        audit_record(
            actor=actor,
            action="import.queued",
            target=run,
            school_id=school.pk,
            trust_id=school.trust_id,
            detail={"kind": kind, "file": run.source_name, "dry_run": dry_run},
        )
        run_id = run.pk
        transaction.on_commit(lambda: import_run_task.enqueue(run_id))
    return run


def error_for_uploader(exc: DataImportError, *, stored: Path, uploaded_name: str) -> str:
    """Name the file as the person uploaded it, not as we stored it."""
    if isinstance(exc, RowProblem) and exc.file == stored.name:
        return str(RowProblem(uploaded_name, exc.line, exc.field, exc.message))
    if isinstance(exc, FileProblem) and exc.file == stored.name:
        return str(FileProblem(uploaded_name, exc.message))
    return str(exc)


def import_run_execute(*, run_id: int) -> None:
    """Run a queued import, keeping its row up to date; the uploaded file is deleted after."""
    run = ImportRun.objects.select_related("school", "created_by").get(pk=run_id)
    if run.status != ImportStatus.QUEUED:
        return  # already run (a task delivered twice)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    progress = RunProgress(run.pk)
    path = Path(run.stored_path)
    try:
        summary = roster_import(
            kind=run.kind,
            path=path,
            school_urn=run.school.urn if run.school else None,
            dry_run=run.dry_run,
            progress=progress,
        )
    except DataImportError as exc:
        error = error_for_uploader(exc, stored=path, uploaded_name=run.source_name)
        import_run_finish(run, status=ImportStatus.FAILED, error=error, progress=progress)
        return
    except Exception:
        logger.exception("import run %s failed", run.pk)
        error = _("The import stopped because of a fault in School Window. Nothing was saved.")
        import_run_finish(run, status=ImportStatus.FAILED, error=error, progress=progress)
        raise
    finally:
        progress.close()
        path.unlink(
            missing_ok=True
        )  # it holds pupils' personal data: keep it no longer than needed
    import_run_finish(run, status=ImportStatus.DONE, summary=summary, progress=progress)


def import_run_finish(
    run: ImportRun,
    *,
    status: str,
    progress: RunProgress,
    summary: ImportSummary | None = None,
    error: str = "",
) -> None:
    with transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(
            status=status,
            rows_total=progress.total,
            rows_done=progress.total
            if status == ImportStatus.DONE
            else min(progress.done, progress.total),
            stage=STAGE_FINISHED if status == ImportStatus.DONE else progress.current_stage,
            summary=summary.as_dict() if summary else {},
            error=error,
            finished_at=timezone.now(),
        )
        action = "import.finished" if status == ImportStatus.DONE else "import.failed"
        detail = {"dry_run": run.dry_run, "file": run.source_name}
        detail |= {"counts": summary.counts} if summary else {"error": error}
        audit_record(
            actor=actor_for(run.created_by),
            action=action,
            target=run,
            school_id=run.school_id,
            trust_id=run.trust_id,
            detail=detail,
        )
