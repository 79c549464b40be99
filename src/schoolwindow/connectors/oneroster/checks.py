"""The first pass over a OneRoster set: check every row before anything is written.

Each check streams one file, raises RowProblem (file, line, field) at the first bad value and
records only what the saving pass needs in the Plan. Enrolments, by far the largest file, are
copied to per-school bucket files as they are checked, so saving them never needs the whole
file in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Callable, Collection, Iterator

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from schoolwindow.connectors.csvio import CsvTable, Getter
from schoolwindow.connectors.errors import FileProblem, RowProblem
from schoolwindow.connectors.hashing import RepeatFinder
from schoolwindow.connectors.oneroster import spec
from schoolwindow.connectors.oneroster.plan import (
    Course,
    NewTrust,
    Org,
    Plan,
    SchoolPlan,
    Session,
    UserRef,
)
from schoolwindow.connectors.oneroster.state import load_records
from schoolwindow.connectors.progress import STAGE_CHECKING, Progress

PROGRESS_EVERY = 2000
ROLES_NEEDED = "is missing: in OneRoster 1.2 it says which school each user in users.csv is at"
MAX_BUCKETS = 64
NAME_LENGTH = 100
EMAIL_LENGTH = 254
PHONE_LENGTH = 32
URN_LENGTH = 16
SID_LENGTH = 128


class Checker:
    """The checks every OneRoster table shares; each raises RowProblem naming line and column."""

    def __init__(self, plan: Plan, name: str, progress: Progress) -> None:
        self.plan = plan
        self.table: CsvTable = plan.source.table(name, any_case=True)
        self.table.require(*spec.REQUIRED_COLUMNS.get(name, ()))
        self.progress = progress
        self.pending = 0
        self.status_of = self.table.getter("status")
        self.modified_of = self.table.getter("dateLastModified")
        self.sid_of = self.table.getter("sourcedId")
        progress.stage(STAGE_CHECKING, name)

    def tick(self) -> None:
        self.plan.summary.rows_read += 1
        self.pending += 1
        if self.pending >= PROGRESS_EVERY:
            self.progress.advance(self.pending)
            self.pending = 0

    def done(self) -> None:
        self.progress.advance(self.pending)
        self.pending = 0

    def fail(self, line: int, column: str, message: str) -> RowProblem:
        return self.table.problem(line, column, message)

    def sourced_id(self, line: int, row: list[str]) -> str:
        sid = self.sid_of(row)
        if not sid:
            raise self.fail(line, "sourcedId", "is required")
        if len(sid) > SID_LENGTH:
            raise self.fail(line, "sourcedId", f"is longer than {SID_LENGTH} characters")
        return sys.intern(sid)

    def deleted(self, line: int, row: list[str]) -> bool:
        status = self.status_of(row).lower()
        if status not in spec.STATUSES:
            raise self.fail(line, "status", f"'{status}' must be active or tobedeleted")
        modified = self.modified_of(row)
        if modified:
            try:
                spec.check_datetime(modified)
            except ValueError as exc:
                raise self.fail(line, "dateLastModified", str(exc)) from None
        return status in spec.GONE_STATUSES

    def required(self, line: int, column: str, value: str, *, max_length: int = 0) -> str:
        if not value:
            raise self.fail(line, column, "is required")
        return self.limited(line, column, value, max_length)

    def limited(self, line: int, column: str, value: str, max_length: int) -> str:
        if max_length and len(value) > max_length:
            raise self.fail(line, column, f"is longer than {max_length} characters")
        return value

    def one_of(self, line: int, column: str, value: str, allowed: Collection[str]) -> str:
        if value in allowed or value.startswith("ext:"):
            return value
        raise self.fail(
            line, column, f"'{value}' is not one of: {', '.join(a for a in allowed if a)}"
        )

    def date(self, line: int, column: str, value: str) -> dt.date:
        try:
            return spec.parse_date(value)
        except ValueError as exc:
            raise self.fail(line, column, str(exc)) from None

    def optional_dates(
        self, line: int, row: list[str], columns: tuple[tuple[str, Getter], ...]
    ) -> None:
        for column, value_of in columns:
            value = value_of(row)
            if value:
                self.date(line, column, value)

    def boolean(self, line: int, column: str, value: str) -> bool:
        try:
            return spec.parse_bool(value)
        except ValueError as exc:
            raise self.fail(line, column, str(exc)) from None

    def email(self, line: int, column: str, value: str) -> str:
        if not value:
            return ""
        self.limited(line, column, value, EMAIL_LENGTH)
        try:
            validate_email(value)
        except ValidationError:
            raise self.fail(line, column, f"'{value}' is not an email address") from None
        return value

    def records(self) -> Iterator[tuple[int, list[str], str]]:
        """Each row with its line and sourcedId: counted, and the sourcedId checked and unique in
        the file."""
        seen: dict[str, int] = {}
        for line, row in self.table.rows():
            self.tick()
            sid = self.sourced_id(line, row)
            self.unique(seen, line, sid)
            yield line, row, sid

    def unique(self, seen: dict[str, int], line: int, sid: str) -> None:
        first = seen.get(sid)
        if first is not None:
            raise self.fail(
                line, "sourcedId", f"'{sid}' appears twice in this file (first on line {first})"
            )
        seen[sid] = line


def check_orgs(plan: Plan, progress: Progress) -> None:
    check = Checker(plan, spec.ORGS, progress)
    table = check.table
    name_of, type_of = table.getter("name"), table.getter("type")
    identifier_of, parent_of = table.getter("identifier"), table.getter("parentSourcedId")
    for line, row, sid in check.records():
        deleted = check.deleted(line, row)
        kind = (
            check.one_of(line, "type", type_of(row), spec.ORG_TYPES)
            if not deleted
            else type_of(row)
        )
        name = check.required(line, "name", name_of(row), max_length=200) if not deleted else ""
        # Optional in the specification: when empty, choose_schools finds the URN elsewhere.
        identifier = check.limited(line, "identifier", identifier_of(row), URN_LENGTH)
        # A parent need not be in the file (a district the export leaves out): see trust_ref_for.
        plan.orgs[sid] = Org(sid, kind, name, identifier, parent_of(row), line, deleted)
    check.done()


def choose_schools(plan: Plan, school_urn: str | None) -> None:
    """The schools this import writes to: those in orgs.csv (and, for delta sets, ours)."""
    state = plan.state
    resolve_urns(plan, school_urn)
    candidates: dict[str, SchoolPlan] = {}
    for org in plan.orgs.values():
        if org.kind != "school" or org.deleted:
            continue
        existing = state.schools_by_urn.get(org.identifier) or state.schools_by_sid.get(org.sid)
        if existing is not None and existing.urn != org.identifier:
            holder = state.schools_by_urn.get(org.identifier)
            if holder is not None:
                message = f"URN {org.identifier} belongs to another school, {holder.name}"
                raise RowProblem(spec.ORGS, org.line, "identifier", message)
        candidates[org.sid] = SchoolPlan(
            org.sid, org.identifier, org.name, org.line, existing, "", 0, listed=True
        )
    if not plan.manifest.is_bulk(spec.ORGS):
        for sid, school in state.schools_by_sid.items():
            if sid not in candidates:
                candidates[sid] = SchoolPlan(sid, school.urn, school.name, 0, school, "", 0, False)
    if school_urn:
        found = {p.urn for p in candidates.values() if p.urn}
        candidates = {sid: p for sid, p in candidates.items() if p.urn == school_urn}
        if not candidates:
            listed = f" (it has {', '.join(sorted(found))})" if found else ""
            raise FileProblem(spec.ORGS, f"has no school with URN {school_urn}{listed}")
    if not candidates:
        raise FileProblem(spec.ORGS, "names no school (an org whose type is 'school')")
    sibling_trusts = trusts_of_known_siblings(plan)
    plan.buckets = min(MAX_BUCKETS, len(candidates))
    plan.bucket_rows = [0] * plan.buckets
    for number, planned in enumerate(sorted(candidates.values(), key=lambda p: p.sid)):
        planned.trust_ref = trust_ref_for(plan, planned, sibling_trusts)
        planned.bucket = number % plan.buckets
    plan.schools = candidates
    school_ids = [p.existing.pk for p in candidates.values() if p.existing is not None]
    trust_ids = [
        int(ref[3:]) for ref in {p.trust_ref for p in candidates.values()} if ref.startswith("pk:")
    ]
    load_records(state, school_ids, trust_ids)


def resolve_urns(plan: Plan, school_urn: str | None) -> None:
    """Give each school whose `identifier` is empty its URN: the one we hold for its sourcedId
    (imported before), else the one the person importing gave (--school, or the school chosen
    on the import page). Without either the school cannot be imported, and the error says how
    to give it."""
    unresolved = []
    for org in plan.orgs.values():
        if org.kind != "school" or org.deleted or org.identifier:
            continue
        known = plan.state.schools_by_sid.get(org.sid)
        if known is not None:
            org.identifier = known.urn
        else:
            unresolved.append(org)
    if not unresolved:
        return
    if not school_urn:
        first = unresolved[0]
        raise RowProblem(
            spec.ORGS,
            first.line,
            "identifier",
            f"the URN (DfE number) of {first.name} is not in the file: give it with "
            "--school URN on the command line (or choose the school on the import page), "
            "or have the export fill in 'identifier' with each school's URN",
        )
    if any(org.kind == "school" and org.identifier == school_urn for org in plan.orgs.values()):
        return  # the chosen school is in the file; the others are not being imported
    school_without_urn(plan, unresolved, school_urn).identifier = school_urn


def school_without_urn(plan: Plan, unresolved: list[Org], school_urn: str) -> Org:
    """Which of the schools without a URN is the chosen one: the only one, or the one named
    like the school we already have with that URN."""
    if len(unresolved) == 1:
        return unresolved[0]
    ours = plan.state.schools_by_urn.get(school_urn)
    if ours is not None:
        named = [org for org in unresolved if same_name(org.name, ours.name)]
        if len(named) == 1:
            return named[0]
    lines = ", ".join(str(org.line) for org in unresolved)
    raise RowProblem(
        spec.ORGS,
        unresolved[0].line,
        "identifier",
        f"{len(unresolved)} schools have no URN (lines {lines}), so which one is URN "
        f"{school_urn} cannot be told: have the export fill in 'identifier' with each "
        "school's URN (DfE number)",
    )


def same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def trusts_of_known_siblings(plan: Plan) -> dict[str, int]:
    """district sourcedId → the trust of a school under it that we already have."""
    found: dict[str, int] = {}
    for org in plan.orgs.values():
        if org.kind == "school" and org.parent:
            existing = plan.state.schools_by_urn.get(
                org.identifier
            ) or plan.state.schools_by_sid.get(org.sid)
            if existing is not None:
                found.setdefault(org.parent, existing.trust_id)
    return found


def trust_ref_for(plan: Plan, school: SchoolPlan, sibling_trusts: dict[str, int]) -> str:
    if school.existing is not None:
        return f"pk:{school.existing.trust_id}"
    org = plan.orgs.get(school.sid)
    parent = org.parent if org else ""
    parent_org = plan.orgs.get(parent)
    if parent and (parent_org is None or parent_org.kind in ("district", "local")):
        trust = plan.state.trusts_by_sid.get(parent)
        if trust is not None:
            return f"pk:{trust.pk}"
        if parent in sibling_trusts:
            return f"pk:{sibling_trusts[parent]}"
        key = f"new:{parent}"
        if key not in plan.new_trusts:
            if parent_org is None:
                # Keyed by the parent's sourcedId all the same, so that its other schools, in
                # this set or a later one, join this trust.
                plan.summary.note(
                    f"orgs.csv does not list '{parent}', the parent of {school.name}: "
                    "its trust is named after the school (you can rename it)"
                )
            plan.new_trusts[key] = NewTrust(parent_org.name if parent_org else school.name, parent)
        return key
    plan.new_trusts[f"new:school:{school.sid}"] = NewTrust(school.name, "")
    return f"new:school:{school.sid}"


def check_sessions(plan: Plan, progress: Progress) -> None:
    check = Checker(plan, spec.SESSIONS, progress)
    table = check.table
    title_of, type_of = table.getter("title"), table.getter("type")
    start_of, end_of, parent_of = (
        table.getter("startDate"),
        table.getter("endDate"),
        table.getter("parentSourcedId"),
    )
    for line, row, sid in check.records():
        if check.deleted(line, row):
            continue
        kind = check.one_of(line, "type", type_of(row), spec.SESSION_TYPES)
        title = check.required(line, "title", title_of(row))
        start = check.date(line, "startDate", start_of(row))
        end = check.date(line, "endDate", end_of(row))
        if end < start:
            raise check.fail(line, "endDate", "is before startDate")
        plan.sessions[sid] = Session(sid, kind, title, start, end, parent_of(row), line)
    check.done()
    link_terms_to_years(plan, check)


def link_terms_to_years(plan: Plan, check: Checker) -> None:
    years = [s for s in plan.sessions.values() if s.kind == "schoolYear"]
    year_titles: dict[str, int] = {}
    for year in years:
        title = year.title[:32]
        if title in year_titles:
            raise check.fail(
                year.line,
                "title",
                f"another school year has this title (line {year_titles[title]})",
            )
        year_titles[title] = year.line
    term_names: dict[tuple[str, str], int] = {}
    for session in plan.sessions.values():
        if (
            session.parent
            and session.parent not in plan.sessions
            and plan.manifest.is_bulk(spec.SESSIONS)
        ):
            raise check.fail(session.line, "parentSourcedId", f"unknown session '{session.parent}'")
        if session.kind not in ("term", "semester"):
            continue
        session.year_sid = year_of(plan, session) or next(
            (y.sid for y in years if y.start <= session.start <= y.end), ""
        )
        if not session.year_sid:
            raise check.fail(
                session.line,
                "parentSourcedId",
                "no school year (a session of type schoolYear) holds this term",
            )
        key = (session.year_sid, session.title[:64])
        if key in term_names:
            raise check.fail(
                session.line,
                "title",
                f"another term of this school year has this title (line {term_names[key]})",
            )
        term_names[key] = session.line


def year_of(plan: Plan, session: Session) -> str:
    current = session
    for _ in range(6):
        parent = plan.sessions.get(current.parent)
        if parent is None:
            return ""
        if parent.kind == "schoolYear":
            return parent.sid
        current = parent
    return ""


def check_courses(plan: Plan, progress: Progress) -> None:
    check = Checker(plan, spec.COURSES, progress)
    title_of, subjects_of = check.table.getter("title"), check.table.getter("subjects")
    for line, row, sid in check.records():
        if check.deleted(line, row):
            continue
        title = check.required(line, "title", title_of(row))
        subjects = spec.split_list(subjects_of(row))
        plan.courses[sid] = Course(title[:120], subjects[0][:120] if subjects else "")
    check.done()


def check_classes(plan: Plan, progress: Progress) -> None:
    check = Checker(plan, spec.CLASSES, progress)
    table = check.table
    title_of, type_of = table.getter("title"), table.getter("classType")
    school_of, course_of = table.getter("schoolSourcedId"), table.getter("courseSourcedId")
    terms_of, grades_of = table.getter("termSourcedIds"), table.getter("grades")
    for line, row, sid in check.records():
        deleted = check.deleted(line, row)
        school = sys.intern(check.required(line, "schoolSourcedId", school_of(row)))
        if not plan.known_school(school):
            raise check.fail(line, "schoolSourcedId", f"unknown school '{school}'")
        plan.class_school[sid] = school
        in_scope = plan.in_scope(school)
        if not in_scope:
            plan.summary.rows_skipped += 1
        if deleted:
            continue
        check.required(line, "title", title_of(row))
        check.one_of(line, "classType", type_of(row), spec.CLASS_TYPES)
        course = course_of(row)
        if course and course not in plan.courses and plan.manifest.is_bulk(spec.COURSES):
            raise check.fail(line, "courseSourcedId", f"unknown course '{course}'")
        for term in spec.split_list(terms_of(row)):
            if term not in plan.sessions and not known_term(plan, school, term):
                raise check.fail(line, "termSourcedIds", f"unknown academic session '{term}'")
        if in_scope:
            note_year_codes(plan, school, grades_of(row))
    check.done()


def known_term(plan: Plan, school: str, term: str) -> bool:
    """A term saved by an earlier import (a delta set need not repeat academicSessions.csv)."""
    if school not in plan.schools:
        return not plan.manifest.is_bulk(spec.SESSIONS)
    existing = plan.schools[school].existing
    return existing is not None and (existing.pk, term) in plan.state.terms


def note_year_codes(plan: Plan, school: str, grades: str) -> None:
    for grade in spec.split_list(grades)[:1]:
        code = spec.year_code(grade)
        if code is None:
            plan.summary.note(
                f"grade '{grade}' is not a year group we know; left without a year group"
            )
        else:
            plan.year_codes.setdefault(school, set()).add(code)


def check_roles(plan: Plan, progress: Progress) -> None:
    """OneRoster 1.2: each user's roles, each at one org."""
    check = Checker(plan, spec.ROLES, progress)
    table = check.table
    user_of, role_of = table.getter("userSourcedId"), table.getter("role")
    type_of, org_of = table.getter("roleType"), table.getter("orgSourcedId")
    begin_of, end_of = table.getter("beginDate"), table.getter("endDate")
    for line, row, _sid in check.records():
        if check.deleted(line, row):
            continue
        user = sys.intern(check.required(line, "userSourcedId", user_of(row)))
        role = check.one_of(
            line, "role", check.required(line, "role", role_of(row)), spec.USER_ROLES
        )
        role_type = check.one_of(line, "roleType", type_of(row).lower(), ("", *spec.ROLE_TYPES))
        org = sys.intern(check.required(line, "orgSourcedId", org_of(row)))
        check.optional_dates(line, row, (("beginDate", begin_of), ("endDate", end_of)))
        plan.roles.setdefault(user, []).append((role, role_type, org))
    check.done()


