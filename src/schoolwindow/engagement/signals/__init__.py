"""Signals in: one CSV per kind of signal (docs/data-formats.md, "Engagement signals").

`signals_import` checks every row and writes all of them in one transaction, or raises a
DataImportError naming file, line and field and writes nothing. Importing the same file again
changes nothing. A dry run does all of it, reports, and rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from django.db import transaction
from django.utils import timezone

from schoolwindow.connectors.csvio import CsvSource
from schoolwindow.connectors.errors import FileProblem
from schoolwindow.engagement.signals import activity, attendance, homework, messages
from schoolwindow.engagement.signals.reading import DateSpan, SignalFile
from schoolwindow.engagement.signals.staging import MergeCounts

IMPORTERS: dict[str, ModuleType] = {
    "attendance": attendance,
    "activity": activity,
    "homework": homework,
    "messages": messages,
}
KINDS = tuple(IMPORTERS)


@dataclass
class SignalImportSummary:
    kind: str
    file: str
    dry_run: bool = False
    rows_read: int = 0
    rows_skipped: int = 0
    counts: dict[str, MergeCounts] = field(default_factory=dict)
    dates: dict[int, DateSpan] = field(default_factory=dict)  # school id → days touched

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())

    def as_text(self) -> str:
        lines = ["Dry run: nothing written. This is what the import would do:"] * self.dry_run
        width = max((len(label) for label in self.counts), default=10)
        for label, c in self.counts.items():
            lines.append(
                f"  {label:<{width}}  {c.created:,} created, {c.updated:,} updated, "
                f"{c.unchanged:,} unchanged"
            )
        lines.append(
            f"{self.rows_read:,} rows read, {self.rows_skipped:,} for other schools skipped."
        )
        if self.dry_run:
            lines.append("Dry run: nothing written.")
        elif not self.changed:
            lines.append("Nothing changed: the database already held these signals.")
        return "\n".join(lines)


def signals_import(
    *, kind: str, path: Path, school_urn: str | None = None, dry_run: bool = False
) -> SignalImportSummary:
    """Import one CSV of `kind` (attendance, activity, homework, messages), all or nothing."""
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise ValueError(f"unknown kind of signal {kind!r}: one of {', '.join(KINDS)}")
    with CsvSource(Path(path)) as source:
        name = _single_csv(source)
        reader = SignalFile(source.table(name), school_urn=school_urn, required=importer.REQUIRED)
        with transaction.atomic():
            counts = importer.load(reader, now=reader.adapt_datetime(timezone.now()))
            if dry_run:
                transaction.set_rollback(True)
    return SignalImportSummary(
        kind=kind,
        file=name,
        dry_run=dry_run,
        rows_read=reader.rows_read,
        rows_skipped=reader.rows_skipped,
        counts=counts,
        dates=reader.touched.spans,
    )


def _single_csv(source: CsvSource) -> str:
    names = [name for name in source.names if name.lower().endswith(".csv")]
    if len(names) != 1:
        raise FileProblem(source.path.name, "should be one CSV file")
    return names[0]
