"""Study groups: who sees which page, the one-tap daily check-in (one a day, safe to send
twice), the lead's week in a fixed number of queries, the suggestions from the home-learning
profile, and "Need help" on the lead's home the same day."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.models import AccountKind
from schoolwindow.homelife.models import ProfileAnswer, Source
from schoolwindow.people.models import Pupil
from schoolwindow.support.studygroups import selectors, services
from schoolwindow.support.studygroups.models import CheckIn, StudyGroup
from tests.factories import PupilFactory, UserFactory
from tests.pages.conftest import ALL_ROLES, World
from tests.support.conftest import actor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def form_group(world: World) -> StudyGroup:
    group = services.study_group_create(
        actor=actor(world, "teacher"),
        school_id=world.oakfield.pk,
        name="Homework club",
        subjects="Maths",
        year_group_id=world.year7.pk,
    )
    services.study_group_member_add(
        actor=actor(world, "teacher"), group_id=group.pk, pupil_id=world.ada.pk
    )
    return group


def second_member(world: World, group: StudyGroup, first: str = "Dan") -> Pupil:
    """A classmate of Ada's (7R) in the group, with a log-in of their own."""
    from tests.pages.conftest import enrol

    pupil = PupilFactory(
        school=world.oakfield,
        legal_first_name=first,
        legal_last_name="Brown",
        year_group=world.year7,
    )
    enrol(pupil, world.class_7r)
    pupil.user = UserFactory(kind=AccountKind.PUPIL, first_name=first)
    pupil.save(update_fields=["user"])
    services.study_group_member_add(
        actor=actor(world, "teacher"), group_id=group.pk, pupil_id=pupil.pk
    )
    return pupil


