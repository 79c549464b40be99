"""Background work for progress reports: thin wrappers that take plain values."""

from __future__ import annotations

from django_tasks import task

from schoolwindow.portal.reports.services import reports_tell


@task()
def reports_tell_task(run_id: int) -> int:
    """Tell the families of a published run. Returns how many were told."""
    return reports_tell(run_id=run_id).told
