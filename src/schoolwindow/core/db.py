"""Keeping the database's query planner informed.

SQLite keeps no table statistics until ANALYZE runs. Without them it picks indexes by shape
alone and chose `(school, date)` over `(pupil, date, school)` for one pupil's daily facts: the
pupil profile read a whole school's term (16 ms) to return 51 rows (0.1 ms with statistics).
So the statistics are refreshed after every bulk load (demo, imports, fact recomputes) and
nightly. PostgreSQL's autovacuum analyses by itself, but not straight after a bulk load, so the
same call runs ANALYZE there too.

On SQLite the same call truncates the write-ahead log, which otherwise keeps the size of the
largest load (170 MB after the demo) on disk for as long as a process holds the database open.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import connection
from django_tasks import task

logger = logging.getLogger(__name__)


def database_analyze() -> float:
    """Refresh the planner's statistics for every table; returns the seconds it took."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # A checkpoint cannot run inside a transaction (tests wrap everything in one).
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - started
    logger.info("database statistics refreshed in %.1f s", seconds)
    return seconds


@task()
def database_analyze_task(run_date: str) -> None:
    dt.date.fromisoformat(run_date)  # the scheduler's contract: every job takes its run date
    database_analyze()
