"""Import the plain pupils-and-guardians CSV: check every row, then save in one transaction.

Pupils are matched by UPN within their school, guardians by email (or, without one, by name
and phone) within the trust. A row whose values are unchanged since the last import is not
written again: its fingerprint is kept in source_hash.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from schoolwindow.connectors.csvio import CsvSource, CsvTable
from schoolwindow.connectors.errors import FileProblem
from schoolwindow.connectors.hashing import row_hash
from schoolwindow.connectors.oneroster.save import is_mobile
from schoolwindow.connectors.oneroster.spec import parse_date, year_code, year_name_and_ordinal
from schoolwindow.connectors.plaincsv import columns as col
from schoolwindow.connectors.progress import (
    STAGE_CHECKING,
    STAGE_COUNTING,
    STAGE_FINISHED,
    STAGE_SAVING,
    Progress,
)
from schoolwindow.connectors.summary import ImportSummary
from schoolwindow.connectors.writing import BATCH_SIZE
from schoolwindow.people.models import (
    Channel,
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
)
from schoolwindow.schools.models import Group, GroupKind, School, YearGroup

CHUNK = 1000
LINK_FIELDS = ("relationship", "parental_responsibility", "lives_with_pupil", "contact_priority")
CSV_SOURCE = "csv"  # source_id of the enrolments and links this import made (so it may undo them)


@dataclass
class GuardianRow:
    slot: int
    values: dict[str, Any]  # Guardian fields
    relationship: str
    parental_responsibility: bool
    lives_with_pupil: bool

    def key(self, trust_id: int) -> tuple[Any, ...]:
        email = self.values.get("email", "").lower()
        if email:
            return ("email", trust_id, email)
        phone = re.sub(r"\D", "", self.values.get("phone", ""))
        return (
            "name",
            trust_id,
            self.values["first_name"].lower(),
            self.values["last_name"].lower(),
            phone,
        )


@dataclass
class PupilRow:
    line: int
    school: School
    upn: str
    values: dict[str, Any]  # Pupil fields; "year" holds the year code until saving
    group_name: str
    guardians: list[GuardianRow] = field(default_factory=list)
    pk: int = 0


def pupils_csv_import(
    path: Path,
    *,
    school_urn: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Raise DataImportError (naming file, line and field) and write nothing if any row is bad."""
    progress = progress or Progress()
    summary = ImportSummary(dry_run=dry_run)
    with CsvSource(Path(path)) as source:
        name = single_csv(source)
        table = source.table(name)
        table.require(*col.PUPIL_REQUIRED)
        if not school_urn:
            table.require("school_urn")
        progress.stage(STAGE_COUNTING)
        progress.begin(total=2 * source.count_lines(name))
        reader = RowReader(table, school_urn)
        progress.stage(STAGE_CHECKING, name)
        schools: dict[int, School] = {}
        for pupil in reader.pupils(progress, summary):
            schools[pupil.school.pk] = pupil.school
        progress.stage(STAGE_SAVING, name)
        with transaction.atomic():
            saver = CsvSaver(list(schools.values()), summary)
            chunk: list[PupilRow] = []
            for pupil in reader.pupils(progress, None):
                chunk.append(pupil)
                if len(chunk) >= CHUNK:
                    saver.save(chunk)
                    chunk = []
            saver.save(chunk)
            if dry_run:
                transaction.set_rollback(True)
    progress.stage(STAGE_FINISHED)
    return summary


def single_csv(source: CsvSource) -> str:
    names = [name for name in source.names if name.lower().endswith(".csv")]
    if len(names) != 1:
        raise FileProblem(str(source.path.name), "should be one CSV file of pupils and guardians")
    return names[0]