INDEX = {
    "leader": 200,
    "pastoral": 200,
    "teacher": 200,
    "flo": 200,
    "advocate": 403,
    "office": 403,
    "dsl": 403,
    "trust_officer": 403,
    "parent": 403,
    "pupil": 403,
    "anonymous": 302,
}
GROUP = {**INDEX, "advocate": 404, "office": 404, "dsl": 404}
TODAY = {
    **{role: 403 for role in ALL_ROLES},
    "pupil": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_sees_the_pages(world: World, role: str) -> None:
    group = form_group(world)
    client = world.client(role)
    assert client.get("/support/groups/").status_code == INDEX[role]
    assert client.get(f"/support/groups/{group.pk}/").status_code == GROUP[role]
    assert client.get("/support/groups/today/").status_code == TODAY[role]
    assert client.get("/support/groups/new/").status_code == INDEX[role]


def test_a_pupil_not_in_the_group_sees_only_their_own_empty_page(world: World) -> None:
    group = form_group(world)
    CheckIn.objects.create(
        school=world.oakfield,
        group=group,
        pupil=world.ada,
        day=timezone.localdate(),
        answer="on_it",
    )
    world.cara.user = UserFactory(kind=AccountKind.PUPIL, first_name="Cara")
    world.cara.save(update_fields=["user"])
    from tests.conftest import signed_in_client

    client = signed_in_client(world.cara.user)
    page = client.get("/support/groups/today/")
    assert page.status_code == 200
    assert b"Homework club" not in page.content
    assert b"not in a study group" in page.content
    assert client.get(f"/support/groups/{group.pk}/").status_code == 403
    posted = client.post(f"/support/groups/{group.pk}/checkin/", {"answer": "on_it"})
    assert posted.status_code == 404
    assert CheckIn.objects.count() == 1


def test_posting_a_check_in_twice_makes_one_record(world: World) -> None:
    group = form_group(world)
    client = world.client("pupil")
    token = str(uuid.uuid4())
    url = f"/support/groups/{group.pk}/checkin/"
    first = client.post(url, {"answer": "need_help", "once": token})
    second = client.post(url, {"answer": "need_help", "once": token}, follow=True)
    assert first.status_code == 302
    assert b"already checked in today" in second.content
    # Without the token too (an old page): the same answer again changes nothing.
    client.post(url, {"answer": "need_help"})
    assert CheckIn.objects.count() == 1
    assert AuditEvent.objects.filter(action="studygroup.checkin").count() == 1


def test_another_answer_the_same_day_changes_todays_check_in(world: World) -> None:
    group = form_group(world)
    client = world.client("pupil")
    url = f"/support/groups/{group.pk}/checkin/"
    client.post(url, {"answer": "on_it", "once": str(uuid.uuid4())})
    client.post(url, {"answer": "need_help", "once": str(uuid.uuid4())})
    (checkin,) = CheckIn.objects.all()
    assert checkin.answer == "need_help"
    assert AuditEvent.objects.filter(action="studygroup.checkin").count() == 2


def test_a_bad_answer_is_refused_plainly(world: World) -> None:
    group = form_group(world)
    response = world.client("pupil").post(
        f"/support/groups/{group.pk}/checkin/", {"answer": "maybe"}
    )
    assert response.status_code == 400
    assert CheckIn.objects.count() == 0


def test_members_see_each_others_check_ins_for_today_only(world: World) -> None:
    group = form_group(world)
    dan = second_member(world, group)
    today = timezone.localdate()
    CheckIn.objects.create(
        school=world.oakfield, group=group, pupil=dan, day=today, answer="cant_today"
    )
    CheckIn.objects.create(
        school=world.oakfield,
        group=group,
        pupil=dan,
        day=today - dt.timedelta(days=1),
        answer="need_help",
    )
    page = world.client("pupil").get("/support/groups/today/")
    content = page.content.decode()
    assert "Dan: Can&#x27;t today" in content or "Dan: Can't today" in content
    assert "Brown" not in content  # first names only
    assert "Need help</li>" not in content  # nothing of yesterday


def test_the_leads_week_in_fixed_queries(world: World) -> None:
    group = form_group(world)
    client = world.client("teacher")
    url = f"/support/groups/{group.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    today = timezone.localdate()
    for n in range(6):
        pupil = second_member(world, group, first=f"Pupil{n}")
        for back in range(7):
            CheckIn.objects.create(
                school=world.oakfield,
                group=group,
                pupil=pupil,
                day=today - dt.timedelta(days=back),
                answer="on_it",
            )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.count(b"On it") >= 42
    assert len(many) == len(few)


def test_suggestions_come_from_the_home_learning_profile(world: World) -> None:
    group = form_group(world)
    now = timezone.now()
    ProfileAnswer.objects.create(
        school=world.oakfield,
        pupil=world.cara,
        question="quiet_place",
        value="no",
        source=Source.PARENT_SURVEY,
        recorded_at=now,
    )
    # Ada's survey said no one helps, but a later phone call says someone does now.
    ProfileAnswer.objects.create(
        school=world.oakfield,
        pupil=world.ben,
        question="adult_help",
        value="no",
        source=Source.PARENT_SURVEY,
        recorded_at=now,
    )
    found = selectors.suggestions(actor=actor(world, "leader"), group=group)
    assert [s.pupil.pk for s in found] == [world.cara.pk]
    assert found[0].reasons == ["quiet_place"]
    # The teacher does not teach Cara's class: she is not theirs to see or suggest.
    assert selectors.suggestions(actor=actor(world, "teacher"), group=group) == []
    page = world.client("leader").get(f"/support/groups/{group.pk}/")
    assert b"no quiet place to study" in page.content
    world.client("leader").post(
        f"/support/groups/{group.pk}/members/", {"pupil": world.cara.pk, "once": "x"}
    )
    assert group.members.filter(pupil=world.cara).exists()
    assert selectors.suggestions(actor=actor(world, "leader"), group=group) == []


def test_need_help_reaches_the_leads_home_the_same_day(world: World) -> None:
    group = form_group(world)
    home = world.client("teacher").get("/")
    assert b"Asked for help today" not in home.content
    world.client("pupil").post(f"/support/groups/{group.pk}/checkin/", {"answer": "need_help"})
    home = world.client("teacher").get("/")
    assert b"Asked for help today" in home.content
    assert b"Ada Kowalska" in home.content
    # Only the lead: another pastoral lead's home stays quiet.
    assert b"Asked for help today" not in world.client("pastoral").get("/").content


def test_forming_a_group_is_safe_to_send_twice(world: World) -> None:
    client = world.client("teacher")
    data = {"name": "Quiet room", "subjects": "", "year_group": str(world.year7.pk)}
    data["once"] = str(uuid.uuid4())
    first = client.post("/support/groups/new/", data)
    second = client.post("/support/groups/new/", data)
    assert first.status_code == 302 and second.status_code == 302
    assert StudyGroup.objects.filter(name="Quiet room").count() == 1
    empty = client.post("/support/groups/new/", {"name": " ", "once": str(uuid.uuid4())})
    assert empty.status_code == 400


def test_the_menu_and_the_audit_log_name_study_groups(world: World) -> None:
    assert "Study groups" in world.client("teacher").get("/").content.decode()
    assert "Study groups" not in world.client("office").get("/").content.decode()
    group = form_group(world)
    world.client("pupil").post(f"/support/groups/{group.pk}/checkin/", {"answer": "on_it"})
    log = world.client("dsl").get("/audit/").content.decode()
    assert "added Ada Kowalska to the study group Homework club" in log
    assert "checked in to their study group" in log


def test_the_pupils_page_in_fixed_queries(world: World) -> None:
    group = form_group(world)
    client = world.client("pupil")
    client.get("/support/groups/today/")
    with CaptureQueriesContext(connection) as few:
        client.get("/support/groups/today/")
    today = timezone.localdate()
    for n in range(5):
        pupil = second_member(world, group, first=f"Pupil{n}")
        CheckIn.objects.create(
            school=world.oakfield, group=group, pupil=pupil, day=today, answer="on_it"
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/support/groups/today/")
    assert page.content.count(b": On it") == 5
    assert len(many) == len(few)


def test_the_leads_week_is_school_days_and_any_day_someone_checked_in(world: World) -> None:
    from schoolwindow.schools.models import AcademicYear, Closure, Term

    group = form_group(world)
    member = group.members.get()
    sunday = dt.date(2026, 12, 6)
    # No calendar yet: the weekdays of the last seven days.
    week = selectors.group_week(group, sunday)
    assert [day.isoformat() for day in week.days] == [
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
    ]
    # A calendar with a closure: the last five school days; a Saturday check-in is shown too.
    year = AcademicYear.objects.create(
        school=world.oakfield, name="2026/27", start=dt.date(2026, 9, 1), end=dt.date(2027, 7, 20)
    )
    Term.objects.create(
        school=world.oakfield,
        academic_year=year,
        name="Autumn",
        start=dt.date(2026, 9, 3),
        end=dt.date(2026, 12, 18),
    )
    Closure.objects.create(school=world.oakfield, date=dt.date(2026, 12, 2), kind="inset")
    CheckIn.objects.create(
        school=world.oakfield,
        group=group,
        pupil_id=member.pupil_id,
        day=dt.date(2026, 12, 5),
        answer="on_it",
    )
    week = selectors.group_week(group, sunday)
    assert [day.isoformat() for day in week.days] == [
        "2026-11-27",
        "2026-11-30",
        "2026-12-01",
        "2026-12-03",
        "2026-12-04",
        "2026-12-05",
    ]
    assert week.rows[0].cells[-1][1] == "on_it"
