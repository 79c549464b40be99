from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.models import AccountKind
from schoolwindow.people.models import (
    Enrolment,
    GuardianLink,
    Household,
    Pupil,
    Role,
    TeachingAssignment,
)
from tests.conftest import signed_in_client
from tests.factories import (
    GroupFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    guardian_of,
    staff_member,
)
from tests.pages.conftest import (
    RESTRICTED_EMAIL,
    RESTRICTED_PHONE,
    RESTRICTION_REASON,
    STAFF_ROLES,
    World,
    status_for,
    statuses,
)

ADA_PROFILE = statuses(
    staff=200,
    trust_officer=404,
    trust_officer_with_access=200,
    parent=200,
    other_parent=404,
    pupil=200,
)
# Cara is in a class the teacher does not teach, is not on the advocate's caseload and is
# neither Maria's child nor Ada.
CARA_PROFILE = {**ADA_PROFILE, "teacher": 404, "advocate": 404, "parent": 404, "pupil": 404}
CARA_PROFILE["other_parent"] = 200


def url(pupil: Pupil) -> str:
    return reverse("pupil_detail", kwargs={"pupil_id": pupil.pk})


@pytest.mark.parametrize(("role", "expected"), ADA_PROFILE.items())
def test_who_may_open_ada(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(url(world.ada))) == expected


@pytest.mark.parametrize(("role", "expected"), CARA_PROFILE.items())
def test_who_may_open_cara(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(url(world.cara))) == expected


@pytest.mark.parametrize("role", [*STAFF_ROLES, "trust_officer_with_access", "parent", "pupil"])
def test_a_pupil_of_another_trust_does_not_exist_for_anyone(world: World, role: str) -> None:
    assert world.client(role).get(url(world.outsider)).status_code == 404


@pytest.mark.parametrize(
    "role",
    ["leader", "pastoral", "teacher", "advocate", "flo", "office", "trust_officer_with_access"],
)
def test_staff_see_do_not_contact_but_never_the_details_or_reason(world: World, role: str) -> None:
    response = world.client(role).get(url(world.ada))
    html = response.content.decode()
    assert "Do not contact — speak to the DSL" in html
    assert "Piotr" in html  # the name may show, so staff know who must not be contacted
    for secret in (RESTRICTED_PHONE, RESTRICTED_EMAIL, "1 Hidden Lane", RESTRICTION_REASON):
        assert secret not in html
    # The open guardian's details are there.
    assert "maria@example.org" in html
    assert "07700 900111" in html
    assert "Polish" in html
    assert not AuditEvent.objects.filter(action="guardian.restriction_reason_viewed").exists()


def test_staff_profile_shows_record_groups_advocate_and_sibling(world: World) -> None:
    html = world.client("leader").get(url(world.ada)).content.decode()
    assert "Adrianna Kowalska" in html  # legal name
    assert "Ada Kowalska" in html  # known as
    for text in ("Disadvantaged", "SEN support", "EAL: Polish", "7R", "7Ma1", "Mother"):
        assert text in html
    assert world.staff["advocate"].display_name in html
    assert world.staff["teacher"].display_name in html
    # Ben is at Brookside: named with his school, not linked (the leader works at Oakfield).
    assert "Ben Kowalski" in html
    assert "Brookside Primary" in html
    assert url(world.ben) not in html


def test_a_sibling_is_linked_when_the_actor_may_see_them(world: World) -> None:
    html = world.client("trust_officer_with_access").get(url(world.ada)).content.decode()
    assert url(world.ben) in html


def test_siblings_come_through_a_shared_home_or_parent_in_the_trust_and_on_roll(
    world: World,
) -> None:
    home = Household.objects.create(trust=world.trust, name="The Kowalskis")
    Pupil.objects.filter(pk=world.ada.pk).update(household=home)
    same_home = PupilFactory(school=world.oakfield, household=home, legal_first_name="Hania")
    left = PupilFactory(school=world.oakfield, household=home, legal_first_name="Olek")
    Pupil.objects.filter(pk=left.pk).update(status="left")
    elsewhere = PupilFactory(school=SchoolFactory(), legal_first_name="Zofia")
    GuardianLink.objects.create(school=elsewhere.school, pupil=elsewhere, guardian=world.maria)
    html = world.client("leader").get(url(world.ada)).content.decode()
    assert url(same_home) in html  # at the leader's school: linked
    assert "Ben Kowalski" in html  # through his mother, at Brookside
    assert "Olek" not in html  # no longer on roll
    assert "Zofia" not in html  # another trust