class RowReader:
    """Turns each line into a PupilRow, or raises RowProblem naming the line and column."""

    def __init__(self, table: CsvTable, school_urn: str | None) -> None:
        self.table = table
        self.school_urn = school_urn
        self.schools = {school.urn: school for school in School.objects.all()}
        names = [*col.PUPIL_REQUIRED, *col.PUPIL_OPTIONAL]
        names += [
            col.guardian_column(slot, f) for slot in col.GUARDIAN_SLOTS for f in col.GUARDIAN_FIELDS
        ]
        self.get: dict[str, Callable[[list[str]], str]] = {
            name: table.getter(name) for name in names
        }
        self.has = table.has

    def pupils(self, progress: Progress, summary: ImportSummary | None) -> Iterator[PupilRow]:
        seen: dict[tuple[int, str], int] = {}
        done = 0
        for line, row in self.table.rows():
            done += 1
            if done % 500 == 0:
                progress.advance(500)
            pupil = self.pupil(line, row)
            if pupil is None:
                if summary is not None:
                    summary.rows_read += 1
                    summary.rows_skipped += 1
                continue
            if summary is not None:
                summary.rows_read += 1
            first = seen.setdefault((pupil.school.pk, pupil.upn), line)
            if first != line:
                raise self.table.problem(line, "upn", f"UPN {pupil.upn} is also on line {first}")
            yield pupil
        progress.advance(done % 500)

    def pupil(self, line: int, row: list[str]) -> PupilRow | None:
        get, problem = self.get, self.table.problem
        urn = get["school_urn"](row) or self.school_urn or ""
        if self.school_urn and urn != self.school_urn:
            return None  # another school's row: not this import's business
        if not urn:
            raise problem(line, "school_urn", "is required (or choose the school when importing)")
        school = self.schools.get(urn)
        if school is None:
            raise problem(line, "school_urn", f"no school has URN {urn}")
        upn = get["upn"](row).upper()
        if not col.UPN_RE.match(upn):
            raise problem(line, "upn", f"'{upn}' is not a UPN (a letter and 12 more characters)")
        values: dict[str, Any] = {
            "legal_first_name": self.text(line, row, "legal_first_name", 100, required=True),
            "legal_last_name": self.text(line, row, "legal_last_name", 100, required=True),
            "upn": upn,
            "status": self.choice(line, row, "status", col.STATUSES),
        }
        for name, limit in (
            ("preferred_first_name", 100),
            ("preferred_last_name", 100),
            ("gender", 16),
        ):
            if self.has(name):
                values[name] = self.text(line, row, name, limit)
        if self.has("home_language"):
            values["home_language"] = self.text(line, row, "home_language", 64)
        if self.has("email"):
            values["email"] = self.email(line, row, "email")
        if self.has("date_of_birth"):
            values["date_of_birth"] = self.date(line, row, "date_of_birth")
        if self.has("year"):
            values["year"] = self.year(line, row)
        if self.has("send"):
            values["send_status"] = self.choice(line, row, "send", col.SEND_VALUES, upper=True)
        for flag in col.PUPIL_FLAGS:
            if self.has(flag):
                values[flag] = self.flag(line, row, flag)
        group = self.text(line, row, "registration_group", 120)
        pupil = PupilRow(line, school, upn, values, group)
        pupil.guardians = [
            g for slot in col.GUARDIAN_SLOTS if (g := self.guardian(line, row, slot))
        ]
        return pupil

    def guardian(self, line: int, row: list[str], slot: int) -> GuardianRow | None:
        def name(column: str) -> str:
            return col.guardian_column(slot, column)

        if not any(self.get[name(f)](row) for f in col.GUARDIAN_FIELDS):
            return None
        values = {
            "first_name": self.text(line, row, name("first_name"), 100, required=True),
            "last_name": self.text(line, row, name("last_name"), 100, required=True),
        }
        # Only columns the file has: a file without phone numbers must not wipe them out.
        if self.has(name("title")):
            values["title"] = self.text(line, row, name("title"), 16)
        if self.has(name("email")):
            values["email"] = self.email(line, row, name("email"))
        if self.has(name("phone")):
            values["phone"] = self.text(line, row, name("phone"), 32)
        if self.has(name("address")):
            # One cell holds the whole street address; lines may be split by newlines or by
            # " | " (spreadsheets make newlines in a cell awkward).
            address = self.text(line, row, name("address"), 500)
            values["address"] = "\n".join(
                part.strip() for part in address.replace(" | ", "\n").splitlines() if part.strip()
            )
        if self.has(name("postcode")):
            values["postcode"] = self.text(line, row, name("postcode"), 16).upper()
        if self.has(name("language")):
            values["preferred_language"] = self.text(line, row, name("language"), 16) or "en"
        if self.get[name("channel")](row):
            values["preferred_channel"] = self.choice(line, row, name("channel"), col.CHANNEL_WORDS)
        return GuardianRow(
            slot,
            values,
            self.choice(line, row, name("relationship"), col.RELATIONSHIP_WORDS, default="parent"),
            self.flag(line, row, name("parental_responsibility"), default=True),
            self.flag(line, row, name("lives_with"), default=True),
        )

    def text(
        self, line: int, row: list[str], column: str, limit: int, *, required: bool = False
    ) -> str:
        value = self.get[column](row)
        if required and not value:
            raise self.table.problem(line, column, "is required")
        if len(value) > limit:
            raise self.table.problem(line, column, f"is longer than {limit} characters")
        return value

    def email(self, line: int, row: list[str], column: str) -> str:
        value = self.text(line, row, column, 254)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                raise self.table.problem(
                    line, column, f"'{value}' is not an email address"
                ) from None
        return value

    def date(self, line: int, row: list[str], column: str) -> dt.date | None:
        value = self.get[column](row)
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise self.table.problem(line, column, str(exc)) from None

    def year(self, line: int, row: list[str]) -> str:
        value = self.get["year"](row)
        if not value:
            return ""
        code = year_code(value)
        if code is None:
            raise self.table.problem(
                line, "year", f"'{value}' is not a year group (N, R or 1 to 13)"
            )
        return code

    def flag(self, line: int, row: list[str], column: str, *, default: bool = False) -> bool:
        value = self.get[column](row).lower()
        if not value:
            return default
        if value in col.TRUE_WORDS:
            return True
        if value in col.FALSE_WORDS:
            return False
        raise self.table.problem(line, column, f"'{value}' should be yes or no")

    def choice(
        self,
        line: int,
        row: list[str],
        column: str,
        allowed: Mapping[str, str],
        *,
        upper: bool = False,
        default: str = "",
    ) -> str:
        raw = self.get[column](row)
        value = raw.upper() if upper else raw.lower()
        if not value and default:
            return default
        if value not in allowed:
            shown = ", ".join(sorted({key for key in allowed if key}))
            raise self.table.problem(line, column, f"'{raw}' is not one of: {shown}")
        return allowed[value]


