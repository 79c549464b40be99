"""Progress reporting while an import streams: rows done out of rows total, and the current stage.

The web page polls the ImportRun row. The import itself runs inside one transaction, and a row
written inside it is invisible to the page until commit, so on PostgreSQL progress goes through a
second connection of its own. SQLite allows one writer at a time: a second connection would wait
for the import's own lock, so there the figures are written while the files are being checked
(before the transaction opens) and again when it commits.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from schoolwindow.connectors.models import ImportRun

# Stage keys stored on ImportRun.stage; connectors.views turns them into words.
STAGE_COUNTING = "counting"
STAGE_CHECKING = "checking"
STAGE_SAVING = "saving"
STAGE_FINISHED = "finished"


class Progress:
    """Receives progress; this base class ignores it (command line and tests)."""

    def begin(self, *, total: int) -> None:
        """`total` counts every row twice: once checked, once saved."""

    def stage(self, key: str, detail: str = "") -> None:
        """A new stage, e.g. ("checking", "users.csv")."""

    def advance(self, rows: int) -> None:
        """`rows` more rows are done."""

    def close(self) -> None:
        """Release anything held."""


class PrintProgress(Progress):
    """Stage lines on a stream, for the command line."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def stage(self, key: str, detail: str = "") -> None:
        elapsed = time.monotonic() - self.started
        print(f"[{elapsed:6.1f}s] {key} {detail}".rstrip(), file=self.stream, flush=True)


class RunProgress(Progress):
    """Writes progress onto an ImportRun row at most every `interval` seconds."""

    def __init__(self, run_id: int, *, interval: float = 0.5) -> None:
        self.run_id = run_id
        self.interval = interval
        self.total = 0
        self.done = 0
        self.current_stage = ""
        self.last_write = 0.0
        self._side: BaseDatabaseWrapper | None = None

    def begin(self, *, total: int) -> None:
        self.total = total
        self.done = 0
        self._write(force=True)

    def stage(self, key: str, detail: str = "") -> None:
        self.current_stage = f"{key} {detail}".strip()[:64]
        self._write(force=True)

    def advance(self, rows: int) -> None:
        self.done += rows
        self._write(force=False)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def _write(self, *, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self.last_write < self.interval:
            return
        self.last_write = now
        fields: dict[str, Any] = {
            "rows_total": self.total,
            "rows_done": min(self.done, self.total),
            "stage": self.current_stage,
        }
        if not connection.in_atomic_block:
            ImportRun.objects.filter(pk=self.run_id).update(**fields)
        elif connection.vendor == "postgresql":
            self._write_beside_transaction(fields)
        # SQLite inside the import's transaction: the figures are written when it ends.

    def _write_beside_transaction(self, fields: dict[str, Any]) -> None:
        if self._side is None:
            self._side = connections.create_connection("default")
        table = self._side.ops.quote_name(ImportRun._meta.db_table)
        assignments = ", ".join(f"{self._side.ops.quote_name(name)} = %s" for name in fields)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} WHERE id = %s",
                [*fields.values(), self.run_id],
            )
