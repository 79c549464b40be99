"""Writing many rows quickly and portably (SQLite and PostgreSQL).

Building a Django model instance and compiling its INSERT costs tens of microseconds a row; a
county's half a million people and two million enrolments make that matter. So rows go in as
plain tuples: `executemany` on SQLite, `COPY` on PostgreSQL. Columns the caller does not give
get the model field's default, so the rows are exactly what `Model.objects.create` would write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH_SIZE = 5000

Adapter = Callable[[Any], Any]


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{model.__name__}.{name} is not a column"
    return field


def column_name(field: models.Field[Any, Any]) -> str:
    assert field.column is not None
    return field.column


def adapter_for(field: models.Field[Any, Any]) -> Adapter | None:
    """How to turn a Python value into what the database driver takes; None when as-is."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


class TableInserter:
    """Inserts tuples of values for `fields` (model field names, e.g. "school")."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        meta = model._meta
        given = [concrete_field(model, name) for name in fields]
        given_names = {field.name for field in given}
        rest = [
            field
            for field in meta.concrete_fields
            if not field.primary_key and field.name not in given_names
        ]
        self.columns = [column_name(field) for field in [*given, *rest]]
        self.adapters = [
            (i, adapter) for i, field in enumerate(given) if (adapter := adapter_for(field))
        ]
        self.defaults = tuple(
            field.get_db_prep_save(field.get_default(), connection) for field in rest
        )

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        defaults = self.defaults
        if self.adapters:
            prepared = []
            for row in rows:
                values = list(row)
                for i, adapt in self.adapters:
                    values[i] = adapt(values[i])
                prepared.append((*values, *defaults))
        else:
            prepared = [(*row, *defaults) for row in rows]
        copy_or_executemany(self.model._meta.db_table, self.columns, prepared)


def copy_or_executemany(
    table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    names = ", ".join(_quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})", rows)


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert plain tuples (one value per field in `fields`) into `model`'s table."""
    TableInserter(model, fields).insert(rows)


def update_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Each row is (a value for each field..., id); values are adapted field by field."""
    if not rows:
        return
    targets = [concrete_field(model, name) for name in fields]
    assignments = ", ".join(f"{_quote(column_name(field))} = %s" for field in targets)
    adapters = [adapter_for(field) for field in targets]
    prepared = [
        (*(adapt(v) if adapt else v for adapt, v in zip(adapters, row, strict=False)), row[-1])
        for row in rows
    ]
    table, pk = _quote(model._meta.db_table), _quote(column_name(concrete_field(model, "id")))
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", prepared)


def delete_ids(model: type[models.Model], ids: Iterable[int]) -> None:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) >= 900:
            model._default_manager.filter(pk__in=batch).delete()
            batch = []
    if batch:
        model._default_manager.filter(pk__in=batch).delete()


class RowBuffer:
    """Collects tuples and hands them to `flush` every BATCH_SIZE rows."""

    def __init__(self, flush: Callable[[list[Any]], None], size: int = BATCH_SIZE) -> None:
        self._flush = flush
        self.size = size
        self.rows: list[Any] = []

    def add(self, row: Any) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            rows, self.rows = self.rows, []
            self._flush(rows)