class CsvSaver:
    """Writes one chunk of checked rows at a time, keeping only compact maps between chunks."""

    def __init__(self, schools: list[School], summary: ImportSummary) -> None:
        self.summary = summary
        self.now = timezone.now()
        school_ids = [school.pk for school in schools]
        trust_ids = {school.trust_id for school in schools}
        self.pupils: dict[tuple[int, str], tuple[int, str]] = {
            (school_id, upn): (pk, digest)
            for pk, school_id, upn, digest in Pupil.objects.filter(school_id__in=school_ids)
            .exclude(upn="")
            .values_list("pk", "school_id", "upn", "source_hash")
        }
        self.year_groups = {
            (school_id, code): pk
            for pk, school_id, code in YearGroup.objects.filter(
                school_id__in=school_ids
            ).values_list("pk", "school_id", "code")
        }
        self.groups = {
            (school_id, name): pk
            for pk, school_id, name in Group.objects.filter(
                school_id__in=school_ids, kind=GroupKind.REGISTRATION, active=True
            ).values_list("pk", "school_id", "name")
        }
        self.enrolments: dict[int, dict[int, tuple[int, bool, str]]] = {}
        for pk, pupil_id, group_id, active, source_id in Enrolment.objects.filter(
            school_id__in=school_ids, group__kind=GroupKind.REGISTRATION
        ).values_list("pk", "pupil_id", "group_id", "active", "source_id"):
            self.enrolments.setdefault(pupil_id, {})[group_id] = (pk, active, source_id)
        self.guardians: dict[tuple[Any, ...], tuple[int, str]] = {}
        for pk, trust_id, first, last, email, phone, digest in Guardian.objects.filter(
            trust_id__in=trust_ids
        ).values_list("pk", "trust_id", "first_name", "last_name", "email", "phone", "source_hash"):
            key = GuardianRow(
                0,
                {"email": email, "phone": phone, "first_name": first, "last_name": last},
                "",
                True,
                True,
            ).key(trust_id)
            self.guardians.setdefault(key, (pk, digest))
        links = GuardianLink.objects.filter(school_id__in=school_ids).values_list(
            "pk", "pupil_id", "guardian_id", *LINK_FIELDS
        )
        self.links: dict[tuple[int, int], tuple[int, tuple[Any, ...]]] = {
            (pupil_id, guardian_id): (pk, tuple(values))
            for pk, pupil_id, guardian_id, *values in links
        }
        self.guardians_touched: set[int] = set()

    def save(self, chunk: list[PupilRow]) -> None:
        if not chunk:
            return
        self.ensure_year_groups(chunk)
        self.save_pupils(chunk)
        self.save_registration(chunk)
        self.save_guardians(chunk)

    def ensure_year_groups(self, chunk: list[PupilRow]) -> None:
        new: dict[tuple[int, str], YearGroup] = {}
        for pupil in chunk:
            code = pupil.values.get("year", "")
            key = (pupil.school.pk, code)
            if code and key not in self.year_groups and key not in new:
                name, ordinal = year_name_and_ordinal(code)
                new[key] = YearGroup(
                    school_id=pupil.school.pk, code=code, name=name, ordinal=ordinal
                )
        YearGroup.objects.bulk_create(new.values())
        for key, year_group in new.items():
            self.year_groups[key] = year_group.pk
        self.summary.add("year_groups", "created", len(new))

    def pupil_fields(self, pupil: PupilRow) -> dict[str, Any]:
        values = dict(pupil.values)
        if "year" in values:
            code = values.pop("year")
            values["year_group_id"] = self.year_groups[(pupil.school.pk, code)] if code else None
        return values

    def save_pupils(self, chunk: list[PupilRow]) -> None:
        creates: list[tuple[PupilRow, Pupil]] = []
        updates: list[Pupil] = []
        update_fields: set[str] = set()
        for pupil in chunk:
            values = self.pupil_fields(pupil)
            digest = row_hash(sorted(values.items()))
            current = self.pupils.get((pupil.school.pk, pupil.upn))
            if current is None:
                creates.append(
                    (pupil, Pupil(school_id=pupil.school.pk, source_hash=digest, **values))
                )
            elif current[1] == digest:
                pupil.pk = current[0]
                self.summary.add("pupils", "unchanged")
            else:
                pupil.pk = current[0]
                updates.append(
                    Pupil(pk=current[0], source_hash=digest, updated_at=self.now, **values)
                )
                update_fields |= {*values, "source_hash", "updated_at"}
                self.pupils[(pupil.school.pk, pupil.upn)] = (current[0], digest)
        Pupil.objects.bulk_create([obj for _, obj in creates], batch_size=BATCH_SIZE)
        for pupil, obj in creates:
            pupil.pk = obj.pk
            self.pupils[(pupil.school.pk, pupil.upn)] = (obj.pk, obj.source_hash)
        if updates:
            Pupil.objects.bulk_update(updates, sorted(update_fields), batch_size=500)
        self.summary.add("pupils", "created", len(creates))
        self.summary.add("pupils", "updated", len(updates))

    def save_registration(self, chunk: list[PupilRow]) -> None:
        """Each pupil in their registration group; a move ends the enrolment this import made."""
        new_groups = {
            (p.school.pk, p.group_name): Group(
                school_id=p.school.pk,
                kind=GroupKind.REGISTRATION,
                name=p.group_name,
                year_group_id=self.year_groups.get((p.school.pk, p.values.get("year", ""))),
            )
            for p in chunk
            if p.group_name and (p.school.pk, p.group_name) not in self.groups
        }
        Group.objects.bulk_create(new_groups.values())
        for key, group in new_groups.items():
            self.groups[key] = group.pk
        self.summary.add("groups", "created", len(new_groups))
        creates: list[Enrolment] = []
        changes: list[Enrolment] = []
        for pupil in chunk:
            if not pupil.group_name:
                continue
            group_id = self.groups[(pupil.school.pk, pupil.group_name)]
            current = self.enrolments.setdefault(pupil.pk, {})
            for other_group, (pk, active, source_id) in list(current.items()):
                if other_group != group_id and active and source_id == CSV_SOURCE:
                    changes.append(Enrolment(pk=pk, active=False))
                    current[other_group] = (pk, False, source_id)
                    self.summary.add("enrolments", "deleted")
            mine = current.get(group_id)
            if mine is None:
                creates.append(
                    Enrolment(
                        school_id=pupil.school.pk,
                        group_id=group_id,
                        pupil_id=pupil.pk,
                        source_id=CSV_SOURCE,
                    )
                )
                current[group_id] = (0, True, CSV_SOURCE)
            elif not mine[1]:
                changes.append(Enrolment(pk=mine[0], active=True))
                current[group_id] = (mine[0], True, mine[2])
                self.summary.add("enrolments", "updated")
            else:
                self.summary.add("enrolments", "unchanged")
        Enrolment.objects.bulk_create(creates, batch_size=BATCH_SIZE)
        Enrolment.objects.bulk_update(changes, ["active"], batch_size=500)
        self.summary.add("enrolments", "created", len(creates))

    def save_guardians(self, chunk: list[PupilRow]) -> None:
        wanted: dict[tuple[Any, ...], tuple[GuardianRow, int]] = {}
        for pupil in chunk:
            for guardian in pupil.guardians:
                wanted[guardian.key(pupil.school.trust_id)] = (guardian, pupil.school.trust_id)
        creates: dict[tuple[Any, ...], Guardian] = {}
        updates: list[Guardian] = []
        update_fields: set[str] = set()
        for key, (guardian, trust_id) in wanted.items():
            digest = row_hash(sorted(guardian.values.items()))
            current = self.guardians.get(key)
            if current is None:
                creates[key] = Guardian(
                    trust_id=trust_id,
                    source_hash=digest,
                    **{"preferred_channel": first_channel(guardian.values), **guardian.values},
                )
                continue
            if current[0] in self.guardians_touched:
                continue  # a sibling's row earlier in this file already saved this guardian
            self.guardians_touched.add(current[0])
            if current[1] == digest:
                self.summary.add("guardians", "unchanged")
            else:
                updates.append(
                    Guardian(
                        pk=current[0], source_hash=digest, updated_at=self.now, **guardian.values
                    )
                )
                update_fields |= {*guardian.values, "source_hash", "updated_at"}
                self.guardians[key] = (current[0], digest)
        Guardian.objects.bulk_create(creates.values(), batch_size=BATCH_SIZE)
        for key, obj in creates.items():
            self.guardians[key] = (obj.pk, obj.source_hash)
            self.guardians_touched.add(obj.pk)
        if updates:
            Guardian.objects.bulk_update(updates, sorted(update_fields), batch_size=500)
        self.summary.add("guardians", "created", len(creates))
        self.summary.add("guardians", "updated", len(updates))
        self.save_links(chunk)

    def save_links(self, chunk: list[PupilRow]) -> None:
        creates: list[GuardianLink] = []
        updates: list[GuardianLink] = []
        for pupil in chunk:
            for guardian in pupil.guardians:
                guardian_id = self.guardians[guardian.key(pupil.school.trust_id)][0]
                wanted = (
                    guardian.relationship,
                    guardian.parental_responsibility,
                    guardian.lives_with_pupil,
                    guardian.slot,
                )
                current = self.links.get((pupil.pk, guardian_id))
                fields = dict(zip(LINK_FIELDS, wanted, strict=True))
                if current is None:
                    creates.append(
                        GuardianLink(
                            school_id=pupil.school.pk,
                            pupil_id=pupil.pk,
                            guardian_id=guardian_id,
                            source_id=CSV_SOURCE,
                            **fields,
                        )
                    )
                    self.links[(pupil.pk, guardian_id)] = (0, wanted)
                elif current[1] == wanted:
                    self.summary.add("guardian_links", "unchanged")
                else:
                    updates.append(GuardianLink(pk=current[0], **fields))
                    self.links[(pupil.pk, guardian_id)] = (current[0], wanted)
        GuardianLink.objects.bulk_create(creates, batch_size=BATCH_SIZE)
        GuardianLink.objects.bulk_update(updates, list(LINK_FIELDS), batch_size=500)
        self.summary.add("guardian_links", "created", len(creates))
        self.summary.add("guardian_links", "updated", len(updates))


def first_channel(values: dict[str, Any]) -> str:
    """How a new guardian hears from school if the file does not say: email, text or post."""
    if values.get("email"):
        return Channel.EMAIL
    return Channel.SMS if is_mobile(values.get("phone", "")) else Channel.LETTER