class UserChecker(Checker):
    def __init__(self, plan: Plan, progress: Progress) -> None:
        super().__init__(plan, spec.USERS, progress)
        table = self.table
        self.has_own_roles = table.has("role") and table.has("orgSourcedIds")
        if plan.manifest.version == "1.2" and not plan.manifest.present(spec.ROLES):
            if not self.has_own_roles:
                raise FileProblem(spec.ROLES, ROLES_NEEDED)
        elif plan.manifest.version != "1.2":
            table.require(*spec.USERS_11_COLUMNS)
        self.role_of = table.getter("role")
        self.orgs_of = table.getter("orgSourcedIds")
        self.primary_org_of = table.getter("primaryOrgSourcedId")
        self.orgs_cache: dict[tuple[str, ...], tuple[str, ...]] = {}

    def role_and_orgs(self, line: int, row: list[str], sid: str) -> tuple[str, tuple[str, ...]]:
        entries = self.plan.roles.pop(sid, None)
        if entries:
            primary = next((e for e in entries if e[1] == "primary"), entries[0])
            role = primary[0]
            orgs = [
                org for r, _, org in entries if spec.USER_ROLES.get(r) == spec.USER_ROLES.get(role)
            ]
        elif self.has_own_roles:
            role = self.required(line, "role", self.role_of(row))
            orgs = spec.split_list(self.orgs_of(row))
            if not orgs and spec.USER_ROLES.get(role) != spec.GUARDIAN:
                # Parents are placed by their children; anyone else would be nowhere.
                raise self.fail(line, "orgSourcedIds", "is required")
        else:
            raise self.fail(line, "sourcedId", f"user '{sid}' has no row in roles.csv")
        self.one_of(line, "role", role, spec.USER_ROLES)
        # A person with two roles at one school (teacher and counselor) is one person there.
        orgs = [org for org in dict.fromkeys(orgs) if self.known_org(org)]
        primary_org = self.primary_org_of(row)
        if primary_org and primary_org in orgs:
            orgs.remove(primary_org)
            orgs.insert(0, primary_org)
        key = tuple(sys.intern(org) for org in orgs)
        return sys.intern(role), self.orgs_cache.setdefault(key, key)

    def known_org(self, org: str) -> bool:
        """An org that is neither in the set nor ours (say the local authority, which exports
        often leave out of orgs.csv) holds nobody we import: it is left out, and said."""
        if self.plan.known_org(org):
            return True
        self.plan.summary.note(
            f"users are placed at org '{org}', which is not in orgs.csv (nor imported before): "
            "nobody was imported there"
        )
        return False


