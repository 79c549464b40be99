"""The loan inventory as CSV, in and out (docs/data-formats.md, "Loan inventory").

An import checks every row first; one bad row (named by file, line and field) writes nothing.
Rows are keyed on the school and the asset tag, so importing the same file again updates the
items it names and never makes a second copy. A UTF-8 byte-order mark, Windows line ends,
columns in any order and columns we do not know are all accepted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import IMPORT_LOAN_INVENTORY
from schoolwindow.core.permissions import Actor
from schoolwindow.support.loans.models import (
    CONNECTIVITY,
    Condition,
    EventKind,
    Item,
    ItemEvent,
    ItemStatus,
    Kind,
)
from schoolwindow.support.loans.services import actor_label, tag_clean

COLUMNS = (
    "asset_tag",
    "kind",
    "model",
    "serial",
    "condition",
    "status",
    "data_plan",
    "expires_on",
    "notes",
)
REQUIRED = ("asset_tag", "kind")
# Plain words in the file; the stored values beside them.
KIND_WORDS = {
    "laptop": Kind.LAPTOP,
    "tablet": Kind.TABLET,
    "dongle": Kind.DONGLE,
    "sim": Kind.SIM,
    "sim card": Kind.SIM,
    "instrument": Kind.INSTRUMENT,
    "musical instrument": Kind.INSTRUMENT,
    "other": Kind.OTHER,
}
KIND_OUT = {
    Kind.LAPTOP: "laptop",
    Kind.TABLET: "tablet",
    Kind.DONGLE: "dongle",
    Kind.SIM: "sim",
    Kind.INSTRUMENT: "instrument",
    Kind.OTHER: "other",
}
STATUS_WORDS = {
    "available": ItemStatus.AVAILABLE,
    "on loan": ItemStatus.ON_LOAN,
    "in repair": ItemStatus.IN_REPAIR,
    "lost": ItemStatus.LOST,
    "retired": ItemStatus.RETIRED,
}
STATUS_OUT = {value: word for word, value in STATUS_WORDS.items()}
MAX_LENGTHS = {"asset_tag": 40, "model": 120, "serial": 80, "data_plan": 120}


class InventoryError(ValueError):
    """A bad row: the file, the line and the field, in words a person can act on."""

    def __init__(self, file_name: str, line: int, column: str, problem: str) -> None:
        self.file_name = file_name
        self.line = line
        self.column = column
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        return _("%(file)s, line %(line)s, column %(column)s: %(problem)s") % {
            "file": self.file_name,
            "line": self.line,
            "column": self.column,
            "problem": self.problem,
        }


@dataclass(frozen=True)
class Row:
    line: int
    asset_tag: str
    kind: str
    model_name: str
    serial: str
    condition: str
    status: str  # "" when the file leaves it empty
    data_plan: str
    expires_on: dt.date | None
    notes: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    tags: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


def normalise(word: str) -> str:
    return " ".join(word.replace("_", " ").split()).casefold()


def read_rows(stream: IO[bytes], file_name: str) -> Iterator[Row]:
    """Check each row as it is read; raise InventoryError at the first bad one."""
    try:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text)
        header = [normalise(name).replace(" ", "_") for name in (reader.fieldnames or [])]
    except UnicodeDecodeError:
        raise InventoryError(file_name, 1, "-", _("the file is not UTF-8 text.")) from None
    reader.fieldnames = header
    for column in REQUIRED:
        if column not in header:
            raise InventoryError(file_name, 1, column, _("this column is missing."))
    seen: dict[str, int] = {}
    line = 1
    try:
        for raw in reader:
            line = reader.line_num
            values = {key: csv_unsafe((value or "").strip()) for key, value in raw.items() if key}
            if not any(values.values()):
                continue
            row = row_check(values, file_name, line)
            if row.asset_tag in seen:
                raise InventoryError(
                    file_name,
                    line,
                    "asset_tag",
                    _("%(tag)s is also on line %(other)s.")
                    % {"tag": row.asset_tag, "other": seen[row.asset_tag]},
                )
            seen[row.asset_tag] = line
            yield row
    except UnicodeDecodeError:
        raise InventoryError(file_name, line + 1, "-", _("the file is not UTF-8 text.")) from None
    except csv.Error as problem:
        raise InventoryError(file_name, line + 1, "-", str(problem)) from None


def row_check(values: dict[str, str], file_name: str, line: int) -> Row:
    def bad(column: str, problem: str) -> InventoryError:
        return InventoryError(file_name, line, column, problem)

    tag = tag_clean(values.get("asset_tag", ""))
    if not tag:
        raise bad("asset_tag", _("every item needs its asset tag."))
    for column, limit in MAX_LENGTHS.items():
        if len(values.get(column, "")) > limit:
            raise bad(column, _("longer than %(limit)s characters.") % {"limit": limit})
    kind = KIND_WORDS.get(normalise(values.get("kind", "")))
    if kind is None:
        raise bad(
            "kind",
            _("“%(value)s” is not a kind we know (laptop, tablet, dongle, sim, instrument, other).")
            % {"value": values.get("kind", "")},
        )
    condition_word = normalise(values.get("condition", "")) or Condition.GOOD
    if condition_word not in Condition.values:
        raise bad(
            "condition",
            _("“%(value)s” is not a condition we know (good, fair, damaged, broken).")
            % {"value": values.get("condition", "")},
        )
    status_word = normalise(values.get("status", ""))
    status = ""
    if status_word:
        if status_word not in STATUS_WORDS:
            raise bad(
                "status",
                _(
                    "“%(value)s” is not a status we know "
                    "(available, on loan, in repair, lost, retired)."
                )
                % {"value": values.get("status", "")},
            )
        status = STATUS_WORDS[status_word]
    expires_on = None
    if values.get("expires_on"):
        try:
            expires_on = dt.date.fromisoformat(values["expires_on"])
        except ValueError:
            raise bad("expires_on", _("write the date as YYYY-MM-DD, e.g. 2026-07-31.")) from None
    if (values.get("data_plan") or expires_on) and kind not in CONNECTIVITY:
        raise bad(
            "data_plan" if values.get("data_plan") else "expires_on",
            _("only dongles and SIM cards have a data plan and an expiry date."),
        )
    return Row(
        line=line,
        asset_tag=tag,
        kind=kind,
        model_name=values.get("model", ""),
        serial=values.get("serial", ""),
        condition=condition_word,
        status=status,
        data_plan=values.get("data_plan", ""),
        expires_on=expires_on,
        notes=values.get("notes", ""),
    )


def require_unless_system(actor: Actor, school_id: int) -> None:
    """The command line (a system actor, run by whoever runs the server) may import anywhere;
    a person needs the capability at the school."""
    if actor.user is None and actor.system_label:
        return
    actor.require(IMPORT_LOAN_INVENTORY, school_id)


def inventory_import(
    *,
    actor: Actor,
    school_id: int,
    stream: IO[bytes],
    file_name: str,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update the items a CSV file lists: all of them, or none."""
    require_unless_system(actor, school_id)
    rows = list(read_rows(stream, file_name))
    result = ImportResult()
    with transaction.atomic():
        existing = {
            item.asset_tag: item
            for item in Item.objects.select_for_update().filter(
                school_id=school_id, asset_tag__in=[row.asset_tag for row in rows]
            )
        }
        # A second pass over the checked rows against what is stored: still nothing written.
        for row in rows:
            item = existing.get(row.asset_tag)
            current = item.status if item is not None else ""
            if row.status == ItemStatus.ON_LOAN and current != ItemStatus.ON_LOAN:
                raise InventoryError(
                    file_name,
                    row.line,
                    "status",
                    _("“on loan” is set by lending an item, not by an import."),
                )
            if current == ItemStatus.ON_LOAN and row.status not in ("", ItemStatus.ON_LOAN):
                raise InventoryError(
                    file_name,
                    row.line,
                    "status",
                    _("%(tag)s is out on loan: take it back before changing its status.")
                    % {"tag": row.asset_tag},
                )
        events: list[ItemEvent] = []
        label = actor_label(actor)[:200]
        now = timezone.now()
        for row in rows:
            item = existing.get(row.asset_tag)
            if item is None:
                item = Item(school_id=school_id, asset_tag=row.asset_tag)
                result.created += 1
                kind = EventKind.ADDED
            else:
                kind = EventKind.IMPORTED
            changed = row_apply(item, row)
            if item.pk is not None and not changed:
                result.unchanged += 1
                continue
            if item.pk is not None:
                result.updated += 1
            if not dry_run:
                item.save()
                events.append(
                    ItemEvent(
                        school_id=school_id,
                        item=item,
                        kind=kind,
                        at=now,
                        by_label=label,
                        condition=item.condition,
                        note=file_name[:200],
                    )
                )
            result.tags.append(row.asset_tag)
        if dry_run:
            transaction.set_rollback(True)
            return result
        ItemEvent.objects.bulk_create(events, batch_size=500)
        audit_record(
            actor=actor,
            action="loans.inventory_imported",
            school_id=school_id,
            detail={
                "file": file_name[:200],
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
    return result


def row_apply(item: Item, row: Row) -> bool:
    """Copy a row onto an item; True if anything changed."""
    wanted = {
        "kind": row.kind,
        "model_name": row.model_name,
        "serial": row.serial,
        "condition": row.condition,
        "data_plan": row.data_plan,
        "expires_on": row.expires_on,
        "notes": row.notes,
    }
    if row.status:
        wanted["status"] = row.status
    changed = item.pk is None
    for name, value in wanted.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            changed = True
    return changed


def inventory_rows(items: Iterable[Item]) -> Iterator[list[str]]:
    yield list(COLUMNS)
    for item in items:
        yield [
            item.asset_tag,
            KIND_OUT[Kind(item.kind)],
            item.model_name,
            item.serial,
            item.condition,
            STATUS_OUT[ItemStatus(item.status)],
            item.data_plan,
            item.expires_on.isoformat() if item.expires_on else "",
            item.notes,
        ]


def inventory_export(*, actor: Actor, school_id: int, out: IO[str]) -> int:
    """Write the school's inventory as CSV, in the columns the import reads back."""
    require_unless_system(actor, school_id)
    writer = csv.writer(out, lineterminator="\r\n")
    count = -1
    items = Item.objects.filter(school_id=school_id).order_by("asset_tag", "id").iterator(2000)
    for count, line in enumerate(inventory_rows(items)):  # noqa: B007 — the count is the rows
        writer.writerow([csv_safe(value) for value in line])
    return count


def csv_safe(value: str) -> str:
    """A cell a spreadsheet would run as a formula starts with a quote instead."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") and not value[1:2].isdigit() else value


def csv_unsafe(value: str) -> str:
    """Undo csv_safe, so an exported file imports back unchanged."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value
