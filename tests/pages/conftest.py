"""A small trust in which every role exists, for the page tests.

Riverside trust: Oakfield (secondary) and Brookside (primary). Ada is in 7R at Oakfield; her
brother Ben is at Brookside. Their mother Maria has a log-in; their father Piotr is under a
contact restriction for Ada. Cara is in another Oakfield class, with her own parent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.http import HttpResponseBase
from django.test import Client

from schoolwindow.core.models import AccountKind, User
from schoolwindow.people.models import (
    AdvocateAssignment,
    Enrolment,
    Guardian,
    GuardianLink,
    Household,
    Pupil,
    SafeguardingStatus,
    SendStatus,
    Staff,
    TeachingAssignment,
)
from schoolwindow.schools.models import Group, GroupKind, School, Trust, YearGroup
from tests.conftest import signed_in_client
from tests.factories import (
    GroupFactory,
    PupilFactory,
    SchoolFactory,
    TrustFactory,
    UserFactory,
    YearGroupFactory,
    guardian_of,
    staff_member,
    trust_officer_of,
)

STAFF_ROLES = ["leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office"]
ALL_ROLES = [*STAFF_ROLES, "trust_officer", "parent", "pupil", "anonymous"]
RESTRICTION_REASON = "Court order 2024: no contact with Ada"
RESTRICTED_PHONE = "07700 900999"
RESTRICTED_EMAIL = "piotr.restricted@example.org"


@dataclass
class World:
    trust: Trust
    oakfield: School
    brookside: School
    elsewhere: School
    year7: YearGroup
    year5: YearGroup
    class_7r: Group
    class_7s: Group
    maths_set: Group
    ada: Pupil
    ben: Pupil
    cara: Pupil
    outsider: Pupil
    maria: Guardian
    piotr: Guardian
    cara_parent: Guardian
    staff: dict[str, Staff]
    trust_officer: User
    trust_officer_with_access: User

    def user(self, role: str) -> User | None:
        if role in self.staff:
            return self.staff[role].user
        return {
            "trust_officer": self.trust_officer,
            "trust_officer_with_access": self.trust_officer_with_access,
            "parent": self.maria.user,
            "other_parent": self.cara_parent.user,
            "pupil": self.ada.user,
            "anonymous": None,
        }[role]

    def client(self, role: str) -> Client:
        user = self.user(role)
        return Client() if user is None else signed_in_client(user)


def enrol(pupil: Pupil, group: Group) -> None:
    Enrolment.objects.create(school=group.school, group=group, pupil=pupil)


@pytest.fixture
def world(db: None) -> World:
    return build_pages_world()


def build_pages_world() -> World:
    """The pages' trust; other fixtures that need it plus their own rows call this."""
    trust = TrustFactory(name="Riverside Learning Trust")
    oakfield = SchoolFactory(trust=trust, name="Oakfield Academy", phase="secondary")
    brookside = SchoolFactory(trust=trust, name="Brookside Primary", phase="primary")
    elsewhere = SchoolFactory(name="Faraway High")
    year7 = YearGroupFactory(school=oakfield, code="7", name="Year 7", ordinal=7)
    year5 = YearGroupFactory(school=brookside, code="5", name="Year 5", ordinal=5)
    class_7r = GroupFactory(
        school=oakfield, name="7R", kind=GroupKind.REGISTRATION, year_group=year7
    )
    class_7s = GroupFactory(
        school=oakfield, name="7S", kind=GroupKind.REGISTRATION, year_group=year7
    )
    maths_set = GroupFactory(
        school=oakfield, name="7Ma1", kind=GroupKind.TEACHING, subject="Maths", year_group=year7
    )
    class_5b = GroupFactory(
        school=brookside, name="Beech", kind=GroupKind.REGISTRATION, year_group=year5
    )

    household = Household.objects.create(trust=trust, name="Kowalski household")
    ada = PupilFactory(
        school=oakfield,
        legal_first_name="Adrianna",
        preferred_first_name="Ada",
        legal_last_name="Kowalska",
        year_group=year7,
        disadvantaged=True,
        send_status=SendStatus.SUPPORT,
        eal=True,
        home_language="Polish",
        household=household,
    )
    ada.user = UserFactory(kind=AccountKind.PUPIL, first_name="Ada")
    ada.save(update_fields=["user"])
    ben = PupilFactory(
        school=brookside, legal_first_name="Ben", legal_last_name="Kowalski", year_group=year5
    )
    cara = PupilFactory(
        school=oakfield, legal_first_name="Cara", legal_last_name="Jones", year_group=year7
    )
    outsider = PupilFactory(school=elsewhere, legal_first_name="Olly", legal_last_name="Outside")
    enrol(ada, class_7r)
    enrol(ada, maths_set)
    enrol(cara, class_7s)
    enrol(ben, class_5b)

    maria = guardian_of(
        ada,
        first_name="Maria",
        last_name="Kowalska",
        relationship="mother",
        email="maria@example.org",
        phone="07700 900111",
        preferred_language="pl",
        household=household,
    )
    GuardianLink.objects.create(school=brookside, pupil=ben, guardian=maria, relationship="mother")
    piotr = guardian_of(
        ada,
        with_login=False,
        first_name="Piotr",
        last_name="Kowalski",
        relationship="father",
        email=RESTRICTED_EMAIL,
        phone=RESTRICTED_PHONE,
        address="1 Hidden Lane",
        contact_restricted=True,
        restriction_reason=RESTRICTION_REASON,
        lives_with_pupil=False,
    )
    cara_parent = guardian_of(cara, first_name="Carol", last_name="Jones", relationship="mother")
    SafeguardingStatus.objects.create(
        school=oakfield, pupil=ada, child_in_need=True, note="Section 17 plan, review in May"
    )

    staff = {role: staff_member(oakfield, role) for role in STAFF_ROLES}
    TeachingAssignment.objects.create(school=oakfield, group=class_7r, staff=staff["teacher"])
    AdvocateAssignment.objects.create(
        school=oakfield, staff=staff["advocate"], pupil=ada, started=dt.date(2025, 9, 1)
    )
    return World(
        trust=trust,
        oakfield=oakfield,
        brookside=brookside,
        elsewhere=elsewhere,
        year7=year7,
        year5=year5,
        class_7r=class_7r,
        class_7s=class_7s,
        maths_set=maths_set,
        ada=ada,
        ben=ben,
        cara=cara,
        outsider=outsider,
        maria=maria,
        piotr=piotr,
        cara_parent=cara_parent,
        staff=staff,
        trust_officer=trust_officer_of(trust),
        trust_officer_with_access=trust_officer_of(trust, pupil_access=True),
    )


def statuses(
    default: int | str = 403, *, staff: int | str | None = None, **by_role: int | str
) -> dict[str, int | str]:
    """What each role should get from a page: `default` (`staff` for every staff role, when
    given) unless the role is named; anonymous visitors are sent to the log-in page."""
    return {
        **dict.fromkeys(STAFF_ROLES, default if staff is None else staff),
        **dict.fromkeys(
            ["trust_officer", "trust_officer_with_access", "parent", "other_parent", "pupil"],
            default,
        ),
        "anonymous": "login",
        **by_role,
    }


def is_login_redirect(response: HttpResponseBase) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def status_for(response) -> int | str:
    """The status, with a redirect to the log-in page reported as 'login'."""
    return "login" if is_login_redirect(response) else response.status_code


ClientFor = Callable[[str], Client]
