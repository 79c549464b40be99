"""Imports from the web: upload a file, then watch its progress. Office staff and leaders only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from schoolwindow.connectors import selectors, services
from schoolwindow.connectors.forms import ImportUploadForm
from schoolwindow.connectors.models import ImportRun, ImportStatus
from schoolwindow.connectors.progress import (
    STAGE_CHECKING,
    STAGE_COUNTING,
    STAGE_FINISHED,
    STAGE_SAVING,
)
from schoolwindow.connectors.summary import OUTCOMES, ImportSummary
from schoolwindow.core.access import actor_passes
from schoolwindow.core.requests import actor_of

may_import = actor_passes(selectors.actor_can_import)

STAGE_WORDS = {
    STAGE_COUNTING: _("Counting the rows in the file"),
    STAGE_CHECKING: _("Checking %(detail)s"),
    STAGE_SAVING: _("Saving %(detail)s"),
    STAGE_FINISHED: _("Finished"),
}


@may_import
def import_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        schools=selectors.import_schools_for(actor=actor),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = services.import_run_create(
            actor=actor,
            school=data["school"],
            kind=data["kind"],
            upload=data["file"],
            dry_run=data["dry_run"],
        )
        return redirect("import_detail", run_id=run.pk)
    runs = selectors.import_runs_for(actor=actor)
    return render(request, "connectors/import_list.html", {"form": form, "runs": runs})


@may_import
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.import_run_get(actor=actor_of(request), run_id=run_id)
    return render(request, "connectors/import_detail.html", progress_context(run))


@may_import
def import_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The fragment the detail page polls every second until the run has finished."""
    run = selectors.import_run_get(actor=actor_of(request), run_id=run_id)
    return render(request, "connectors/_import_progress.html", progress_context(run))


def progress_context(run: ImportRun) -> dict[str, Any]:
    summary = ImportSummary.from_dict(run.summary) if run.summary else None
    return {
        "run": run,
        "running": run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "stage_text": stage_text(run),
        "summary": summary,
        "summary_rows": [
            (label, [counts[o] for o in OUTCOMES]) for _, label, counts in summary.ordered()
        ]
        if summary
        else [],
    }


def stage_text(run: ImportRun) -> str:
    if run.status == ImportStatus.QUEUED:
        return str(_("Waiting for the import to start"))
    if run.status == ImportStatus.FAILED:
        return str(_("The import stopped. Nothing was saved."))
    key, _space, detail = run.stage.partition(" ")
    words = STAGE_WORDS.get(key)
    if words is None:
        return str(_("Working"))
    if not detail:
        detail = str(_("the changes") if key == STAGE_SAVING else _("the file"))
    return str(words) % {"detail": detail}