def test_dsl_sees_the_reason_and_reading_it_is_audited(world: World) -> None:
    html = world.client("dsl").get(url(world.ada)).content.decode()
    assert RESTRICTION_REASON in html
    assert "Do not contact — speak to the DSL" in html
    assert RESTRICTED_PHONE not in html
    dsl_user = world.staff["dsl"].user
    assert AuditEvent.objects.filter(
        action="guardian.restriction_reason_viewed", actor=dsl_user, school=world.oakfield
    ).exists()
    assert AuditEvent.objects.filter(
        action="pupil.viewed", actor=dsl_user, object_id=str(world.ada.pk)
    ).exists()


@pytest.mark.parametrize("role", [*STAFF_ROLES, "trust_officer_with_access"])
def test_every_staff_view_is_audited(world: World, role: str) -> None:
    world.client(role).get(url(world.ada))
    event = AuditEvent.objects.get(action="pupil.viewed")
    assert event.actor == world.user(role)
    assert event.object_id == str(world.ada.pk)
    assert event.school_id == world.oakfield.pk
    assert event.trust_id == world.trust.pk


def test_parent_sees_a_family_page_with_only_their_own_details(world: World) -> None:
    response = world.client("parent").get(url(world.ada))
    html = response.content.decode()
    assert "people/pupil_detail_family.html" in {t.name for t in response.templates}
    assert "Ada Kowalska" in html
    assert "Oakfield Academy" in html
    assert "7R" in html
    assert "maria@example.org" in html
    # Never another guardian: not the restricted father, not even his name.
    for secret in (
        "Piotr",
        RESTRICTED_PHONE,
        RESTRICTED_EMAIL,
        RESTRICTION_REASON,
        "Do not contact",
    ):
        assert secret not in html
    # Nor the staff-only labels.
    assert "SEN support" not in html
    assert not AuditEvent.objects.filter(action="pupil.viewed").exists()


def test_pupil_sees_their_own_basics_only(world: World) -> None:
    response = world.client("pupil").get(url(world.ada))
    html = response.content.decode()
    assert response.templates[0].name == "people/pupil_detail_self.html"
    assert "Hello, Ada" in html
    for secret in ("Maria", "Piotr", "maria@example.org", RESTRICTION_REASON, "SEN support"):
        assert secret not in html


def test_a_restricted_guardian_with_a_log_in_cannot_see_the_child(world: World) -> None:
    world.piotr.user = UserFactory(kind=AccountKind.GUARDIAN)
    world.piotr.save(update_fields=["user"])
    client = signed_in_client(world.piotr.user)
    assert client.get(url(world.ada)).status_code == 404
    assert "Ada" not in client.get(reverse("my_children")).content.decode()


def family_of(world: World, size: int) -> Pupil:
    """A pupil with `size` guardians, siblings, classes and teachers."""
    household = Household.objects.create(trust=world.trust, name=f"Household of {size}")
    pupil = PupilFactory(school=world.oakfield, year_group=world.year7, household=household)
    for n in range(size):
        guardian = guardian_of(
            pupil, with_login=False, contact_restricted=(n % 3 == 0), restriction_reason="x"
        )
        sibling = PupilFactory(school=world.brookside if n % 2 else world.oakfield)
        GuardianLink.objects.create(school=sibling.school, pupil=sibling, guardian=guardian)
        PupilFactory(school=world.oakfield, household=household)
        group = GroupFactory(school=world.oakfield)
        Enrolment.objects.create(school=world.oakfield, group=group, pupil=pupil)
        TeachingAssignment.objects.create(
            school=world.oakfield, group=group, staff=staff_member(world.oakfield, Role.TEACHER)
        )
    return pupil


@pytest.mark.parametrize("role", ["leader", "dsl", "parent"])
def test_the_number_of_queries_does_not_grow_with_the_family(world: World, role: str) -> None:
    small, large = family_of(world, 2), family_of(world, 12)
    if role == "parent":
        for pupil in (small, large):
            GuardianLink.objects.create(school=pupil.school, pupil=pupil, guardian=world.maria)
    client = world.client(role)
    client.get(url(world.ada))  # warm up the session and caches
    counts = []
    for pupil in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(pupil)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # 25, and the support panels (the timeline's latest and "did the help work?"): a query or
    # two per registered kind of help, never one per entry.
    assert max(counts) <= 36
