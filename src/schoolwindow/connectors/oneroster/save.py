"""The second pass: write what the checked files say, in batches, inside the caller's transaction.

Order matters: trusts and schools, then calendars and year groups, classes, people, the links
between pupils and guardians, and last the enrolments, read back from the per-school bucket files
that checks.py wrote.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from schoolwindow.connectors.hashing import link_hash, row_hash
from schoolwindow.connectors.oneroster import spec
from schoolwindow.connectors.oneroster.plan import Plan, SchoolPlan
from schoolwindow.connectors.oneroster.sync import Key, RecordSync
from schoolwindow.connectors.progress import STAGE_SAVING, Progress
from schoolwindow.connectors.writing import (
    BATCH_SIZE,
    RowBuffer,
    delete_ids,
    insert_rows,
    update_rows,
)
from schoolwindow.people.models import (
    Channel,
    Enrolment,
    Guardian,
    GuardianLink,
    Pupil,
    PupilStatus,
    Relationship,
    Staff,
    StaffRole,
    TeachingAssignment,
)
from schoolwindow.schools.models import (
    AcademicYear,
    Group,
    GroupKind,
    Phase,
    School,
    Term,
    Trust,
    YearGroup,
)

PROGRESS_EVERY = 2000


class Saver:
    def __init__(self, plan: Plan, progress: Progress) -> None:
        self.plan = plan
        self.state = plan.state
        self.summary = plan.summary
        self.progress = progress
        self.now = timezone.now()
        self.trust_pks: dict[str, int] = {}
        self.term_pks: dict[Key, int] = {}
        self.school_by_pk: dict[int, SchoolPlan] = {}
        self.listed_pks: set[int] = set()
        self.pending = 0
        self.pupils: RecordSync[Pupil] | None = None
        self.staff: RecordSync[Staff] | None = None
        self.guardians: RecordSync[Guardian] | None = None
        self.gone_guardian_pks: set[int] = set()

    def tick(self, rows: int = 1) -> None:
        self.pending += rows
        if self.pending >= PROGRESS_EVERY:
            self.progress.advance(self.pending)
            self.pending = 0

    def save(self) -> None:
        manifest = self.plan.manifest
        self.progress.stage(STAGE_SAVING, "schools")
        self.save_trusts_and_schools()
        self.save_year_groups()
        if manifest.present(spec.SESSIONS):
            self.save_calendar()
        if manifest.present(spec.CLASSES):
            self.progress.stage(STAGE_SAVING, spec.CLASSES)
            self.save_groups()
        if manifest.present(spec.USERS):
            self.progress.stage(STAGE_SAVING, spec.USERS)
            self.save_people()
            self.save_links()
        self.save_demographics_of_unlisted_pupils()
        if manifest.present(spec.ENROLLMENTS):
            self.progress.stage(STAGE_SAVING, spec.ENROLLMENTS)
            self.save_enrolments()
        self.progress.advance(self.pending)

    # Trusts, schools, calendars -------------------------------------------------------------

    def save_trusts_and_schools(self) -> None:
        for key, new in self.plan.new_trusts.items():
            trust = Trust.objects.create(
                name=new.name[:200], slug=unique_trust_slug(new.name), source_id=new.source_id
            )
            self.trust_pks[key] = trust.pk
            self.summary.add("trusts", "created")
        for school in sorted(self.plan.schools.values(), key=lambda p: (p.line, p.sid)):
            trust_ref = school.trust_ref
            trust_pk = (
                self.trust_pks[trust_ref] if trust_ref.startswith("new:") else int(trust_ref[3:])
            )
            self.trust_pks[trust_ref] = trust_pk
            school.pk = self.save_school(school, trust_pk)
            self.school_by_pk[school.pk] = school
            if school.listed:
                self.listed_pks.add(school.pk)

    def save_school(self, school: SchoolPlan, trust_pk: int) -> int:
        existing = school.existing
        if existing is None:
            created = School.objects.create(
                trust_id=trust_pk,
                urn=school.urn,
                name=school.name[:200],
                phase=phase_from_years(self.plan.year_codes.get(school.sid, set())),
                source_id=school.sid,
            )
            self.summary.add("schools", "created")
            return created.pk
        wanted = {"source_id": school.sid}
        if school.listed:
            wanted |= {"name": school.name[:200], "urn": school.urn}
        self.update("schools", existing, wanted)
        return existing.pk

    def update(self, entity: str, record: models.Model, wanted: dict[str, Any]) -> None:
        """Give an existing record the wanted values, saving only the fields that change."""
        changed = [name for name, value in wanted.items() if getattr(record, name) != value]
        for name in changed:
            setattr(record, name, wanted[name])
        if changed:
            record.save(update_fields=changed)
        self.summary.add(entity, "updated" if changed else "unchanged")

    def save_year_groups(self) -> None:
        new = []
        for school_sid, codes in self.plan.year_codes.items():
            school_pk = self.plan.school_pk(school_sid)
            for code in sorted(codes):
                if (school_pk, code) not in self.state.year_groups:
                    name, ordinal = spec.year_name_and_ordinal(code)
                    new.append(
                        YearGroup(school_id=school_pk, code=code, name=name, ordinal=ordinal)
                    )
        YearGroup.objects.bulk_create(new)
        for year_group in new:
            self.state.year_groups[(year_group.school_id, year_group.code)] = year_group.pk
        self.summary.add("year_groups", "created", len(new))

    def save_calendar(self) -> None:
        """OneRoster sessions belong to no school: they apply to every school in orgs.csv.
        A set without orgs.csv only updates the years and terms a school already has."""
        sessions = self.plan.sessions
        years = [s for s in sessions.values() if s.kind == "schoolYear"]
        terms = [s for s in sessions.values() if s.kind in ("term", "semester")]
        for school in self.plan.schools.values():
            if not school.listed and not any((school.pk, s.sid) in self.state.years for s in years):
                continue
            year_pks: dict[str, int] = {}
            for session in years:
                year_pks[session.sid] = self.save_year(school.pk, session)
            for session in terms:
                self.term_pks[(school.pk, session.sid)] = self.save_term(
                    school.pk, session, year_pks[session.year_sid]
                )

    def save_year(self, school_pk: int, session: Any) -> int:
        year = (
            self.state.years.get((school_pk, session.sid))
            or AcademicYear.objects.filter(school_id=school_pk, name=session.title[:32]).first()
        )
        wanted = {
            "name": session.title[:32],
            "start": session.start,
            "end": session.end,
            "source_id": session.sid,
        }
        if year is None:
            year = AcademicYear.objects.create(school_id=school_pk, **wanted)
            self.summary.add("academic_years", "created")
            return year.pk
        self.update("academic_years", year, wanted)
        return year.pk

    def save_term(self, school_pk: int, session: Any, year_pk: int) -> int:
        name = session.title[:64]
        digest = row_hash((name, session.start, session.end, year_pk, session.sid))
        term = (
            self.state.terms.get((school_pk, session.sid))
            or Term.objects.filter(school_id=school_pk, academic_year_id=year_pk, name=name).first()
        )
        wanted = {
            "name": name,
            "start": session.start,
            "end": session.end,
            "academic_year_id": year_pk,
            "source_id": session.sid,
            "source_hash": digest,
        }
        if term is None:
            term = Term.objects.create(school_id=school_pk, **wanted)
            self.summary.add("terms", "created")
        elif term.source_hash != digest:
            Term.objects.filter(pk=term.pk).update(**wanted)
            self.summary.add("terms", "updated")
        else:
            self.summary.add("terms", "unchanged")
        return term.pk

    def term_pk(self, school_pk: int, session_sid: str) -> int | None:
        """The term a class runs in; a grading period counts as the term that holds it."""
        session = self.plan.sessions.get(session_sid)
        for _ in range(6):
            if session is None or session.kind in ("term", "semester"):
                break
            session = self.plan.sessions.get(session.parent)
        if session is not None and session.kind in ("term", "semester"):
            return self.term_pks.get((school_pk, session.sid))
        existing = self.state.terms.get((school_pk, session_sid))
        return existing.pk if existing else None

    # Classes -------------------------------------------------------------------------------

    def save_groups(self) -> None:
        table = self.plan.source.table(spec.CLASSES, any_case=True)
        sid_of, status_of = table.getter("sourcedId"), table.getter("status")
        title_of, type_of, code_of = (
            table.getter("title"),
            table.getter("classType"),
            table.getter("classCode"),
        )
        course_of, subjects_of = table.getter("courseSourcedId"), table.getter("subjects")
        terms_of, grades_of = table.getter("termSourcedIds"), table.getter("grades")
        groups = RecordSync(
            entity="groups",
            model=Group,
            scope_field="school",
            fields=["kind", "name", "code", "subject", "year_group", "term", "active"],
            existing=self.state.groups,
            summary=self.summary,
        )
        gone: list[Key] = []
        for _, row in table.rows():
            self.tick()
            sid = sid_of(row)
            school_sid = self.plan.class_school[sid]
            if not self.plan.in_scope(school_sid):
                continue
            school_pk = self.plan.school_pk(school_sid)
            if spec.is_gone(status_of(row)):
                if (school_pk, sid) in self.state.groups:
                    gone.append((school_pk, sid))
                continue
            course = self.plan.courses.get(course_of(row))
            subjects = spec.split_list(subjects_of(row))
            subject = (
                subjects[0] if subjects else (course.subject or course.title) if course else ""
            )
            terms = spec.split_list(terms_of(row))
            values = (
                spec.CLASS_TYPES.get(type_of(row), GroupKind.OTHER),
                title_of(row)[:120],
                code_of(row)[:64],
                subject[:120],
                self.year_group_pk(school_pk, grades_of(row)),
                self.term_pk(school_pk, terms[0]) if terms else None,
                True,
            )
            groups.offer((school_pk, sid), values)
        groups.flush()
        groups.retire(gone, "active", False)
        if self.plan.manifest.is_bulk(spec.CLASSES):
            groups.retire(groups.unseen(self.listed_pks), "active", False)

    def year_group_pk(self, school_pk: int, grades: str) -> int | None:
        for grade in spec.split_list(grades)[:1]:
            code = spec.year_code(grade)
            if code is not None:
                return self.state.year_groups.get((school_pk, code))
        return None

    # People --------------------------------------------------------------------------------

    def save_people(self) -> None:
        table = self.plan.source.table(spec.USERS, any_case=True)
        has = table.has
        with_demographics = self.plan.manifest.present(spec.DEMOGRAPHICS)
        pupil_fields = ["legal_first_name", "legal_last_name", "status"]
        pupil_fields += [f for f, columns in PUPIL_OPTIONAL_FIELDS if has(*columns)]
        if has("userIds", "identifier", "userMasterIdentifier"):
            pupil_fields.append("upn")
        if with_demographics:
            pupil_fields += ["date_of_birth", "gender"]
        self.pupils = pupils = RecordSync(
            entity="pupils",
            model=Pupil,
            scope_field="school",
            fields=pupil_fields,
            existing=self.state.pupils,
            summary=self.summary,
            adopt=self.adopt_pupil_by_upn,
            extra_on_write={"updated_at": self.now},
        )
        self.staff = staff = RecordSync(
            entity="staff",
            model=Staff,
            scope_field="school",
            fields=["first_name", "last_name", "email", "job_title", "active"],
            existing=self.state.staff,
            summary=self.summary,
            adopt=self.adopt_staff_by_email,
        )
        self.guardians = guardians = RecordSync(
            entity="guardians",
            model=Guardian,
            scope_field="trust",
            fields=["first_name", "last_name", "email", "phone"],
            existing=self.state.guardians,
            summary=self.summary,
            extra_on_write={"updated_at": self.now},
        )
        get = {column: table.getter(column, *aliases) for column, *aliases in USER_COLUMNS}
        staff_roles: dict[Key, str] = {}
        for _, row in table.rows():
            self.tick()
            sid = get["sourcedId"](row)
            ref = self.plan.users[sid]
            if ref.deleted:
                self.retire_user(sid)
                continue
            schools = [self.plan.schools[org] for org in ref.orgs if org in self.plan.schools]
            if ref.kind == spec.STUDENT:
                for school in schools:
                    pupils.offer(
                        (school.pk, sid), self.pupil_values(get, row, sid, pupil_fields, school.pk)
                    )
            elif ref.kind == spec.STAFF:
                values = (
                    get["givenName"](row),
                    get["familyName"](row),
                    get["email"](row),
                    spec.JOB_TITLES.get(ref.role, ref.role)[:120],
                    True,
                )
                for school in schools:
                    staff.offer((school.pk, sid), values)
                    staff_roles[(school.pk, sid)] = ref.role
            elif ref.kind == spec.GUARDIAN:
                values = (  # type: ignore[assignment]  # a guardian's four fields
                    get["givenName"](row),
                    get["familyName"](row),
                    get["email"](row),
                    get["phone"](row) or get["sms"](row),
                )
                for trust_ref in sorted(self.plan.guardian_trusts.get(sid, ())):
                    guardians.offer((self.trust_pks[trust_ref], sid), values)
        for sync in (pupils, staff, guardians):
            sync.flush()
        self.set_guardian_channels(guardians)
        self.add_staff_roles(staff, staff_roles)
        if self.plan.manifest.is_bulk(spec.USERS):
            pupils.retire(pupils.unseen(self.listed_pks), "status", PupilStatus.LEFT)
            staff.retire(staff.unseen(self.listed_pks), "active", False)

    def pupil_values(
        self, get: dict[str, Any], row: list[str], sid: str, fields: list[str], school_pk: int
    ) -> tuple[Any, ...]:
        given, family = get["givenName"](row), get["familyName"](row)
        born, sex = self.plan.demographics.get(sid, (None, ""))
        available = {
            "legal_first_name": given,
            "legal_last_name": family,
            "status": PupilStatus.ACTIVE,
            "preferred_first_name": (
                get["preferredGivenName"](row) if get["preferredGivenName"](row) != given else ""
            ),
            "preferred_last_name": (
                get["preferredFamilyName"](row) if get["preferredFamilyName"](row) != family else ""
            ),
            "email": get["email"](row),
            "upn": spec.upn_from(
                get["userIds"](row), get["identifier"](row), get["userMasterIdentifier"](row)
            ),
            "year_group": self.year_group_pk(school_pk, get["grades"](row)),
            "date_of_birth": born,
            "gender": sex,
        }
        return tuple(available[name] for name in fields)

    def retire_user(self, sid: str) -> None:
        """A user marked tobedeleted: a pupil has left, staff are inactive, guardian links go."""
        assert self.pupils and self.staff and self.guardians
        in_scope = self.school_by_pk
        self.pupils.retire(
            [(pk, sid) for pk in self.state.pupil_places.of(sid) if pk in in_scope],
            "status",
            PupilStatus.LEFT,
        )
        self.staff.retire(
            [(pk, sid) for pk in self.state.staff_places.of(sid) if pk in in_scope], "active", False
        )
        for trust_pk in self.state.guardian_places.of(sid):
            self.gone_guardian_pks.add(self.state.guardians[(trust_pk, sid)][0])

    def adopt_pupil_by_upn(self, key: Key, values: tuple[Any, ...]) -> int | None:
        assert self.pupils is not None
        if "upn" not in self.pupils.fields:
            return None
        upn = values[self.pupils.fields.index("upn")]
        return self.state.pupils_by_upn.pop((key[0], upn), None) if upn else None

    def adopt_staff_by_email(self, key: Key, values: tuple[Any, ...]) -> int | None:
        email = values[2]
        return self.state.staff_by_email.pop((key[0], email.lower()), None) if email else None

    def set_guardian_channels(self, guardians: RecordSync[Guardian]) -> None:
        """New guardians without email hear from school by text if they have a mobile, else by
        letter. (Only those left on the default: a parent's own choice is kept.)"""
        saved = [guardians.existing[key][0] for key in guardians.saved_keys]
        for start in range(0, len(saved), 900):
            without_email = Guardian.objects.filter(
                pk__in=saved[start : start + 900], preferred_channel=Channel.EMAIL, email=""
            )
            for pk, phone in without_email.values_list("pk", "phone"):
                channel = Channel.SMS if is_mobile(phone) else Channel.LETTER
                Guardian.objects.filter(pk=pk).update(preferred_channel=channel)

    def add_staff_roles(self, staff: RecordSync[Staff], roles: dict[Key, str]) -> None:
        new = []
        for key in staff.saved_keys:
            role = spec.STAFF_ROLES.get(roles.get(key, ""))
            pk = staff.existing[key][0]
            if role and (pk, role) not in self.state.staff_roles:
                self.state.staff_roles.add((pk, role))
                new.append(StaffRole(school_id=key[0], staff_id=pk, role=role))
        StaffRole.objects.bulk_create(new, batch_size=1000)
        self.summary.add("staff_roles", "created", len(new))

    def save_demographics_of_unlisted_pupils(self) -> None:
        """demographics.csv rows for pupils that users.csv (a delta) does not repeat."""
        for sid, (born, sex) in self.plan.demographics.items():
            if sid in self.plan.users:
                continue
            keys = [(pk, sid) for pk in self.state.pupil_places.of(sid) if pk in self.school_by_pk]
            ids = [self.state.pupils[key][0] for key in keys]
            changed = Pupil.objects.filter(pk__in=ids).exclude(date_of_birth=born, gender=sex)
            self.summary.add(
                "pupils",
                "updated",
                changed.update(date_of_birth=born, gender=sex, updated_at=self.now),
            )

    # Links between pupils and guardians ----------------------------------------------------

    def save_links(self) -> None:
        assert self.pupils and self.guardians
        existing: dict[tuple[int, int], tuple[int, str, int]] = {}
        for pk, pupil_id, guardian_id, source_id, school_id in (
            GuardianLink.objects.filter(school_id__in=list(self.school_by_pk))
            .values_list("pk", "pupil_id", "guardian_id", "source_id", "school_id")
            .iterator(chunk_size=10_000)
        ):
            existing[(pupil_id, guardian_id)] = (pk, source_id, school_id)
        seen: set[int] = set()
        priority: dict[int, int] = {}
        adopt: list[tuple[str, int]] = []
        inserts = RowBuffer(lambda rows: insert_rows(GuardianLink, LINK_FIELDS, rows))
        for student, guardian in self.plan.edges:
            relationship = spec.RELATIONSHIPS.get(self.user_role(guardian), Relationship.PARENT)
            for school_pk, pupil_pk in self.pupil_records(student):
                guardian_pk = self.guardian_record(school_pk, guardian)
                if guardian_pk is None or guardian_pk in self.gone_guardian_pks:
                    continue
                link = existing.get((pupil_pk, guardian_pk))
                if link is not None:
                    seen.add(link[0])
                    if not link[1]:
                        adopt.append((guardian, link[0]))
                    self.summary.add("guardian_links", "unchanged")
                    continue
                priority[pupil_pk] = priority.get(pupil_pk, 0) + 1
                inserts.add(
                    (
                        school_pk,
                        pupil_pk,
                        guardian_pk,
                        relationship,
                        True,
                        True,
                        priority[pupil_pk],
                        False,
                        "",
                        guardian,
                    )
                )
                self.summary.add("guardian_links", "created")
        inserts.flush()
        update_rows(GuardianLink, ["source_id"], adopt)
        self.remove_links(existing, seen)

    def remove_links(
        self, existing: dict[tuple[int, int], tuple[int, str, int]], seen: set[int]
    ) -> None:
        """Imported links of deleted guardians go; a bulk users.csv is the whole truth about links
        at the schools it lists. Links typed in by staff (no source id) are never touched."""
        bulk = self.plan.manifest.is_bulk(spec.USERS)
        gone = [
            pk
            for (_, guardian_pk), (pk, source_id, school_pk) in existing.items()
            if pk
            and source_id
            and pk not in seen
            and (guardian_pk in self.gone_guardian_pks or (bulk and school_pk in self.listed_pks))
        ]
        delete_ids(GuardianLink, gone)
        self.summary.add("guardian_links", "deleted", len(gone))

    def user_role(self, sid: str) -> str:
        ref = self.plan.users.get(sid)
        return ref.role if ref else ""

    def pupil_records(self, student: str) -> Iterator[tuple[int, int]]:
        ref = self.plan.users.get(student)
        if ref is not None:
            school_pks = [self.plan.schools[org].pk for org in ref.orgs if org in self.plan.schools]
        else:
            school_pks = [
                pk for pk in self.state.pupil_places.of(student) if pk in self.school_by_pk
            ]
        for school_pk in school_pks:
            record = self.state.pupils.get((school_pk, student))
            if record is not None:
                yield school_pk, record[0]

    def guardian_record(self, school_pk: int, guardian: str) -> int | None:
        trust_pk = self.trust_pks[self.school_by_pk[school_pk].trust_ref]
        record = self.state.guardians.get((trust_pk, guardian))
        return record[0] if record else None

    # Enrolments and teaching assignments ---------------------------------------------------

    def save_enrolments(self) -> None:
        bulk = self.plan.manifest.is_bulk(spec.ENROLLMENTS)
        for bucket in range(self.plan.buckets):
            if self.plan.bucket_rows[bucket] or bulk:
                schools = [p for p in self.plan.schools.values() if p.bucket == bucket]
                self.save_bucket(bucket, schools, bulk=bulk)

    def save_bucket(self, bucket: int, schools: list[SchoolPlan], *, bulk: bool) -> None:
        school_pks = [school.pk for school in schools]
        wanted_enrolments, wanted_teaching = self.read_bucket(bucket)
        self.sync_enrolments(school_pks, wanted_enrolments, bulk=bulk)
        self.sync_teaching(school_pks, wanted_teaching, bulk=bulk)

    def read_bucket(self, bucket: int) -> tuple[WantedEnrolments, WantedTeaching]:
        """What the file says about the bucket's schools, keyed by (group id, pupil or staff id)."""
        enrolments: WantedEnrolments = {}
        teaching: WantedTeaching = {}
        path = self.plan.spill_path(bucket)
        if not path.exists():
            return enrolments, teaching
        groups, pupils, staff = self.state.groups, self.state.pupils, self.state.staff
        with path.open(newline="", encoding="utf-8") as handle:
            for school_sid, sid, class_sid, user, kind, primary, deleted in csv.reader(handle):
                self.tick()
                school_pk = self.plan.schools[school_sid].pk
                group = groups.get((school_pk, class_sid))
                if group is None:
                    continue
                if kind == "s":
                    pupil = pupils.get((school_pk, user))
                    if pupil is None:
                        continue
                    key = (group[0], pupil[0])
                    earlier = enrolments.get(key)
                    # A pupil twice in one class (left, rejoined): on roll if either row says so.
                    active = not deleted or (earlier is not None and earlier[2])
                    enrolments[key] = (school_pk, earlier[1] if earlier else sid, active)
                else:
                    person = staff.get((school_pk, user))
                    if person is not None:
                        teaching[(group[0], person[0])] = (
                            school_pk,
                            sid,
                            bool(primary),
                            bool(deleted),
                        )
        return enrolments, teaching

    def sync_enrolments(
        self,
        school_pks: list[int],
        wanted: WantedEnrolments,
        *,
        bulk: bool,
    ) -> None:
        rows = (
            Enrolment.objects.filter(school_id__in=school_pks)
            .values_list(
                "pk", "group_id", "pupil_id", "source_hash", "active", "source_id", "school_id"
            )
            .iterator(chunk_size=10_000)
        )
        existing: dict[tuple[int, int], tuple[int, str, bool, str, int]] = {
            (group_id, pupil_id): (pk, digest, active, source_id, school_id)
            for pk, group_id, pupil_id, digest, active, source_id, school_id in rows
        }
        inserts = RowBuffer(lambda rows: insert_rows(Enrolment, ENROLMENT_FIELDS, rows))
        updates = RowBuffer(
            lambda rows: update_rows(Enrolment, ["active", "source_id", "source_hash"], rows)
        )
        for key, (school_pk, sid, active) in wanted.items():
            digest = link_hash(active, sid)
            current = existing.pop(key, None)
            if current is None:
                inserts.add((school_pk, key[0], key[1], active, sid, digest))
                self.summary.add("enrolments", "created")
            elif current[1] == digest:
                self.summary.add("enrolments", "unchanged")
            else:
                updates.add((active, sid, digest, current[0]))
                self.summary.add(
                    "enrolments", "deleted" if current[2] and not active else "updated"
                )
        inserts.flush()
        if bulk:
            # Imported enrolments the bulk file no longer lists have ended.
            for pk, _, active, source_id, school_pk in existing.values():
                if active and source_id and school_pk in self.listed_pks:
                    updates.add((False, source_id, "", pk))
                    self.summary.add("enrolments", "deleted")
        updates.flush()

    def sync_teaching(
        self,
        school_pks: list[int],
        wanted: WantedTeaching,
        *,
        bulk: bool,
    ) -> None:
        rows = TeachingAssignment.objects.filter(school_id__in=school_pks).values_list(
            "pk", "group_id", "staff_id", "source_hash", "source_id", "school_id"
        )
        existing: dict[tuple[int, int], tuple[int, str, str, int]] = {
            (group_id, staff_id): (pk, digest, source_id, school_id)
            for pk, group_id, staff_id, digest, source_id, school_id in rows
        }
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        gone: list[int] = []
        for key, (school_pk, sid, primary, deleted) in wanted.items():
            digest = link_hash(primary, sid)
            current = existing.pop(key, None)
            if deleted:
                if current is not None:
                    gone.append(current[0])
            elif current is None:
                inserts.append((school_pk, key[0], key[1], primary, sid, digest))
                self.summary.add("teaching_assignments", "created")
            elif current[1] == digest:
                self.summary.add("teaching_assignments", "unchanged")
            else:
                updates.append((primary, sid, digest, current[0]))
                self.summary.add("teaching_assignments", "updated")
        if bulk:
            gone += [
                pk
                for pk, _, source_id, school_pk in existing.values()
                if source_id and school_pk in self.listed_pks
            ]
        for start in range(0, len(inserts), BATCH_SIZE):
            insert_rows(TeachingAssignment, TEACHING_FIELDS, inserts[start : start + BATCH_SIZE])
        update_rows(TeachingAssignment, ["primary", "source_id", "source_hash"], updates)
        delete_ids(TeachingAssignment, gone)
        self.summary.add("teaching_assignments", "deleted", len(gone))


# (group id, pupil id) → (school id, sourcedId, active)
WantedEnrolments = dict[tuple[int, int], tuple[int, str, bool]]
# (group id, staff id) → (school id, sourcedId, primary, deleted)
WantedTeaching = dict[tuple[int, int], tuple[int, str, bool, bool]]

# Each column read from users.csv, with the other names it goes by.
USER_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("sourcedId",),
    ("givenName",),
    ("familyName",),
    spec.PREFERRED_GIVEN,
    spec.PREFERRED_FAMILY,
    ("email",),
    ("phone",),
    ("sms",),
    ("userIds",),
    ("identifier",),
    ("userMasterIdentifier",),
    ("grades",),
)
# Pupil fields written only when the file has the column they come from, so that a file without
# (say) preferred names never wipes the ones the school typed in.
PUPIL_OPTIONAL_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("preferred_first_name", spec.PREFERRED_GIVEN),
    ("preferred_last_name", spec.PREFERRED_FAMILY),
    ("email", ("email",)),
    ("year_group", ("grades",)),
)
LINK_FIELDS = (
    "school",
    "pupil",
    "guardian",
    "relationship",
    "parental_responsibility",
    "lives_with_pupil",
    "contact_priority",
    "contact_restricted",
    "restriction_reason",
    "source_id",
)
ENROLMENT_FIELDS = ("school", "group", "pupil", "active", "source_id", "source_hash")
TEACHING_FIELDS = ("school", "group", "staff", "primary", "source_id", "source_hash")


def is_mobile(phone: str) -> bool:
    """A UK mobile number (07…, +44 7…): one that can receive a text message."""
    digits = re.sub(r"[^\d+]", "", phone)
    return digits.startswith(("07", "+447", "00447"))


def unique_trust_slug(name: str) -> str:
    base = slugify(name)[:70] or "trust"
    slug, n = base, 1
    while Trust.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def phase_from_years(codes: set[str]) -> str:
    numbers = {0 if code in ("N", "R") else int(code) for code in codes}
    if not numbers:
        return Phase.SECONDARY
    if max(numbers) <= 6:
        return Phase.PRIMARY
    if min(numbers) >= 7:
        return Phase.SECONDARY
    return Phase.ALL_THROUGH
