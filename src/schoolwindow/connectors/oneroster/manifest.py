"""manifest.csv: which OneRoster version, and for each file whether it is bulk, delta or absent."""

from __future__ import annotations

import re
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

# "1.1", "1.1.0", "v1.2": the major and minor numbers are what tell the files apart.
VERSION_RE = re.compile(r"^v?(1)\.(\d)(\.\d+)*$")
# 1.0 had no manifest of its own; a 1.0 "manifest.version" with 1.0 files reads as 1.1.
VERSIONS = {"1.0": "1.1", "1.1": "1.1", "1.2": "1.2"}
FILE_NAMES = {name.removesuffix(".csv").casefold(): name for name in DATA_FILES}


@dataclass
class Manifest:
    version: str = "1.1"
    modes: dict[str, str] = field(default_factory=dict)  # "users.csv" → "bulk"
    # Files in the set that manifest.csv does not list: not read, and the summary says so.
    unlisted: list[str] = field(default_factory=list)

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
    table = source.table(MANIFEST, any_case=True)
    table.require("propertyName", "value")
    key_of, value_of = table.getter("propertyName"), table.getter("value")
    manifest = Manifest()
    version = ""
    listed: set[str] = set()
    for line, row in table.rows():
        key, value = key_of(row).casefold(), value_of(row)
        if key == "oneroster.version" and value:
            version = read_version(value)
            if not version:
                raise table.problem(line, "value", f"OneRoster version '{value}' is not 1.1 or 1.2")
        elif key.startswith("file."):
            name = key.removeprefix("file.")
            listed.add(name)
            mode = value.lower()
            if name not in FILE_NAMES:
                continue  # a file we do not read (lineItems, results, …): its mode is not ours
            # An empty value says no more than "absent" does: the file is not in the set.
            if mode and mode not in MODES:
                raise table.problem(line, "value", f"'{value}' must be bulk, delta or absent")
            manifest.modes[FILE_NAMES[name]] = mode or ABSENT
    manifest.version = version or ("1.2" if manifest.present(ROLES) else "1.1")
    manifest.unlisted = [
        name for key, name in FILE_NAMES.items() if key not in listed and source.has(name)
    ]
    check_files_exist(source, manifest)
    return manifest


def read_version(value: str) -> str:
    match = VERSION_RE.match(value.strip().lower())
    return VERSIONS.get(f"{match[1]}.{match[2]}", "") if match else ""


def check_files_exist(source: CsvSource, manifest: Manifest) -> None:
    for name in DATA_FILES:
        if manifest.present(name) and not source.has(name):
            raise FileProblem(
                name,
                f"manifest.csv lists it as {manifest.mode(name)} but the file is not in the set",
            )
    if manifest.version == "1.2" and manifest.is_bulk(USERS) and not manifest.present(ROLES):
        users = source.table(USERS, any_case=True)
        if not all(users.has(column) for column in USERS_11_COLUMNS):
            raise FileProblem(
                ROLES,
                "is missing: in OneRoster 1.2 it says which school each user in users.csv is at",
            )
