"""What OneRoster 1.1 and 1.2 CSV files hold, and how their vocabulary maps onto ours.

The mapping is documented for schools in docs/data-formats.md; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import re

from schoolwindow.people.models import Relationship, Role
from schoolwindow.schools.models import GroupKind

MANIFEST = "manifest.csv"
ORGS = "orgs.csv"
SESSIONS = "academicSessions.csv"
COURSES = "courses.csv"
CLASSES = "classes.csv"
USERS = "users.csv"
ROLES = "roles.csv"  # 1.2 only
ENROLLMENTS = "enrollments.csv"
DEMOGRAPHICS = "demographics.csv"

# The files we read, in the order their rows are checked and then saved.
DATA_FILES = (ORGS, SESSIONS, COURSES, CLASSES, ROLES, USERS, DEMOGRAPHICS, ENROLLMENTS)

BULK = "bulk"
DELTA = "delta"
ABSENT = "absent"
MODES = (BULK, DELTA, ABSENT)

# Columns a file's header must have. A value is required as well unless the row is being deleted.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    ORGS: ("sourcedId", "name", "type"),
    SESSIONS: ("sourcedId", "title", "type", "startDate", "endDate"),
    COURSES: ("sourcedId", "title"),
    CLASSES: ("sourcedId", "title", "classType", "schoolSourcedId"),
    USERS: ("sourcedId", "givenName", "familyName"),
    ROLES: ("sourcedId", "userSourcedId", "role", "orgSourcedId"),
    ENROLLMENTS: ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
    DEMOGRAPHICS: ("sourcedId",),
}
# In 1.1 a user's role and schools are on users.csv; 1.2 moved them to roles.csv.
USERS_11_COLUMNS = ("role", "orgSourcedIds")

ACTIVE = "active"
TO_BE_DELETED = "tobedeleted"
# 1.0's word for a record that has gone; 1.1 still lists it (deprecated), so old exports send it.
INACTIVE = "inactive"
STATUSES = ("", ACTIVE, TO_BE_DELETED, INACTIVE)
GONE_STATUSES = (TO_BE_DELETED, INACTIVE)

# The 1.2 CSV columns for preferred names, then the names the 1.2 REST binding uses, which some
# exporters write into their CSV files too.
PREFERRED_GIVEN = ("preferredGivenName", "preferredFirstName")
PREFERRED_FAMILY = ("preferredFamilyName", "preferredLastName")

ORG_TYPES = ("department", "school", "district", "local", "state", "national")
SESSION_TYPES = ("gradingPeriod", "semester", "schoolYear", "term")
CLASS_TYPES = {"homeroom": GroupKind.REGISTRATION, "scheduled": GroupKind.TEACHING}
SEXES = ("", "male", "female", "other", "unspecified")
ROLE_TYPES = ("primary", "secondary")

STUDENT = "student"
STAFF = "staff"
GUARDIAN = "guardian"

# OneRoster role → what the person is to us.
USER_ROLES = {
    "student": STUDENT,
    "teacher": STAFF,
    "aide": STAFF,
    "administrator": STAFF,
    "principal": STAFF,
    "siteAdministrator": STAFF,
    "districtAdministrator": STAFF,
    "systemAdministrator": STAFF,
    "counselor": STAFF,
    "proctor": STAFF,
    "parent": GUARDIAN,
    "guardian": GUARDIAN,
    "relative": GUARDIAN,
}
# Staff role granted when a member of staff is first imported (an office can change it later).
STAFF_ROLES: dict[str, str | None] = {
    "teacher": Role.TEACHER,
    "principal": Role.LEADER,
    "administrator": Role.OFFICE,
    "siteAdministrator": Role.OFFICE,
    "districtAdministrator": Role.OFFICE,
    "systemAdministrator": Role.OFFICE,
    "counselor": Role.PASTORAL,
    "aide": None,
    "proctor": None,
}
JOB_TITLES = {
    "teacher": "Teacher",
    "aide": "Teaching assistant",
    "administrator": "Administrator",
    "principal": "Headteacher",
    "siteAdministrator": "Administrator",
    "districtAdministrator": "Trust administrator",
    "systemAdministrator": "Systems administrator",
    "counselor": "Counsellor",
    "proctor": "Invigilator",
}
RELATIONSHIPS = {
    "parent": Relationship.PARENT,
    "guardian": Relationship.CARER,
    "relative": Relationship.RELATIVE,
}
# Enrolment roles: students join the class; teachers teach it; others are not recorded.
ENROLLMENT_ROLES = (
    "student",
    "teacher",
    "administrator",
    "proctor",
    "aide",
    "parent",
    "guardian",
    "relative",
)

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UPN_RE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
TRUE_WORDS = ("true", "yes", "1")
FALSE_WORDS = ("false", "no", "0", "")


def parse_date(value: str) -> dt.date:
    """YYYY-MM-DD, or the date part of a date-time; ValueError otherwise."""
    text = value[:10] if len(value) > 10 and value[10] == "T" else value
    if not DATE_RE.match(text):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{value}' is not a real date") from None


def check_datetime(value: str) -> None:
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("must be a date-time like 2026-09-01T08:00:00Z") from None


def parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError("must be true or false")


def split_list(value: str) -> list[str]:
    """Multi-valued OneRoster fields are comma-separated inside one quoted value."""
    return [part.strip() for part in value.split(",") if part.strip()] if value else []


# Grade codes: CEDS (used by OneRoster) and the ways English schools write year groups.
_NAMED_GRADES = {
    "IT": None,
    "PR": "N",
    "PK": "N",
    "N": "N",
    "N1": "N",
    "N2": "N",
    "TK": "R",
    "KG": "R",
    "R": "R",
    "REC": "R",
    "RECEPTION": "R",
}


def year_code(grade: str) -> str | None:
    """'07', 'Y7', 'Year 7' → '7'; 'KG' → 'R'; unknown → None."""
    text = grade.strip().upper().replace("YEAR", "").replace(" ", "")
    if text in _NAMED_GRADES:
        return _NAMED_GRADES[text]
    text = text.removeprefix("Y")
    if text.isdigit() and 1 <= int(text) <= 14:
        return str(int(text))
    return None


def year_name_and_ordinal(code: str) -> tuple[str, int]:
    if code == "N":
        return "Nursery", -1
    if code == "R":
        return "Reception", 0
    return f"Year {code}", int(code)


def is_gone(status: str) -> bool:
    return status.lower() in GONE_STATUSES


def upn_from(user_ids: str, identifier: str, master_identifier: str = "") -> str:
    """The UPN: a `{UPN:...}` entry in userIds, else the identifier (or 1.2's
    userMasterIdentifier) if it looks like a UPN."""
    for entry in split_list(user_ids):
        kind, _, value = entry.strip("{}").partition(":")
        if kind.strip().upper() == "UPN" and value.strip():
            return value.strip().upper()[:13]
    for candidate in (identifier.strip().upper(), master_identifier.strip().upper()):
        if UPN_RE.match(candidate):
            return candidate
    return ""
