from __future__ import annotations

from django_tasks import task

RUNS: list[str] = []


@task()
def record_run(run_date: str) -> None:
    RUNS.append(run_date)
