"""Create, update or leave alone one kind of record, keyed by (school or trust id, sourcedId).

A record is left alone when the fingerprint of the values we would write equals the one stored
from the last import, so re-importing the same files writes nothing at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.db import models

from schoolwindow.connectors.hashing import row_hash
from schoolwindow.connectors.oneroster.state import Existing
from schoolwindow.connectors.summary import ImportSummary
from schoolwindow.connectors.writing import BATCH_SIZE, TableInserter, update_rows

M = TypeVar("M", bound=models.Model)
Key = tuple[int, str]
ID_LOOKUP_CHUNK = 900


class RecordSync(Generic[M]):
    def __init__(
        self,
        *,
        entity: str,
        model: type[M],
        scope_field: str,
        fields: list[str],
        existing: dict[Key, Existing],
        summary: ImportSummary,
        adopt: Callable[[Key, tuple[Any, ...]], int | None] | None = None,
        extra_on_write: dict[str, Any] | None = None,
    ) -> None:
        self.entity = entity
        self.model = model
        self.scope_field = scope_field
        self.fields = fields
        self.existing = existing
        self.summary = summary
        self.adopt = adopt
        self.extra = tuple((extra_on_write or {}).values())
        self.update_fields = [*fields, *(extra_on_write or {}), "source_id", "source_hash"]
        self.inserter = TableInserter(model, [scope_field, *self.update_fields])
        self.seen: set[int] = set()
        self.saved_keys: list[Key] = []  # created or changed, for the caller's follow-up work
        self._creates: list[tuple[Key, tuple[Any, ...], str]] = []
        self._updates: list[tuple[Any, ...]] = []

    def offer(self, key: Key, values: tuple[Any, ...]) -> None:
        """The values the import says this record should have (in `fields` order)."""
        digest = row_hash((*values, key[1]))
        current = self.existing.get(key)
        if current is None:
            adopted = self.adopt(key, values) if self.adopt else None
            if adopted is None:
                self._creates.append((key, values, digest))
                if len(self._creates) >= BATCH_SIZE:
                    self._flush_creates()
                return
            current = (adopted, "", True)
        pk = current[0]
        self.seen.add(pk)
        if current[1] == digest and current[2]:
            self.summary.add(self.entity, "unchanged")
            return
        self._updates.append((*values, *self.extra, key[1], digest, pk))
        self.existing[key] = (pk, digest, True)
        self.saved_keys.append(key)
        self.summary.add(self.entity, "updated")
        if len(self._updates) >= BATCH_SIZE:
            self._flush_updates()

    def flush(self) -> None:
        self._flush_creates()
        self._flush_updates()

    def _flush_creates(self) -> None:
        if not self._creates:
            return
        self.inserter.insert(
            [
                (key[0], *values, *self.extra, key[1], digest)
                for key, values, digest in self._creates
            ]
        )
        digests = {key: digest for key, _, digest in self._creates}
        for key, pk in self._new_ids(list(digests)):
            self.existing[key] = (pk, digests[key], True)
            self.seen.add(pk)
            self.saved_keys.append(key)
        self.summary.add(self.entity, "created", len(digests))
        self._creates = []

    def _new_ids(self, keys: list[Key]) -> Iterable[tuple[Key, int]]:
        """Read back the ids of rows just inserted, through the (scope, source_id) unique index."""
        by_scope: dict[int, list[str]] = defaultdict(list)
        for scope_id, sid in keys:
            by_scope[scope_id].append(sid)
        manager = self.model._default_manager
        for scope_id, sids in by_scope.items():
            for start in range(0, len(sids), ID_LOOKUP_CHUNK):
                rows = (
                    manager.filter(**{f"{self.scope_field}_id": scope_id})
                    .filter(source_id__in=sids[start : start + ID_LOOKUP_CHUNK])
                    .exclude(source_id="")
                    .values_list("source_id", "pk")
                )
                for sid, pk in rows:
                    yield (scope_id, sid), pk

    def _flush_updates(self) -> None:
        update_rows(self.model, self.update_fields, self._updates)
        self._updates = []

    def retire(self, keys: Iterable[Key], field_name: str, value: Any) -> None:
        """Mark records the import no longer lists (pupil left, staff inactive, class inactive)."""
        rows = []
        for key in keys:
            pk, digest, active = self.existing[key]
            if active:
                rows.append((value, pk))
                self.existing[key] = (pk, digest, False)
        for start in range(0, len(rows), BATCH_SIZE):
            update_rows(self.model, [field_name], rows[start : start + BATCH_SIZE])
        self.summary.add(self.entity, "deleted", len(rows))

    def unseen(self, scope_ids: set[int]) -> list[Key]:
        return [
            key
            for key, (pk, _, _) in self.existing.items()
            if key[0] in scope_ids and pk not in self.seen
        ]
