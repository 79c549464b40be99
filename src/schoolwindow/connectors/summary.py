"""The outcome of an import: what was created, updated, left alone and removed, per record kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The order records are reported in, and the words used for them on the command line.
ENTITY_LABELS: dict[str, Promise] = {
    "trusts": _("trusts"),
    "schools": _("schools"),
    "academic_years": _("academic years"),
    "terms": _("terms"),
    "year_groups": _("year groups"),
    "groups": _("classes and teaching groups"),
    "pupils": _("pupils"),
    "staff": _("staff"),
    "staff_roles": _("staff roles"),
    "guardians": _("parents and carers"),
    "guardian_links": _("parent-child links"),
    "enrolments": _("class enrolments"),
    "teaching_assignments": _("teaching assignments"),
}
OUTCOMES = ("created", "updated", "unchanged", "deleted")


@dataclass
class ImportSummary:
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    rows_read: int = 0
    rows_skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, entity: str, outcome: str, n: int = 1) -> None:
        if n:
            per_entity = self.counts.setdefault(entity, dict.fromkeys(OUTCOMES, 0))
            per_entity[outcome] += n

    def get(self, entity: str, outcome: str) -> int:
        return self.counts.get(entity, {}).get(outcome, 0)

    def total(self, outcome: str) -> int:
        return sum(per_entity[outcome] for per_entity in self.counts.values())

    @property
    def changed(self) -> bool:
        return any(self.total(outcome) for outcome in ("created", "updated", "deleted"))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def ordered(self) -> list[tuple[str, str, dict[str, int]]]:
        """(key, label, counts) in report order, only the kinds of record this import touched."""
        keys = [key for key in ENTITY_LABELS if key in self.counts]
        keys += sorted(key for key in self.counts if key not in ENTITY_LABELS)
        return [(key, str(ENTITY_LABELS.get(key, key)), self.counts[key]) for key in keys]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "counts": self.counts,
            "rows_read": self.rows_read,
            "rows_skipped": self.rows_skipped,
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportSummary:
        return cls(
            dry_run=bool(data.get("dry_run", False)),
            counts={key: dict(value) for key, value in data.get("counts", {}).items()},
            rows_read=int(data.get("rows_read", 0)),
            rows_skipped=int(data.get("rows_skipped", 0)),
            notes=list(data.get("notes", [])),
        )

    def as_text(self) -> str:
        """The plain-English report the command line prints."""
        lines = []
        if self.dry_run:
            lines.append("Dry run: nothing written. This is what the import would do:")
        width = max((len(label) for _, label, _ in self.ordered()), default=10)
        for _key, label, counts in self.ordered():
            figures = ", ".join(f"{counts[outcome]:,} {outcome}" for outcome in OUTCOMES)
            lines.append(f"  {label:<{width}}  {figures}")
        if not self.counts:
            lines.append("  nothing to import")
        lines.append(
            f"{self.rows_read:,} rows read, {self.rows_skipped:,} for other schools skipped."
        )
        lines.extend(f"Note: {note}" for note in self.notes)
        if self.dry_run:
            lines.append("Dry run: nothing written.")
        elif not self.changed:
            lines.append("Nothing changed: the database already matched the files.")
        return "\n".join(lines)
