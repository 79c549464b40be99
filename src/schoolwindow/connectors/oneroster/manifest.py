"""manifest.csv: which OneRoster version, and for each file whether it is bulk, delta or absent."""

from __future__ import annotations

from dataclasses import dataclass, field

from schoolwindow.connectors.csvio import CsvSource
from schoolwindow.connectors.errors import FileProblem
from schoolwindow.connectors.oneroster.spec import (
    ABSENT,
    BULK,
    DATA_FILES,
    MANIFEST,
    MODES,
    ROLES,
    USERS,
    USERS_11_COLUMNS,
)

VERSIONS = ("1.0", "1.1", "1.2")


@dataclass
class Manifest:
    version: str = "1.1"
    modes: dict[str, str] = field(default_factory=dict)  # "users.csv" → "bulk"

    def mode(self, name: str) -> str:
        return self.modes.get(name, ABSENT)

    def present(self, name: str) -> bool:
        return self.mode(name) != ABSENT

    def is_bulk(self, name: str) -> bool:
        return self.mode(name) == BULK


def read_manifest(source: CsvSource) -> Manifest:
    if not source.has(MANIFEST):
        raise FileProblem(
            MANIFEST,
            "is missing: a OneRoster set starts with a manifest.csv that lists its files",
        )
    table = source.table(MANIFEST)
    table.require("propertyName", "value")
    key_of, value_of = table.getter("propertyName"), table.getter("value")
    manifest = Manifest()
    version = ""
    for line, row in table.rows():
        key, value = key_of(row), value_of(row)
        if key == "oneroster.version":
            if value not in VERSIONS:
                raise table.problem(line, "value", f"OneRoster version '{value}' is not 1.1 or 1.2")
            version = value
        elif key.startswith("file."):
            mode = value.lower()
            if mode not in MODES:
                raise table.problem(line, "value", f"'{value}' must be bulk, delta or absent")
            manifest.modes[key.removeprefix("file.") + ".csv"] = mode
    manifest.version = version or ("1.2" if ROLES in manifest.modes else "1.1")
    if manifest.version == "1.0":
        manifest.version = "1.1"
    check_files_exist(source, manifest)
    return manifest


def check_files_exist(source: CsvSource, manifest: Manifest) -> None:
    for name in DATA_FILES:
        if manifest.present(name) and not source.has(name):
            raise FileProblem(
                name,
                f"manifest.csv lists it as {manifest.mode(name)} but the file is not in the set",
            )
    if manifest.version == "1.2" and manifest.is_bulk(USERS) and not manifest.present(ROLES):
        users = source.table(USERS)
        if not all(users.has(column) for column in USERS_11_COLUMNS):
            raise FileProblem(
                ROLES,
                "is missing: in OneRoster 1.2 it says which school each user in users.csv is at",
            )
