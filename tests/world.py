"""A small but complete trust for journey tests: two schools, every role, tricky families."""

from __future__ import annotations

from dataclasses import dataclass, field

from schoolwindow.core.models import AccountKind, User
from schoolwindow.people.models import (
    AdvocateAssignment,
    Enrolment,
    Guardian,
    Pupil,
    Role,
    Staff,
    TeachingAssignment,
)
from schoolwindow.schools.models import Group, School, Trust, YearGroup
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


@dataclass
class World:
    trust: Trust
    primary: School
    secondary: School
    year7: YearGroup
    tutor_group: Group
    other_group: Group
    pupil: Pupil  # in the secondary, taught by the teacher, on the advocate's caseload
    sibling: Pupil  # the pupil's younger sibling in the primary
    stranger: Pupil  # another family's child in the secondary, in no group of the teacher's
    parent: Guardian  # parent of pupil and sibling (two schools)
    restricted: Guardian  # the other parent, under a court order
    pupil_user: User
    trust_officer: User
    staff: dict[str, Staff] = field(default_factory=dict)

    def user_for(self, role: str) -> User:
        if role == "trust":
            return self.trust_officer
        if role == "parent":
            assert self.parent.user is not None
            return self.parent.user
        if role == "pupil":
            return self.pupil_user
        user = self.staff[role].user
        assert user is not None
        return user


STAFF_ROLES = [role.value for role in Role]
ALL_ROLES = [*STAFF_ROLES, "trust", "parent", "pupil"]


def build_world() -> World:
    trust = TrustFactory(name="Riverside Test Trust")
    primary = SchoolFactory(trust=trust, name="Brook Primary", phase="primary")
    secondary = SchoolFactory(trust=trust, name="Hill Secondary", phase="secondary")
    year7 = YearGroupFactory(school=secondary)
    tutor_group = GroupFactory(school=secondary, name="7HX", year_group=year7)
    other_group = GroupFactory(school=secondary, name="7QZ", year_group=year7)
    pupil = PupilFactory(
        school=secondary,
        legal_first_name="Kacper",
        legal_last_name="Nowak",
        year_group=year7,
        eal=True,
        home_language="Polish",
        disadvantaged=True,
    )
    sibling = PupilFactory(school=primary, legal_first_name="Zofia", legal_last_name="Nowak")
    stranger = PupilFactory(
        school=secondary, legal_first_name="Ava", legal_last_name="Stranger", year_group=year7
    )
    Enrolment.objects.create(school=secondary, group=tutor_group, pupil=pupil)
    Enrolment.objects.create(school=secondary, group=other_group, pupil=stranger)
    parent = guardian_of(
        pupil,
        first_name="Agnieszka",
        last_name="Nowak",
        email="agnieszka@example.org",
        phone="07700 900001",
        preferred_language="pl",
    )
    from schoolwindow.people.models import GuardianLink

    GuardianLink.objects.create(school=primary, pupil=sibling, guardian=parent)
    restricted = guardian_of(
        pupil,
        with_login=False,
        first_name="Marek",
        last_name="Nowak",
        email="marek.restricted@example.org",
        phone="07700 900999",
        contact_restricted=True,
        restriction_reason="Court order: no contact (ref 123/2026)",
        lives_with_pupil=False,
        relationship="father",
    )
    staff = {role: staff_member(secondary, role) for role in STAFF_ROLES}
    TeachingAssignment.objects.create(school=secondary, group=tutor_group, staff=staff["teacher"])
    AdvocateAssignment.objects.create(
        school=secondary, staff=staff["advocate"], pupil=pupil, started="2026-09-01"
    )
    pupil_user = UserFactory(kind=AccountKind.PUPIL, username="kacper@example.org")
    pupil.user = pupil_user
    pupil.save(update_fields=["user"])
    trust_officer = trust_officer_of(trust, username="officer@example.org")
    return World(
        trust=trust,
        primary=primary,
        secondary=secondary,
        year7=year7,
        tutor_group=tutor_group,
        other_group=other_group,
        pupil=pupil,
        sibling=sibling,
        stranger=stranger,
        parent=parent,
        restricted=restricted,
        pupil_user=pupil_user,
        trust_officer=trust_officer,
        staff=staff,
    )