def check_users(plan: Plan, progress: Progress) -> None:
    check = UserChecker(plan, progress)
    table = check.table
    given_of, family_of = table.getter("givenName"), table.getter("familyName")
    email_of, phone_of, sms_of = table.getter("email"), table.getter("phone"), table.getter("sms")
    agents_of, grades_of = table.getter("agentSourcedIds"), table.getter("grades")
    ids_of, identifier_of = table.getter("userIds"), table.getter("identifier")
    preferred_given_of, preferred_family_of = (
        table.getter(*spec.PREFERRED_GIVEN),
        table.getter(*spec.PREFERRED_FAMILY),
    )
    master_of = table.getter("userMasterIdentifier")
    upns: dict[tuple[str, str], int] = {}
    users = plan.users
    for line, row in table.rows():
        check.tick()
        sid = check.sourced_id(line, row)
        if sid in users:
            raise check.fail(line, "sourcedId", f"'{sid}' appears twice in this file")
        if check.deleted(line, row):
            users[sid] = UserRef("", "", (), True)
            continue
        role, orgs = check.role_and_orgs(line, row, sid)
        kind = spec.USER_ROLES.get(role, "")
        check.required(line, "givenName", given_of(row), max_length=NAME_LENGTH)
        check.required(line, "familyName", family_of(row), max_length=NAME_LENGTH)
        check.limited(line, "preferredGivenName", preferred_given_of(row), NAME_LENGTH)
        check.limited(line, "preferredFamilyName", preferred_family_of(row), NAME_LENGTH)
        check.email(line, "email", email_of(row))
        check.limited(line, "phone", phone_of(row), PHONE_LENGTH)
        check.limited(line, "sms", sms_of(row), PHONE_LENGTH)
        users[sid] = UserRef(kind, role, orgs, False)
        schools = [org for org in orgs if plan.in_scope(org)]
        if kind == spec.STUDENT:
            upn = spec.upn_from(ids_of(row), identifier_of(row), master_of(row))
            for school in schools:
                check_upn_unique(check, upns, line, school, upn)
                note_year_codes(plan, school, grades_of(row))
            for agent in spec.split_list(agents_of(row)):
                plan.edges.setdefault((sid, sys.intern(agent)), line)
        elif kind == spec.GUARDIAN:
            for agent in spec.split_list(agents_of(row)):
                plan.edges.setdefault((sys.intern(agent), sid), line)
        if not schools and kind != spec.GUARDIAN:
            plan.summary.rows_skipped += 1
    check.done()
    plan.roles.clear()
    check_links(plan, check)
    place_guardians(plan)


