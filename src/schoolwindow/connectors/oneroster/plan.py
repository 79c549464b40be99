"""What a OneRoster set holds, after checking: the compact facts the saving pass needs.

Nothing here is a full row: orgs, sessions and courses are few; users are kept as a small
tuple each (kind, role, schools); enrolments are not kept at all but spilled to per-school
bucket files on disk (see checks.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from schoolwindow.connectors.csvio import CsvSource
from schoolwindow.connectors.oneroster.manifest import Manifest
from schoolwindow.connectors.oneroster.state import DatabaseState
from schoolwindow.connectors.summary import ImportSummary
from schoolwindow.schools.models import School


@dataclass
class Org:
    sid: str
    kind: str
    name: str
    identifier: str
    parent: str
    line: int
    deleted: bool


@dataclass
class SchoolPlan:
    """A school this import writes to."""

    sid: str
    urn: str
    name: str
    line: int  # in orgs.csv; 0 when the school is known only from the database
    existing: School | None
    trust_ref: str  # "pk:<id>" for a trust we have, "new:<key>" for one to create
    bucket: int
    listed: bool  # in orgs.csv: records missing from a bulk file are retired only at these
    pk: int = 0  # set once saved


@dataclass
class NewTrust:
    name: str
    source_id: str


@dataclass
class Session:
    sid: str
    kind: str
    title: str
    start: dt.date
    end: dt.date
    parent: str
    line: int
    year_sid: str = ""  # for terms: the school year they belong to


@dataclass
class Course:
    title: str
    subject: str


class UserRef(NamedTuple):
    kind: str  # spec.STUDENT / STAFF / GUARDIAN
    role: str  # the OneRoster role
    orgs: tuple[str, ...]
    deleted: bool


@dataclass
class Plan:
    source: CsvSource
    manifest: Manifest
    state: DatabaseState
    summary: ImportSummary
    spill_dir: Path
    orgs: dict[str, Org] = field(default_factory=dict)
    schools: dict[str, SchoolPlan] = field(default_factory=dict)  # in scope, by sourcedId
    new_trusts: dict[str, NewTrust] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    courses: dict[str, Course] = field(default_factory=dict)
    class_school: dict[str, str] = field(default_factory=dict)  # class → school sourcedId
    roles: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # 1.2
    users: dict[str, UserRef] = field(default_factory=dict)
    edges: dict[tuple[str, str], int] = field(default_factory=dict)  # (student, guardian) → line
    guardian_trusts: dict[str, frozenset[str]] = field(default_factory=dict)
    demographics: dict[str, tuple[dt.date | None, str]] = field(default_factory=dict)
    year_codes: dict[str, set[str]] = field(default_factory=dict)  # school sid → codes
    buckets: int = 1
    bucket_rows: list[int] = field(default_factory=list)

    def in_scope(self, school_sid: str) -> bool:
        return school_sid in self.schools

    def school_pk(self, school_sid: str) -> int:
        return self.schools[school_sid].pk

    def known_school(self, sid: str) -> bool:
        org = self.orgs.get(sid)
        if org is not None:
            return org.kind == "school"
        return sid in self.state.schools_by_sid

    def known_org(self, sid: str) -> bool:
        return (
            sid in self.orgs or sid in self.state.schools_by_sid or sid in self.state.trusts_by_sid
        )

    def spill_path(self, bucket: int) -> Path:
        return self.spill_dir / f"enrollments-{bucket:03d}.csv"
