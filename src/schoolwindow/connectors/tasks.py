"""Background work: a thin wrapper that runs a queued import (services do the work)."""

from __future__ import annotations

from django_tasks import task

from schoolwindow.connectors import services


@task()
def import_run_task(run_id: int) -> None:
    services.import_run_execute(run_id=run_id)