def check_upn_unique(
    check: Checker, upns: dict[tuple[str, str], int], line: int, school: str, upn: str
) -> None:
    if not upn:
        return
    first = upns.setdefault((school, upn), line)
    if first != line:
        raise check.fail(line, "userIds", f"UPN {upn} is also given to the pupil on line {first}")


def check_links(plan: Plan, check: Checker) -> None:
    """Every agent must be a user we know; links that are not pupil↔guardian are dropped."""
    state = plan.state
    dropped = []
    for (student, guardian), line in plan.edges.items():
        for sid in (student, guardian):
            if sid not in plan.users and not (
                sid in state.pupil_places
                or sid in state.guardian_places
                or sid in state.staff_places
            ):
                raise check.fail(line, "agentSourcedIds", f"unknown user '{sid}'")
        pupil_ref, guardian_ref = plan.users.get(student), plan.users.get(guardian)
        is_pupil = pupil_ref.kind == spec.STUDENT if pupil_ref else student in state.pupil_places
        is_guardian = (
            guardian_ref.kind == spec.GUARDIAN
            if guardian_ref
            else guardian in state.guardian_places
        )
        if not (is_pupil and is_guardian):
            dropped.append((student, guardian))
    for edge in dropped:
        del plan.edges[edge]


def place_guardians(plan: Plan) -> None:
    """A guardian belongs to the trust of each school where they have a child (or an org)."""
    trust_of_school_pk = {p.existing.pk: p.trust_ref for p in plan.schools.values() if p.existing}
    placed = plan.guardian_trusts
    # Nearly every guardian has the same one trust: share the frozensets instead of copying.
    shared: dict[frozenset[str], frozenset[str]] = {}

    def place(guardian: str, trusts: set[str]) -> None:
        merged = frozenset(trusts | placed.get(guardian, frozenset()))
        placed[guardian] = shared.setdefault(merged, merged)

    for student, guardian in plan.edges:
        ref = plan.users.get(student)
        if ref is not None:
            trusts = {plan.schools[org].trust_ref for org in ref.orgs if org in plan.schools}
        else:
            places = plan.state.pupil_places.of(student)
            trusts = {trust_of_school_pk[pk] for pk in places if pk in trust_of_school_pk}
        if trusts:
            place(guardian, trusts)
    for sid, ref in plan.users.items():
        if ref.kind == spec.GUARDIAN and not ref.deleted:
            trusts = {plan.schools[org].trust_ref for org in ref.orgs if org in plan.schools}
            if trusts:
                place(sid, trusts)
            if sid not in placed:
                plan.summary.rows_skipped += 1


