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
    """CSV files in a folder, in a zip, or a single CSV file.

    File names are matched whatever their case ("Users.csv" is users.csv): exports made on
    Windows, or renamed by hand, vary, and no two OneRoster files differ only in case.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, str] = {}  # file name (casefolded) → member name in the zip
        self._files: dict[str, Path] = {}  # file name (casefolded) → path
        if path.is_dir():
            self._open_folder(path)
        elif zipfile.is_zipfile(path):
            self._open_zip(path)
        elif path.is_file():
            self._files = {path.name.casefold(): path}
        else:
            raise FileProblem(str(path), "there is no file or folder here")

    def _open_folder(self, path: Path) -> None:
        found = [
            child
            for child in path.rglob("*")
            if child.is_file() and not is_clutter(PurePosixPath(child.relative_to(path).as_posix()))
        ]
        # An unzipped export often lands one folder down: use the shallowest folder with CSVs.
        chosen = shallowest_csvs(
            path.name, [PurePosixPath(child.relative_to(path).as_posix()) for child in found]
        )
        self._files = {name: path / member for name, member in chosen.items()}

    def _open_zip(self, path: Path) -> None:
        archive = zipfile.ZipFile(path)
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise FileProblem(path.name, "the zip unpacks to more than 8 GB")
        members = [
            PurePosixPath(info.filename)
            for info in infos
            if not is_clutter(PurePosixPath(info.filename))
        ]
        if not any(member.suffix.lower() == ".csv" for member in members):
            raise FileProblem(path.name, "the zip holds no CSV files")
        # The files may sit in a folder inside the zip.
        self._members = {
            name: str(member) for name, member in shallowest_csvs(path.name, members).items()
        }
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
        if self._zip is not None:
            return sorted(PurePosixPath(member).name for member in self._members.values())
        return sorted(path.name for path in self._files.values())

    def has(self, name: str) -> bool:
        key = name.casefold()
        return key in self._members or key in self._files

    @contextmanager
    def binary(self, name: str) -> Iterator[IO[bytes]]:
        key = name.casefold()
        if self._zip is not None:
            if key not in self._members:
                raise FileProblem(name, "is missing from the zip")
            with self._zip.open(self._members[key]) as handle:
                yield handle
            return
        if key not in self._files:
            raise FileProblem(name, "is missing")
        with self._files[key].open("rb") as handle:
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

    def table(self, name: str, *, any_case: bool = False) -> CsvTable:
        return CsvTable(self, name, any_case=any_case)


def is_clutter(member: PurePosixPath) -> bool:
    """What archivers and desktops add beside the files: macOS's __MACOSX/ and ._ copies,
    .DS_Store, Thumbs.db, hidden folders."""
    return any(part == "__MACOSX" or part.startswith(".") for part in member.parts) or (
        member.name.casefold() == "thumbs.db"
    )


def shallowest_csvs(container: str, members: list[PurePosixPath]) -> dict[str, PurePosixPath]:
    """The CSV files of the shallowest folder that has any, by casefolded name. Two of the same
    name there (say two exports side by side) is refused: which one is meant cannot be known."""
    csvs = [member for member in members if member.suffix.lower() == ".csv"]
    if not csvs:
        return {}
    depth = min(len(member.parts) for member in csvs)
    chosen: dict[str, PurePosixPath] = {}
    for member in sorted(csvs):
        if len(member.parts) != depth:
            continue
        earlier = chosen.setdefault(member.name.casefold(), member)
        if earlier != member:
            raise FileProblem(
                container,
                f"holds {member.name} twice ({earlier} and {member}): "
                "put one export in it at a time",
            )
    return chosen


class CsvTable:
    """One CSV file: its header, and its rows streamed with their line numbers.

    With `any_case`, header names are matched whatever their case ("SourcedId" is sourcedId).
    A column named twice is an error only if it is one we read: a repeated vendor extension
    column harms nothing.
    """

    def __init__(self, source: CsvSource, name: str, *, any_case: bool = False) -> None:
        self.source = source
        self.name = name
        self.any_case = any_case
        with self._reader() as (reader, _):
            try:
                header = next(reader, None)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise RowProblem(name, 1, "(header)", describe_read_error(exc)) from exc
        if not header:
            raise RowProblem(name, 1, "(header)", "the file is empty: it needs a header line")
        self.header = [column.strip() for column in header]
        self.index: dict[str, int] = {}
        self.repeated: set[str] = set()
        for position, column in enumerate(self.header):
            key = self._key(column)
            if key in self.index:
                self.repeated.add(key)
            else:
                self.index[key] = position

    def _key(self, column: str) -> str:
        return column.casefold() if self.any_case else column

    def _position(self, column: str) -> int | None:
        key = self._key(column)
        if key in self.repeated:
            raise RowProblem(self.name, 1, column, "this column appears twice in the header")
        return self.index.get(key)

    @contextmanager
    def _reader(self) -> Iterator[tuple[_csv.Reader, io.TextIOWrapper]]:
        with self.source.binary(self.name) as raw:
            # utf-8-sig drops the byte-order mark that spreadsheet programs put first.
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            yield csv.reader(text), text

    def has(self, *columns: str) -> bool:
        """Whether the header has the column (or, given several names for it, any of them)."""
        return any(self._position(column) is not None for column in columns)

    def require(self, *columns: str) -> None:
        for column in columns:
            if self._position(column) is None:
                raise RowProblem(self.name, 1, column, "this column is missing from the header")

    def getter(self, column: str, *aliases: str) -> Getter:
        """A fast function row → value (stripped) of the first of these columns the file has;
        "" when it has none of them."""
        for name in (column, *aliases):
            position = self._position(name)
            if position is not None:
                return lambda row: row[position].strip()
        return _blank

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
