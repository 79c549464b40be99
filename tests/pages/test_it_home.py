"""The home page: each role's morning, its blocks and nobody else's, bounded and in a fixed
number of queries whatever the size of the school."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.connectors.models import ImportKind, ImportRun, ImportStatus
from schoolwindow.engagement.models import (
    AttendanceMark,
    Flag,
    FlagStatus,
    Homework,
    HomeworkStatus,
    HomeworkSubmission,
    PupilDay,
)
from schoolwindow.messaging.models import Conversation, Message, Participant
from schoolwindow.people.models import Enrolment, GuardianLink, Pupil
from tests.factories import GuardianFactory, PupilFactory, guardian_of
from tests.pages.conftest import World, status_for, statuses

URL = "/"
EXPECTED = statuses(200, parent=302, other_parent=302)

# The blocks (their headings' ids) that start each role's morning.
BLOCKS: dict[str, set[str]] = {
    "pastoral": {"home-new-flags", "home-my-flags", "home-waiting", "home-contacts-due"},
    "teacher": {"home-classes", "home-praise", "home-waiting"},
    "leader": {"home-glance", "home-unreachable"},
    "office": {"home-imports", "home-letters"},
    "trust_officer": {"home-trust"},
    "pupil": {"home-homework", "home-attendance"},
}
ALL_BLOCKS = set().union(*BLOCKS.values())


def today() -> dt.date:
    return timezone.localdate()


def monday() -> dt.date:
    return today() - dt.timedelta(days=today().weekday())


def block_ids(html: str) -> set[str]:
    """The blocks on the page, by heading id, with a school's id taken off."""
    return {
        re.sub(r"-\d+$", "", found) for found in re.findall(r'<h2 id="(home-[a-z-]+\d*)"', html)
    }


def home_html(world: World, role: str) -> str:
    response = world.client(role).get(URL)
    assert response.status_code == 200
    return response.content.decode()


def flag(pupil: Pupil, **fields: object) -> Flag:
    values: dict[str, object] = {
        "school": pupil.school,
        "pupil": pupil,
        "opened_on": today() - dt.timedelta(days=20),
        "last_evaluated_on": today(),
        "reasons": [],
    }
    values.update(fields)
    return Flag.objects.create(**values)


def family_wrote_last(world: World, pupil: Pupil, subject: str, *, staff_role: str) -> Conversation:
    conversation = Conversation.objects.create(
        school=pupil.school, pupil=pupil, subject=subject, last_message_at=timezone.now()
    )
    Participant.objects.create(
        school=pupil.school, conversation=conversation, staff=world.staff[staff_role]
    )
    Participant.objects.create(school=pupil.school, conversation=conversation, guardian=world.maria)
    Message.objects.create(
        school=pupil.school,
        conversation=conversation,
        author_staff=world.staff[staff_role],
        body="How is Ada getting on?",
    )
    Message.objects.create(
        school=pupil.school, conversation=conversation, author_guardian=world.maria, body="Fine"
    )
    return conversation


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_everyone_signed_in_has_a_home(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(URL)) == expected


def test_a_parents_home_is_their_children(world: World) -> None:
    response = world.client("parent").get(URL)
    assert response["Location"] == reverse("parent_home")


@pytest.mark.parametrize("role", list(BLOCKS))
def test_each_role_sees_its_own_blocks_and_not_the_others(world: World, role: str) -> None:
    shown = block_ids(home_html(world, role))
    assert BLOCKS[role] <= shown
    assert not (ALL_BLOCKS - BLOCKS[role]) & shown


def test_every_block_says_so_when_it_is_empty(world: World) -> None:
    pastoral = home_html(world, "pastoral")
    assert "No new flags since yesterday." in pastoral
    assert "No open flags are assigned to you." in pastoral
    assert "No family is waiting for a reply." in pastoral
    assert "No snoozed flags wake today or tomorrow." in pastoral
    leader = home_html(world, "leader")
    assert "No attendance recorded this week or last." in leader
    assert "Nobody is on the watchlist." in leader
    office = home_html(world, "office")
    assert "No imports yet." in office and "No letters are waiting to be printed." in office
    pupil = home_html(world, "pupil")
    assert "No homework due in the next two weeks." in pupil
    assert "No registers taken yet this week." in pupil


