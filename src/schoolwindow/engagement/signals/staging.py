"""The bulk path: checked rows go straight into the table, or through a staging table.

A county's half-term is tens of millions of signals, so rows never become model instances:
each checked row is a tuple, written with COPY on PostgreSQL and executemany inside the
import's one transaction on SQLite. Two ways in, one result:

- **Appending** (the usual case: today's register, last night's log-ins). The first rows of the
  file are staged and compared with the table; if none is there already, every row is
  streamed straight into the table. The database then indexes rows while Python reads the
  next ones, which is what makes a county's load fast. If a row turns out to be there after
  all (a unique-key violation), the append is rolled back and the file is read again the
  careful way.
- **Merging** (a re-import, a corrected register): every row goes into a temporary table, and
  one ``INSERT … SELECT … ON CONFLICT`` writes the table, with exact created / updated /
  unchanged counts. It also finds a key the file holds twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice
from typing import Any, Self

from django.db import DatabaseError, IntegrityError, connection, models, transaction

BATCH_SIZE = 20_000
PROBE_ROWS = 5_000  # rows compared with the table before deciding to append
CARDINALITY_VIOLATION = "21000"  # PostgreSQL: ON CONFLICT would touch one row twice

Rows = Callable[[], Iterator[tuple[Any, ...]]]  # reads the file (again): (line, *columns)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_of(model: type[models.Model]) -> str:
    return quote(model._meta.db_table)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def temporary(name: str) -> str:
    """A temporary table's name qualified so that DROP can never reach a real table."""
    return f"{'pg_temp' if is_postgresql() else 'temp'}.{quote(name)}"


def column_type(model: type[models.Model], column: str) -> str:
    """The database type of one of the model's columns (e.g. "date", "bigint")."""
    for field in model._meta.concrete_fields:
        if field.column == column:
            db_type = field.db_type(connection)
            assert db_type is not None
            # A staging column needs the type, not the identity/serial of a primary key.
            return "bigint" if field.primary_key or db_type.startswith("bigserial") else db_type
    raise LookupError(f"{model.__name__} has no column {column}")


def stage_columns(model: type[models.Model], columns: Sequence[str]) -> list[tuple[str, str]]:
    """A staging table's columns: the file's line, then the model's columns with their types."""
    return [("line", "integer"), *((column, column_type(model, column)) for column in columns)]


# PostgreSQL column types → the names psycopg's binary COPY knows them by.
BINARY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "date": "date",
    "timestamp with time zone": "timestamptz",
    "varchar": "text",
    "text": "text",
    "boolean": "bool",
    "numeric": "numeric",
    "uuid": "uuid",
}


def binary_type(sql_type: str) -> str:
    return BINARY_TYPES[sql_type.split("(")[0].strip()]


_copying: set[TableWriter] = set()  # writers with a COPY open on the connection


def pause_copies() -> None:
    """End any open COPY before another query: the connection can do one thing at a time.

    Whoever reads the file calls this before looking something up (a new school's pupils);
    the next row starts a new COPY.
    """
    for writer in list(_copying):
        writer.flush()


class TableWriter:
    """Writes tuples to a table: one streaming binary COPY on PostgreSQL, batches on SQLite.

    The COPY stays open while the file is read, so PostgreSQL indexes rows on one core while
    Python checks the next ones on the other; binary, because neither side then formats or
    parses numbers and dates as text. Use it as a context manager: an error while the COPY is
    open ends it cleanly. `flush()` ends it, after which the rows can be queried.
    """

    def __init__(self, table: str, columns: Sequence[tuple[str, str]]) -> None:
        self.table = table  # quoted
        self.columns = [column for column, _ in columns]
        self.postgresql = is_postgresql()
        self.types = [binary_type(kind) for _, kind in columns] if self.postgresql else []
        self._rows: list[tuple[Any, ...]] = []
        self._copy: Any = None
        self._open: ExitStack | None = None
        self.count = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._open is not None:
            open_copy, self._open, self._copy = self._open, None, None
            _copying.discard(self)
            open_copy.__exit__(*exc)  # with an error, psycopg ends the COPY with CopyFail
        elif exc[0] is None:
            self.flush()

    def add(self, row: tuple[Any, ...]) -> None:
        if self.postgresql:
            if self._copy is None:
                self._start_copy()
            self._copy.write_row(row)
            self.count += 1
            return
        self._rows.append(row)
        if len(self._rows) >= BATCH_SIZE:
            self._insert_batch()

    def flush(self) -> None:
        if self._open is not None:
            open_copy, self._open, self._copy = self._open, None, None
            _copying.discard(self)
            open_copy.close()
        self._insert_batch()

    def _names(self) -> str:
        return ", ".join(quote(column) for column in self.columns)

    def _start_copy(self) -> None:
        stack = ExitStack()
        # COPY runs on psycopg's own cursor: turn its errors (a unique violation) into Django's.
        stack.enter_context(connection.wrap_database_errors)
        cursor = stack.enter_context(connection.cursor())
        sql = f"COPY {self.table} ({self._names()}) FROM STDIN (FORMAT BINARY)"
        self._copy = stack.enter_context(cursor.cursor.copy(sql))
        self._copy.set_types(self.types)
        self._open = stack
        _copying.add(self)

    def _insert_batch(self) -> None:
        rows, self._rows = self._rows, []
        if rows:
            self.count += len(rows)
            marks = ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {self.table} ({self._names()}) VALUES ({marks})", rows
                )


