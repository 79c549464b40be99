"""What goes wrong with an import, said so that the person holding the file can fix it.

Every error names the file, the line (the header is line 1) and the field, in the form
``users.csv:12: field 'givenName': is required``. An import that raises one writes nothing.
"""

from __future__ import annotations


class DataImportError(Exception):
    """Base for every problem with the data being imported (not with our code)."""


class FileProblem(DataImportError):
    """A whole file is missing, unreadable or of the wrong kind."""

    def __init__(self, file: str, message: str) -> None:
        self.file = file
        self.message = message
        super().__init__(f"{file}: {message}")


class RowProblem(DataImportError):
    """One value on one line is wrong."""

    def __init__(self, file: str, line: int, field: str, message: str) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        super().__init__(f"{file}:{line}: field '{field}': {message}")