def test_pastoral_lead_sees_new_flags_their_own_and_contacts_due(world: World) -> None:
    new = flag(world.ada, opened_on=today())
    mine = flag(world.cara, assigned_to=world.staff["pastoral"])
    waking = flag(
        PupilFactory(school=world.oakfield, legal_first_name="Wendy", legal_last_name="Waking"),
        status=FlagStatus.SNOOZED,
        snoozed_until=today(),
    )
    family_wrote_last(world, world.ada, "Trip money", staff_role="teacher")
    html = home_html(world, "pastoral")
    assert reverse("flag_detail", kwargs={"flag_id": new.pk}) in html
    assert reverse("flag_detail", kwargs={"flag_id": mine.pk}) in html
    assert reverse("flag_detail", kwargs={"flag_id": waking.pk}) in html
    assert "Wendy Waking" in html and "Snooze ends" in html
    # Every conversation of the school where the family wrote last, not only their own.
    assert "Trip money" in html and "scope=all&amp;waiting=1" in html
    assert "?mine=1" in html


def test_teacher_sees_their_classes_praise_and_families_waiting_for_them(world: World) -> None:
    family_wrote_last(world, world.ada, "Reading book", staff_role="teacher")
    family_wrote_last(world, world.ada, "Not for the teacher", staff_role="pastoral")
    html = home_html(world, "teacher")
    assert reverse("group_detail", kwargs={"group_id": world.class_7r.pk}) in html
    assert "7R" in html
    assert "0</span> positive notes sent this week." in html
    assert "Ada Kowalska" in html  # in 7R, never praised
    assert "Reading book" in html
    assert "Not for the teacher" not in html


def test_leader_sees_attendance_this_week_against_last_and_the_watchlist(world: World) -> None:
    for day, present in ((monday() - dt.timedelta(days=7), 2), (monday(), 1)):
        PupilDay.objects.create(
            school=world.oakfield,
            pupil=world.ada,
            date=day,
            sessions_possible=2,
            sessions_present=present,
        )
    flag(world.ada, assigned_to=world.staff["pastoral"])
    flag(world.cara)
    html = home_html(world, "leader")
    assert "50%" in html and "100%" in html  # this week, last week
    assert '<svg class="week-chart"' in html and "Attendance by day" in html
    assert "pupils on the watchlist, 1 with someone assigned." in html


def test_leader_sees_families_we_cannot_reach(world: World) -> None:
    silent = GuardianFactory(trust=world.trust, first_name="Sam", last_name="Silent", email="")
    silent.phone = ""
    silent.save(update_fields=["phone"])
    GuardianLink.objects.create(school=world.oakfield, pupil=world.cara, guardian=silent)
    html = home_html(world, "leader")
    assert "Sam Silent" in html
    assert reverse("families:unreachable") + f"?school={world.oakfield.pk}" in html


def test_office_sees_imports_and_their_failures(world: World) -> None:
    ImportRun.objects.create(
        trust=world.trust,
        school=world.oakfield,
        kind=ImportKind.CSV,
        status=ImportStatus.FAILED,
        source_name="pupils-autumn.csv",
    )
    html = home_html(world, "office")
    assert "pupils-autumn.csv" in html and "1 import failed in the last 30 days." in html


def test_trust_officer_sees_each_school_side_by_side_figures_only(world: World) -> None:
    flag(world.ada)
    html = home_html(world, "trust_officer")
    assert "Oakfield Academy" in html and "Brookside Primary" in html
    assert "Faraway High" not in html
    assert "Attendance this week" in html and "Families we can&#x27;t reach" in html
    assert "Ada" not in html and "Kowalsk" not in html


def test_a_pupil_sees_their_week(world: World) -> None:
    homework = Homework.objects.create(
        school=world.oakfield,
        group=world.class_7r,
        title="Poem about autumn",
        subject="English",
        set_on=today() - dt.timedelta(days=3),
        due_on=today() + dt.timedelta(days=1),
        source_id="hw-1",
    )
    Homework.objects.create(
        school=world.oakfield,
        group=world.class_7s,
        title="Not Ada's class",
        set_on=today(),
        due_on=today() + dt.timedelta(days=1),
        source_id="hw-2",
    )
    AttendanceMark.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        date=monday(),
        session="AM",
        code="/",
        category="present",
    )
    html = home_html(world, "pupil")
    assert homework.title in html and "Not Ada&#x27;s class" not in html
    assert "1 of 1 session so far." in html


