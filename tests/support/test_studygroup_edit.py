"""Changing a study group after it is formed: its name, subjects and text time, or closing it.
Who may (the lead and the school's managers), what is audited, and that a closed group gets no
more daily texts and takes no more check-ins."""

from __future__ import annotations

import datetime as dt

import pytest

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, NotFound
from schoolwindow.support.studygroups import services, texts
from schoolwindow.support.studygroups.models import CheckIn, CheckInText, StudyGroup
from tests.pages.conftest import ALL_ROLES, World
from tests.support.conftest import actor
from tests.support.test_studygroup_texts import MEMBER_TEXT, by_text
from tests.support.test_studygroups import form_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# The same people who may choose how a member checks in: the lead and the school's managers.
EDIT = MEMBER_TEXT


def edit_url(group: StudyGroup) -> str:
    return f"/support/groups/{group.pk}/edit/"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_open_the_edit_page(world: World, role: str) -> None:
    group = form_group(world)
    assert world.client(role).get(edit_url(group)).status_code == EDIT[role]


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if EDIT[r] != 200])
def test_who_may_not_change_the_group(world: World, role: str) -> None:
    group = form_group(world)
    data = {"name": "Taken", "subjects": "", "text_at": "09:00"}
    assert world.client(role).post(edit_url(group), data).status_code == EDIT[role]
    group.refresh_from_db()
    assert (group.name, group.active) == ("Homework club", True)


def test_the_lead_changes_the_name_and_text_time(world: World) -> None:
    group = form_group(world)
    client = world.client("teacher")
    page = client.get(edit_url(group)).content.decode()
    assert 'value="16:00"' in page and 'value="Homework club"' in page
    saved = client.post(
        edit_url(group),
        {
            "name": "Homework club (Y7)",
            "subjects": "Maths, English",
            "text_at": "17:15",
            "active": "on",
        },
    )
    assert saved.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.subjects, group.text_at, group.active) == (
        "Homework club (Y7)",
        "Maths, English",
        dt.time(17, 15),
        True,
    )
    event = AuditEvent.objects.get(action="studygroup.update")
    assert event.detail["changed"]["text_at"] == ["16:00:00", "17:15:00"]
    assert "check-in texts at 17:15" in client.get(f"/support/groups/{group.pk}/").content.decode()
    log = world.client("dsl").get("/audit/").content.decode()
    assert "changed the study group Homework club (Y7)" in log


def test_bad_input_is_named_and_nothing_written(world: World) -> None:
    group = form_group(world)
    bad = world.client("teacher").post(
        edit_url(group), {"name": "New name", "subjects": "", "text_at": "25:99", "active": "on"}
    )
    assert bad.status_code == 400
    assert "New name" in bad.content.decode()  # what was typed is kept
    with pytest.raises(Invalid):
        services.study_group_update(
            actor=actor(world, "teacher"),
            group_id=group.pk,
            name="  ",
            subjects="",
            text_at=dt.time(16, 0),
            active=True,
        )
    group.refresh_from_db()
    assert group.name == "Homework club"
    assert not AuditEvent.objects.filter(action="studygroup.update").exists()


def test_a_manager_who_does_not_lead_may_change_it_a_teacher_who_does_not_may_not(
    world: World,
) -> None:
    group = form_group(world)
    services.study_group_update(
        actor=actor(world, "pastoral"),
        group_id=group.pk,
        name="Renamed",
        subjects="",
        text_at=dt.time(16, 0),
        active=True,
    )
    with pytest.raises(NotFound):
        services.study_group_update(
            actor=actor(world, "advocate"),
            group_id=group.pk,
            name="Mine now",
            subjects="",
            text_at=dt.time(16, 0),
            active=True,
        )


def test_closing_stops_the_texts_and_the_check_ins(world: World, open_every_day: None) -> None:
    group = by_text(world)
    today = dt.date(2026, 11, 30)
    assert texts.checkin_texts_queue(today=today).queued == 1
    page = world.client("teacher").post(
        edit_url(group), {"name": group.name, "subjects": "", "text_at": "16:00"}
    )
    assert page.status_code == 302
    group.refresh_from_db()
    assert not group.active
    assert AuditEvent.objects.filter(action="studygroup.close").count() == 1
    closed = world.client("teacher").get(f"/support/groups/{group.pk}/").content.decode()
    assert "This group is closed" in closed
    # The next school day: no text for the closed group.
    assert texts.checkin_texts_queue(today=today + dt.timedelta(days=1)).queued == 0
    assert CheckInText.objects.count() == 1
    # A reply, or a tap, is not taken any more.
    assert (
        services.checkin_by_text(
            actor=actor(world, "teacher"),
            group_id=group.pk,
            pupil_id=world.ada.pk,
            answer="on_it",
            today=today + dt.timedelta(days=1),
        )
        is None
    )
    assert not CheckIn.objects.exists()
    # Opened again, the texts come back.
    services.study_group_update(
        actor=actor(world, "teacher"),
        group_id=group.pk,
        name=group.name,
        subjects="",
        text_at=dt.time(16, 0),
        active=True,
    )
    assert AuditEvent.objects.filter(action="studygroup.reopen").count() == 1
    assert texts.checkin_texts_queue(today=today + dt.timedelta(days=2)).queued == 1


@pytest.fixture
def open_every_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(texts, "school_days", lambda **kw: [kw["start"]])