def check_demographics(plan: Plan, progress: Progress) -> None:
    check = Checker(plan, spec.DEMOGRAPHICS, progress)
    birth_of, sex_of = check.table.getter("birthDate"), check.table.getter("sex")
    state = plan.state
    for line, row, sid in check.records():
        if check.deleted(line, row):
            continue
        ref = plan.users.get(sid)
        if ref is None and sid not in state.pupil_places and sid not in state.staff_places:
            raise check.fail(line, "sourcedId", f"unknown user '{sid}'")
        birth = birth_of(row)
        born = check.date(line, "birthDate", birth) if birth else None
        sex = check.one_of(line, "sex", sex_of(row).lower(), spec.SEXES)
        if (ref is not None and ref.kind == spec.STUDENT) or (
            ref is None and sid in state.pupil_places
        ):
            plan.demographics[sid] = (born, sex[:16])
    check.done()


def check_enrollments(plan: Plan, progress: Progress) -> None:
    check = Checker(plan, spec.ENROLLMENTS, progress)
    table = check.table
    class_of, school_of = table.getter("classSourcedId"), table.getter("schoolSourcedId")
    user_of, role_of, primary_of = (
        table.getter("userSourcedId"),
        table.getter("role"),
        table.getter("primary"),
    )
    begin_of, end_of = table.getter("beginDate"), table.getter("endDate")
    repeats = RepeatFinder()
    spills = BucketSpills(plan)
    try:
        for line, row in table.rows():
            check.tick()
            sid = check.sourced_id(line, row)
            repeats.add(sid)
            deleted = check.deleted(line, row)
            school = check.required(line, "schoolSourcedId", school_of(row))
            class_sid = check.required(line, "classSourcedId", class_of(row))
            user = check.required(line, "userSourcedId", user_of(row))
            role = check.one_of(
                line, "role", check.required(line, "role", role_of(row)), spec.ENROLLMENT_ROLES
            )
            primary = check.boolean(line, "primary", primary_of(row))
            check.optional_dates(line, row, (("beginDate", begin_of), ("endDate", end_of)))
            check_enrolment_refs(plan, check, line, school, class_sid, user, role)
            if not plan.in_scope(school):
                plan.summary.rows_skipped += 1
            elif role in ("student", "teacher"):
                spills.write(
                    school,
                    (sid, class_sid, user, role[0], "1" if primary else "", "1" if deleted else ""),
                )
    finally:
        spills.close()
    check.done()
    suspects = repeats.suspects()
    if suspects:
        confirm_repeats(check, suspects)


