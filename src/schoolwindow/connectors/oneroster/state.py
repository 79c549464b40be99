"""What the database already holds for the schools being imported, as compact maps.

Keys are (school id, sourcedId) — or (trust id, sourcedId) for guardians — and values are small
tuples (id, source_hash, active). A county's pupils and guardians fit in a few tens of megabytes
this way; enrolments, far more numerous, are loaded a few schools at a time by save.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schoolwindow.people.models import Guardian, Pupil, PupilStatus, Staff, StaffRole
from schoolwindow.schools.models import AcademicYear, Group, School, Term, Trust, YearGroup

# (id, source_hash, active)
Existing = tuple[int, str, bool]


class Places:
    """sourcedId → the school (or trust) ids where a record with it exists. Nearly everyone is at
    one school, so a bare int is stored then, and a tuple only for the few at several."""

    def __init__(self) -> None:
        self._places: dict[str, int | tuple[int, ...]] = {}

    def add(self, sid: str, place: int) -> None:
        current = self._places.get(sid)
        if current is None:
            self._places[sid] = place
        elif isinstance(current, int):
            self._places[sid] = (current, place)
        else:
            self._places[sid] = (*current, place)

    def of(self, sid: str) -> tuple[int, ...]:
        current = self._places.get(sid)
        if current is None:
            return ()
        return (current,) if isinstance(current, int) else current

    def __contains__(self, sid: object) -> bool:
        return sid in self._places


@dataclass
class DatabaseState:
    schools_by_sid: dict[str, School] = field(default_factory=dict)
    schools_by_urn: dict[str, School] = field(default_factory=dict)
    trusts_by_sid: dict[str, Trust] = field(default_factory=dict)
    groups: dict[tuple[int, str], Existing] = field(default_factory=dict)
    pupils: dict[tuple[int, str], Existing] = field(default_factory=dict)
    pupils_by_upn: dict[tuple[int, str], int] = field(default_factory=dict)
    staff: dict[tuple[int, str], Existing] = field(default_factory=dict)
    staff_by_email: dict[tuple[int, str], int] = field(default_factory=dict)
    staff_roles: set[tuple[int, str]] = field(default_factory=set)
    guardians: dict[tuple[int, str], Existing] = field(default_factory=dict)
    year_groups: dict[tuple[int, str], int] = field(default_factory=dict)
    years: dict[tuple[int, str], AcademicYear] = field(default_factory=dict)
    terms: dict[tuple[int, str], Term] = field(default_factory=dict)
    # sourcedId → the schools (pupils, staff) or trusts (guardians) it already exists at.
    pupil_places: Places = field(default_factory=Places)
    staff_places: Places = field(default_factory=Places)
    guardian_places: Places = field(default_factory=Places)


def load_schools(state: DatabaseState) -> None:
    for school in School.objects.select_related("trust"):
        state.schools_by_urn[school.urn] = school
        if school.source_id:
            state.schools_by_sid[school.source_id] = school
    for trust in Trust.objects.exclude(source_id=""):
        state.trusts_by_sid[trust.source_id] = trust


def load_records(state: DatabaseState, school_ids: list[int], trust_ids: list[int]) -> None:
    """Everything imported before at these schools (and these trusts' guardians)."""
    for pk, school_id, sid, digest, active in (
        Group.objects.filter(school_id__in=school_ids)
        .exclude(source_id="")
        .values_list("pk", "school_id", "source_id", "source_hash", "active")
        .iterator(chunk_size=10_000)
    ):
        state.groups[(school_id, sid)] = (pk, digest, active)
    load_pupils(state, school_ids)
    load_staff(state, school_ids)
    for pk, trust_id, sid, digest in (
        Guardian.objects.filter(trust_id__in=trust_ids)
        .exclude(source_id="")
        .values_list("pk", "trust_id", "source_id", "source_hash")
        .iterator(chunk_size=10_000)
    ):
        state.guardians[(trust_id, sid)] = (pk, digest, True)
        state.guardian_places.add(sid, trust_id)
    for pk, school_id, code in YearGroup.objects.filter(school_id__in=school_ids).values_list(
        "pk", "school_id", "code"
    ):
        state.year_groups[(school_id, code)] = pk
    for year in AcademicYear.objects.filter(school_id__in=school_ids).exclude(source_id=""):
        state.years[(year.school_id, year.source_id)] = year
    for term in Term.objects.filter(school_id__in=school_ids).exclude(source_id=""):
        state.terms[(term.school_id, term.source_id)] = term


def load_pupils(state: DatabaseState, school_ids: list[int]) -> None:
    for pk, school_id, sid, upn, digest, status in (
        Pupil.objects.filter(school_id__in=school_ids)
        .values_list("pk", "school_id", "source_id", "upn", "source_hash", "status")
        .iterator(chunk_size=10_000)
    ):
        if sid:
            state.pupils[(school_id, sid)] = (pk, digest, status == PupilStatus.ACTIVE)
            state.pupil_places.add(sid, school_id)
        elif upn:
            # Entered by hand or by the plain CSV import: OneRoster adopts it by UPN.
            state.pupils_by_upn[(school_id, upn)] = pk


def load_staff(state: DatabaseState, school_ids: list[int]) -> None:
    for pk, school_id, sid, email, login_email, digest, active in (
        Staff.objects.filter(school_id__in=school_ids)
        .values_list(
            "pk", "school_id", "source_id", "email", "user__email", "source_hash", "active"
        )
        .iterator(chunk_size=10_000)
    ):
        if sid:
            state.staff[(school_id, sid)] = (pk, digest, active)
            state.staff_places.add(sid, school_id)
        elif email or login_email:
            # Staff set up by hand (with a log-in) are adopted by email, keeping their log-in.
            state.staff_by_email[(school_id, (email or login_email).lower())] = pk
    for staff_id, role in StaffRole.objects.filter(school_id__in=school_ids).values_list(
        "staff_id", "role"
    ):
        state.staff_roles.add((staff_id, role))
