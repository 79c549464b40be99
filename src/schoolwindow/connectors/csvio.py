"""Reading CSV files from a folder or a zip, one row at a time.

Rows are plain lists of strings, never dicts: a county's enrolments file has millions of them
and only the row in hand is kept. Line numbers count the header as line 1, as a spreadsheet does.
"""

from __future__ import annotations

import _csv
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from schoolwindow.connectors.errors import FileProblem, RowProblem

# Larger than any sensible value, smaller than a runaway unterminated quote.
csv.field_size_limit(1024 * 1024)

# A zip may not unpack to more than this: an upload that claims more is refused.
MAX_UNPACKED_BYTES = 8 * 1024 * 1024 * 1024

Getter = Callable[[list[str]], str]


class CsvSource:
    """CSV files in a folder, in a zip, or a single CSV file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}  # file name → member name inside the zip
        if path.is_dir():
            self._files = {child.name: child for child in path.iterdir() if child.is_file()}
        elif zipfile.is_zipfile(path):
            self._open_zip(path)
            self._files = {}
        elif path.is_file():
            self._files = {path.name: path}
        else:
            raise FileProblem(str(path), "there is no file or folder here")

    def _open_zip(self, path: Path) -> None:
        archive = zipfile.ZipFile(path)
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise FileProblem(path.name, "the zip unpacks to more than 8 GB")
        # The files may sit in a folder inside the zip: use the shallowest folder with CSVs.
        csv_infos = [info for info in infos if info.filename.lower().endswith(".csv")]
        if not csv_infos:
            raise FileProblem(path.name, "the zip holds no CSV files")
        depth = min(len(PurePosixPath(info.filename).parts) for info in csv_infos)
        for info in csv_infos:
            member = PurePosixPath(info.filename)
            if len(member.parts) == depth and not member.name.startswith("."):
                self._members[member.name] = info.filename
        self._zip = archive

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def names(self) -> list[str]:
        return sorted(self._members or self._files)

    def has(self, name: str) -> bool:
        return name in self._members or name in self._files

    @contextmanager
    def binary(self, name: str) -> Iterator[IO[bytes]]:
        if self._zip is not None:
            if name not in self._members:
                raise FileProblem(name, "is missing from the zip")
            with self._zip.open(self._members[name]) as handle:
                yield handle
            return
        if name not in self._files:
            raise FileProblem(name, "is missing")
        with self._files[name].open("rb") as handle:
            yield handle

    def count_lines(self, name: str) -> int:
        """Data lines in a file (without the header), for the progress bar; quick, not exact."""
        lines = 0
        last = b"\n"
        with self.binary(name) as handle:
            while chunk := handle.read(1024 * 1024):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        if last != b"\n":
            lines += 1
        return max(0, lines - 1)

    def table(self, name: str) -> CsvTable:
        return CsvTable(self, name)


class CsvTable:
    """One CSV file: its header, and its rows streamed with their line numbers."""

    def __init__(self, source: CsvSource, name: str) -> None:
        self.source = source
        self.name = name
        with self._reader() as (reader, _):
            try:
                header = next(reader, None)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise RowProblem(name, 1, "(header)", describe_read_error(exc)) from exc
        if not header:
            raise RowProblem(name, 1, "(header)", "the file is empty: it needs a header line")
        self.header = [column.strip() for column in header]
        self.index = {column: i for i, column in enumerate(self.header)}
        for column in self.header:
            if self.header.count(column) > 1:
                raise RowProblem(name, 1, column, "this column appears twice in the header")

    @contextmanager
    def _reader(self) -> Iterator[tuple[_csv.Reader, io.TextIOWrapper]]:
        with self.source.binary(self.name) as raw:
            # utf-8-sig drops the byte-order mark that spreadsheet programs put first.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            yield csv.reader(text), text

    def has(self, column: str) -> bool:
        return column in self.index

    def require(self, *columns: str) -> None:
        for column in columns:
            if column not in self.index:
                raise RowProblem(self.name, 1, column, "this column is missing from the header")

    def getter(self, column: str) -> Getter:
        """A fast function row → value (stripped); "" when the file has no such column."""
        position = self.index.get(column)
        if position is None:
            return _blank
        return lambda row: row[position].strip()

    def problem(self, line: int, column: str, message: str) -> RowProblem:
        return RowProblem(self.name, line, column, message)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, values) for every non-blank data line, checking each has every column."""
        width = len(self.header)
        with self._reader() as (reader, _):
            line = 1
            try:
                next(reader, None)
                for row in reader:
                    start = line + 1
                    line = reader.line_num
                    if len(row) == width:
                        yield start, row
                    elif not row or (len(row) == 1 and not row[0].strip()):
                        continue
                    elif len(row) < width:
                        raise self.problem(
                            start,
                            self.header[len(row)],
                            f"the line has {len(row)} values but the header has {width} columns",
                        )
                    else:
                        raise self.problem(
                            start,
                            "(extra values)",
                            f"the line has {len(row)} values but the header has {width} columns",
                        )
            except (csv.Error, UnicodeDecodeError) as exc:
                raise self.problem(line + 1, "(line)", describe_read_error(exc)) from exc


def _blank(row: list[str]) -> str:
    return ""


def describe_read_error(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "the file is not UTF-8 text (save it as 'CSV UTF-8')"
    return f"the line cannot be read as CSV ({exc})"