def check_enrolment_refs(
    plan: Plan, check: Checker, line: int, school: str, class_sid: str, user: str, role: str
) -> None:
    if not plan.known_school(school):
        raise check.fail(line, "schoolSourcedId", f"unknown school '{school}'")
    class_school = plan.class_school.get(class_sid)
    existing_school = plan.schools[school].existing if school in plan.schools else None
    if class_school is None:
        in_database = (
            existing_school is not None and (existing_school.pk, class_sid) in plan.state.groups
        )
        if not in_database and plan.in_scope(school):
            raise check.fail(line, "classSourcedId", f"unknown class '{class_sid}'")
    elif class_school != school:
        raise check.fail(
            line, "schoolSourcedId", f"class '{class_sid}' belongs to school '{class_school}'"
        )
    ref = plan.users.get(user)
    wanted = {"student": spec.STUDENT, "teacher": spec.STAFF}.get(role)
    if ref is not None:
        if ref.deleted:
            return
        if wanted and ref.kind != wanted:
            raise check.fail(line, "role", f"user '{user}' is a {ref.role}, not a {role}")
        if wanted and school not in ref.orgs:
            raise check.fail(line, "userSourcedId", f"user '{user}' is not at school '{school}'")
        return
    if not plan.in_scope(school):
        return
    records = plan.state.staff if wanted == spec.STAFF else plan.state.pupils
    if existing_school is None or (existing_school.pk, user) not in records:
        raise check.fail(line, "userSourcedId", f"unknown user '{user}'")


def confirm_repeats(check: Checker, suspects: set[int]) -> None:
    """Read the file again for the few suspected repeats, and report a real one with both lines."""
    first_lines: dict[str, int] = {}
    for line, row in check.table.rows():
        sid = check.sid_of(row)
        if hash(sid) in suspects:
            if sid in first_lines:
                raise check.fail(
                    line,
                    "sourcedId",
                    f"'{sid}' appears twice in this file (first on line {first_lines[sid]})",
                )
            first_lines[sid] = line


class BucketSpills:
    """Enrolment rows copied to one CSV file per bucket of schools, opened as needed."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.files: dict[int, object] = {}
        self.writers: dict[int, Callable[[tuple[str, ...]], object]] = {}

    def write(self, school: str, values: tuple[str, ...]) -> None:
        bucket = self.plan.schools[school].bucket
        writer = self.writers.get(bucket)
        if writer is None:
            handle = self.plan.spill_path(bucket).open("w", newline="", encoding="utf-8")
            self.files[bucket] = handle
            writer = self.writers[bucket] = csv.writer(handle).writerow
        writer((school, *values))
        self.plan.bucket_rows[bucket] += 1

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()  # type: ignore[attr-defined]
