"""First-day calling: who may see the list, who is on it, the numbers it offers (never one of a
guardian under a contact restriction), and the school's time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.engagement.models import AttendanceMark
from schoolwindow.portal.absence.models import AbsenceReport, AbsenceSettings
from tests.factories import PupilFactory, guardian_of
from tests.pages.conftest import RESTRICTED_PHONE, World
from tests.portal.conftest import client_for

URL = reverse("portal_absence:calling")
ROLES = {
    "office": 200,
    "leader": 200,
    "pastoral": 200,
    "teacher": 403,
    "advocate": 403,
    "flo": 403,
    "dsl": 403,
    "parent": 404,
    "other_parent": 404,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
}


def open_now(world: World) -> None:
    AbsenceSettings.objects.create(school=world.oakfield, calling_time=dt.time(0, 0))


@pytest.mark.parametrize(("role", "expected"), ROLES.items())
def test_who_sees_the_calling_list(world: World, role: str, expected: int) -> None:
    assert client_for(world, role).get(URL).status_code == expected


def test_the_list_names_who_to_call_never_a_restricted_guardian(
    world: World, english: None
) -> None:
    open_now(world)
    today = timezone.localdate()
    AttendanceMark.objects.create(
        school=world.oakfield,
        pupil=world.cara,
        date=today,
        session="AM",
        code="/",
        category="present",
    )
    page = client_for(world, "office").get(URL).content.decode()
    assert "Ada Kowalska" in page
    assert "07700 900111" in page  # Maria
    assert RESTRICTED_PHONE not in page  # Piotr
    assert "Cara" not in page  # in the register
    log = reverse("messaging:contact_log", kwargs={"pupil_id": world.ada.pk})
    assert log in page
    for role in ("office", "leader", "pastoral"):  # each who sees the list may log the call
        assert client_for(world, role).get(log).status_code == 200


def test_a_family_report_or_an_afternoon_only_report(world: World) -> None:
    open_now(world)
    today = timezone.localdate()
    report = AbsenceReport.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        guardian=world.maria,
        first_day=today,
        last_day=today,
        part="PM",
        reason="medical",
    )
    assert "Ada Kowalska" in client_for(world, "office").get(URL).content.decode()
    report.part = "AM"
    report.save()
    assert "Ada Kowalska" not in client_for(world, "office").get(URL).content.decode()


def test_before_the_time_the_list_is_closed(world: World, english: None) -> None:
    AbsenceSettings.objects.create(school=world.oakfield, calling_time=dt.time(23, 59, 59))
    page = client_for(world, "office").get(URL).content.decode()
    assert "The list opens at 23:59" in page
    assert "Ada Kowalska" not in page


def test_the_office_sets_the_time_pastoral_may_not(world: World) -> None:
    assert client_for(world, "pastoral").post(URL, {"calling_time": "10:00"}).status_code == 403
    assert client_for(world, "office").post(URL, {"calling_time": "nonsense"}).status_code == 400
    assert client_for(world, "office").post(URL, {"calling_time": "10:15"}).status_code == 302
    assert AbsenceSettings.objects.get().calling_time == dt.time(10, 15)


def _queries(world: World) -> int:
    client = client_for(world, "office")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_whatever_its_length(world: World) -> None:
    open_now(world)
    few = _queries(world)
    for index in range(12):
        pupil = PupilFactory(school=world.oakfield, legal_first_name=f"P{index}")
        guardian_of(pupil, with_login=False, phone=f"0770090{index:04d}")
    assert _queries(world) == few