def test_a_parents_page_for_a_child_shows_their_week_and_messages(world: World) -> None:
    past = Homework.objects.create(
        school=world.oakfield,
        group=world.maths_set,
        title="Fractions sheet",
        set_on=today() - dt.timedelta(days=10),
        due_on=today() - dt.timedelta(days=2),
        source_id="hw-past",
    )
    HomeworkSubmission.objects.create(
        school=world.oakfield, homework=past, pupil=world.ada, status=HomeworkStatus.MISSING
    )
    Homework.objects.create(
        school=world.oakfield,
        group=world.maths_set,
        title="Times tables",
        set_on=today(),
        due_on=today() + dt.timedelta(days=2),
        source_id="hw-next",
    )
    AttendanceMark.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        date=monday(),
        session="AM",
        code="N",
        category="unauthorised",
    )
    family_wrote_last(world, world.ada, "Swimming kit", staff_role="teacher")
    html = (
        world.client("parent")
        .get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
        .content.decode()
    )
    assert "This week" in html and "0 of 1 session so far this week." in html
    assert "Times tables" in html
    assert "Fractions sheet" in html
    assert "Swimming kit" in html


def test_roles_and_languages_are_in_plain_words(world: World) -> None:
    html = home_html(world, "dsl")
    assert "Designated safeguarding lead" in html
    assert ">dsl<" not in html and ": dsl" not in html
    Pupil.objects.filter(pk=world.ada.pk).update(home_language="pl")
    staff_page = (
        world.client("pastoral")
        .get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
        .content.decode()
    )
    assert "home language Polish" in staff_page and "EAL: Polish" in staff_page


def test_the_home_page_is_in_polish(world: World) -> None:
    client = world.client("pastoral")
    client.cookies["django_language"] = "pl"
    html = client.get(URL).content.decode()
    assert "Brak nowych flag od wczoraj." in html


# --- A fixed number of queries, whatever the size of the school --------------------------------


def grow_the_school(world: World, n: int, key: str) -> None:
    """More pupils in every class, each with a flag, a waiting family, attendance and homework."""
    for i in range(n):
        pupil = PupilFactory(school=world.oakfield, year_group=world.year7)
        for group in (world.class_7r, world.maths_set):
            Enrolment.objects.create(school=world.oakfield, group=group, pupil=pupil)
        parent = guardian_of(pupil, with_login=False, email="", phone="")
        flag(
            pupil,
            opened_on=today(),
            assigned_to=world.staff["pastoral"] if i % 2 else None,
            status=FlagStatus.SNOOZED if i % 3 == 0 else FlagStatus.OPEN,
            snoozed_until=today() if i % 3 == 0 else None,
        )
        conversation = Conversation.objects.create(
            school=world.oakfield, pupil=pupil, subject=f"About {i}", last_message_at=timezone.now()
        )
        Participant.objects.create(
            school=world.oakfield, conversation=conversation, staff=world.staff["teacher"]
        )
        Participant.objects.create(
            school=world.oakfield, conversation=conversation, guardian=parent
        )
        Message.objects.create(
            school=world.oakfield, conversation=conversation, author_guardian=parent, body="Hi"
        )
        PupilDay.objects.create(
            school=world.oakfield,
            pupil=pupil,
            date=monday(),
            sessions_possible=2,
            sessions_present=2,
        )
        AttendanceMark.objects.create(
            school=world.oakfield,
            pupil=pupil,
            date=monday(),
            session="AM",
            code="/",
            category="present",
        )
        Homework.objects.create(
            school=world.oakfield,
            group=world.class_7r,
            title=f"Homework {i}",
            set_on=today(),
            due_on=today() + dt.timedelta(days=1),
            source_id=f"grow-{key}-{i}",
        )
        ImportRun.objects.create(
            trust=world.trust, school=world.oakfield, kind=ImportKind.CSV, source_name=f"{i}.csv"
        )


def queries_for(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [*BLOCKS, "advocate", "flo", "dsl"])
def test_queries_do_not_grow_with_the_school(world: World, role: str) -> None:
    client = world.client(role)
    grow_the_school(world, 1, "small")  # every block has a row to show
    client.get(URL)  # the session and the language settle on the first request
    small = queries_for(client)
    grow_the_school(world, 12, "large")
    assert queries_for(client) == small