class Stage(TableWriter):
    """A temporary table holding one import's checked rows, each with the line it came from."""

    def __init__(self, name: str, columns: Sequence[tuple[str, str]]) -> None:
        super().__init__(quote(name), columns)
        self.name = name
        self._definition = ", ".join(f"{quote(column)} {kind}" for column, kind in columns)

    def __enter__(self) -> Self:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {temporary(self.name)}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({self._definition})")
        return self

    def __exit__(self, *exc: Any) -> None:
        super().__exit__(*exc)
        # After any error the transaction rolls back, and the table with it; after a database
        # error it could not even be dropped.
        if exc[0] is None:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {temporary(self.name)}")

    def finish(self) -> int:
        """Write what is buffered; tell PostgreSQL's planner how big the table is."""
        self.flush()
        if is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {self.table}")
        return self.count

    def empty(self) -> None:
        self.flush()
        self.count = 0
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")

    def first_duplicate(self, key: Sequence[str]) -> tuple[int, int] | None:
        """(first line, repeating line) of a key the file holds twice, the earliest repeat."""
        group = ", ".join(quote(column) for column in key)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MIN(line), MAX(line) FROM {self.table} GROUP BY {group} "
                "HAVING COUNT(*) > 1 ORDER BY MAX(line) LIMIT 1"
            )
            found = cursor.fetchone()
        return (int(found[0]), int(found[1])) if found else None


@dataclass(frozen=True)
class Upsert:
    """How staged rows go into a real table.

    `source` is a SELECT over the stage giving `columns` in order (default: those columns of
    the stage). `key` is the natural key (a unique constraint of the table); `compare` the
    columns that make a row "changed" and are overwritten; `stamp` columns take `now` on insert
    and on change. With `update=False` an existing row is left as it is (ON CONFLICT DO NOTHING).
    """

    model: type[models.Model]
    columns: tuple[str, ...]
    key: tuple[str, ...]
    compare: tuple[str, ...] = ()
    stamp: tuple[str, ...] = ()
    source: str = ""
    update: bool = True


@dataclass
class MergeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class DuplicateKey(Exception):
    """The staged rows hold one key twice: (first line, repeating line)."""

    def __init__(self, first: int, repeat: int) -> None:
        self.first = first
        self.repeat = repeat
        super().__init__(f"line {repeat} repeats line {first}")


def load(rows: Rows, stage: Stage, upsert: Upsert, *, now: Any) -> MergeCounts:
    """All of `rows` into the table: appended when none is there yet, else merged.

    `rows` yields (line, *upsert.columns) and may be called twice. DuplicateKey when the file
    holds a key twice (only when existing rows are updated; otherwise repeats are one row).
    """
    assert not upsert.source, "only rows that map 1:1 onto the table can be appended"
    produced = rows()
    for row in islice(produced, PROBE_ROWS):
        stage.add(row)
    stage.finish()
    if not _any_stored(stage, upsert):
        try:
            with transaction.atomic():
                return MergeCounts(created=_append(stage, produced, upsert, now))
        except IntegrityError:
            pass  # some row is stored after all, or repeated in the file: merge instead
        stage.empty()
        produced = rows()
    for row in produced:
        stage.add(row)
    stage.finish()
    return merge(stage, upsert, now=now, duplicate_key=upsert.key)


def _any_stored(stage: Stage, upsert: Upsert) -> bool:
    target = table_of(upsert.model)
    on = " AND ".join(f"t.{quote(c)} = s.{quote(c)}" for c in upsert.key)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {stage.table} s JOIN {target} t ON {on} LIMIT 1")
        return cursor.fetchone() is not None


