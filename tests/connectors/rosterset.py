"""Small OneRoster sets written by the tests themselves, one variation at a time.

`RosterSet()` is a minimal, valid 1.1 bulk set: one trust (a district), one school, a school
year with one term, a registration class, two pupils, a teacher and a parent. A test changes
the one thing it is about (a column, a value, a file, the line endings) and writes it out.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

Table = list[list[str]]


def table(text: str) -> Table:
    """A CSV table written compactly in a test: one line per row, values separated by commas."""
    return [list(row) for row in csv.reader(io.StringIO(text.strip()))]


def base_11() -> dict[str, Table]:
    return {
        "manifest.csv": table(
            """
propertyName,value
manifest.version,1.0
oneroster.version,1.1
file.academicSessions,bulk
file.categories,absent
file.classes,bulk
file.classResources,absent
file.courses,bulk
file.courseResources,absent
file.demographics,bulk
file.enrollments,bulk
file.lineItems,absent
file.orgs,bulk
file.resources,absent
file.results,absent
file.users,bulk
"""
        ),
        "orgs.csv": table(
            """
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
d-1,,,Brook Valley Trust,district,,
s-1,,,Brook Primary School,school,200001,d-1
"""
        ),
        "academicSessions.csv": table(
            """
sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
y-1,,,2026/27,schoolYear,2026-09-01,2027-07-21,,2027
t-1,,,Autumn term,term,2026-09-01,2026-12-18,y-1,2027
"""
        ),
        "courses.csv": table(
            """
sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
c-1,,,y-1,Registration,REG,04,s-1,,
"""
        ),
        "classes.csv": table(
            """
sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
k-4a,,,Class 4A,04,c-1,4A,homeroom,,s-1,t-1,,,
"""
        ),
        "users.csv": table(
            """
sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
u-ada,,,true,s-1,student,ada,{UPN:F100000000001},Ada,Lovelace,Augusta,,ada@pupils.example.org,,,p-anne,04,
u-alan,,,true,s-1,student,alan,{UPN:F100000000002},Alan,Turing,,,,,,,04,
u-tess,,,true,s-1,teacher,tess,,Tess,Reed,,,t.reed@brook.example.org,,,,,
p-anne,,,true,s-1,parent,anne,,Anne,Lovelace,,,anne@example.org,07700900300,,u-ada,,
"""
        ),
        "enrollments.csv": table(
            """
sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
e-1,,,k-4a,s-1,u-ada,student,false,2026-09-01,2027-07-21
e-2,,,k-4a,s-1,u-alan,student,false,2026-09-01,
e-3,,,k-4a,s-1,u-tess,teacher,true,2026-09-01,
"""
        ),
        "demographics.csv": table(
            """
sourcedId,status,dateLastModified,birthDate,sex
u-ada,,,2017-12-10,female
u-alan,,,2017-06-23,male
"""
        ),
    }


@dataclass
class RosterSet:
    files: dict[str, Table] = field(default_factory=base_11)
    newline: str = "\n"
    bom: bool = False

    def column(self, name: str, column: str) -> int:
        return self.files[name][0].index(column)

    def set_value(self, name: str, sourced_id: str, column: str, value: str) -> None:
        """Give one row's column a value; the row is found by its first value (sourcedId)."""
        position = self.column(name, column)
        for row in self.files[name][1:]:
            if row[0] == sourced_id:
                row[position] = value
                return
        raise KeyError(f"{name} has no row {sourced_id}")

    def add_row(self, name: str, values: dict[str, str]) -> None:
        header = self.files[name][0]
        unknown = set(values) - set(header)
        assert not unknown, f"{name} has no column {unknown}"
        self.files[name].append([values.get(column, "") for column in header])

    def drop_rows(self, name: str, *sourced_ids: str) -> None:
        header, *rows = self.files[name]
        self.files[name] = [header, *(row for row in rows if row[0] not in sourced_ids)]

    def add_column(self, name: str, column: str, value: str = "", *, at: int | None = None) -> None:
        header, *rows = self.files[name]
        position = len(header) if at is None else at
        header.insert(position, column)
        for row in rows:
            row.insert(position, value)

    def rename_column(self, name: str, old: str, new: str) -> None:
        header = self.files[name][0]
        header[header.index(old)] = new

    def drop_column(self, name: str, column: str) -> None:
        position = self.column(name, column)
        for row in self.files[name]:
            del row[position]

    def manifest(self, key: str, value: str) -> None:
        """Set a manifest property (added if the manifest lacks it)."""
        for row in self.files["manifest.csv"][1:]:
            if row[0] == key:
                row[1] = value
                return
        self.files["manifest.csv"].append([key, value])

    def text(self, name: str) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator=self.newline).writerows(self.files[name])
        return out.getvalue()

    def data(self, name: str) -> bytes:
        return (("\ufeff" if self.bom else "") + self.text(name)).encode("utf-8")

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name in self.files:
            (folder / name).write_bytes(self.data(name))
        return folder

    def zip(self, target: Path, *, inside: str = "", extra: dict[str, bytes] | None = None) -> Path:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in self.files:
                archive.writestr(f"{inside}{name}", self.data(name))
            for member, data in (extra or {}).items():
                archive.writestr(member, data)
        return target