def _append(stage: Stage, rest: Iterator[tuple[Any, ...]], upsert: Upsert, now: Any) -> int:
    target = table_of(upsert.model)
    names = [*upsert.columns, *upsert.stamp]
    stamps = (now,) * len(upsert.stamp)
    selected = ", ".join([*(quote(c) for c in upsert.columns), *(["%s"] * len(stamps))])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {target} ({', '.join(quote(c) for c in names)}) "
            f"SELECT {selected} FROM {stage.table}",
            list(stamps),
        )
    with TableWriter(target, [(c, column_type(upsert.model, c)) for c in names]) as writer:
        add = writer.add
        for row in rest:
            add((*row[1:], *stamps))
        writer.flush()
    return stage.count + writer.count


def merge(stage: Stage, upsert: Upsert, *, now: Any, duplicate_key: Sequence[str]) -> MergeCounts:
    """Upsert the staged rows; DuplicateKey if the stage holds a key twice (when updating)."""
    source = upsert.source or (
        f"SELECT {', '.join(quote(c) for c in upsert.columns)} FROM {stage.table}"
    )
    matched = _count_matching(upsert, source) if upsert.update else 0
    if upsert.update and not is_postgresql():
        # SQLite would quietly apply both rows; PostgreSQL refuses (handled below), for free.
        duplicate = stage.first_duplicate(duplicate_key)
        if duplicate:
            raise DuplicateKey(*duplicate)
    if upsert.update and matched == 0:
        appended = _insert_new(upsert, source, now)
        if appended is not None:
            return MergeCounts(created=appended)
    sql, params = _upsert_sql(upsert, source, now)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            written = cursor.rowcount
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != CARDINALITY_VIOLATION:
            raise
        duplicate = stage.first_duplicate(duplicate_key)
        assert duplicate is not None
        raise DuplicateKey(*duplicate) from None
    staged = _count(source) if upsert.source else stage.count
    if not upsert.update:
        return MergeCounts(created=written, unchanged=staged - written)
    created = staged - matched
    updated = written - created
    return MergeCounts(created=created, updated=updated, unchanged=matched - updated)


def _insert_new(upsert: Upsert, source: str, now: Any) -> int | None:
    """Nothing staged is stored yet: a plain INSERT, which PostgreSQL does several times faster
    than an upsert. None if a key turns out to repeat (the upsert then says where)."""
    target = table_of(upsert.model)
    names = ", ".join(quote(c) for c in (*upsert.columns, *upsert.stamp))
    selected = ", ".join(
        [*(f"src.{quote(c)}" for c in upsert.columns), *["%s"] * len(upsert.stamp)]
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {target} ({names}) SELECT {selected} FROM ({source}) src",
                [now] * len(upsert.stamp),
            )
            return int(cursor.rowcount)
    except IntegrityError:
        return None


def _count(source: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({source}) src")
        return int(cursor.fetchone()[0])


def _count_matching(upsert: Upsert, source: str) -> int:
    target = table_of(upsert.model)
    on = " AND ".join(f"t.{quote(c)} = src.{quote(c)}" for c in upsert.key)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({source}) src JOIN {target} t ON {on}")
        return int(cursor.fetchone()[0])


def _upsert_sql(upsert: Upsert, source: str, now: Any) -> tuple[str, list[Any]]:
    target = table_of(upsert.model)
    names = [*upsert.columns, *upsert.stamp]
    selected = [f"src.{quote(c)}" for c in upsert.columns] + ["%s"] * len(upsert.stamp)
    params = [now] * len(upsert.stamp)
    # "WHERE 1 = 1": SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT.
    sql = (
        f"INSERT INTO {target} ({', '.join(quote(c) for c in names)}) "
        f"SELECT {', '.join(selected)} FROM ({source}) src WHERE 1 = 1 "
    )
    if not upsert.update:
        return sql + "ON CONFLICT DO NOTHING", params
    distinct = "IS DISTINCT FROM" if is_postgresql() else "IS NOT"
    assignments = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in upsert.compare)
    assignments += "".join(f", {quote(c)} = excluded.{quote(c)}" for c in upsert.stamp)
    changed = " OR ".join(
        f"{target}.{quote(c)} {distinct} excluded.{quote(c)}" for c in upsert.compare
    )
    sql += (
        f"ON CONFLICT ({', '.join(quote(c) for c in upsert.key)}) "
        f"DO UPDATE SET {assignments} WHERE {changed}"
    )
    return sql, params


def date_adapter() -> Callable[[Any], Any]:
    """Turns a date into what the driver takes for a DATE column (text on SQLite)."""
    return connection.ops.adapt_datefield_value


def datetime_adapter() -> Callable[[Any], Any]:
    """Turns an aware datetime into what the driver takes (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value
