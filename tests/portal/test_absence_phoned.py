"""The office writes down an absence a family phoned in (then confirms it on the same path as
a family's report); the family who reported is told by a short message when it is recorded; the
first-day calling list puts those away most recently first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid
from schoolwindow.engagement.models import AttendanceMark
from schoolwindow.messaging.models import Message
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.absence import services
from schoolwindow.portal.absence.models import AbsenceReport, AbsenceSettings
from tests.factories import PupilFactory, guardian_of
from tests.pages.conftest import World
from tests.portal.conftest import client_for, next_school_day, report_for

URL = reverse("portal_absence:phoned")
ROLES = {
    "office": 200,
    "leader": 200,
    "pastoral": 403,
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


@pytest.mark.parametrize(("role", "expected"), ROLES.items())
def test_who_may_write_down_a_phoned_absence(world: World, role: str, expected: int) -> None:
    client = client_for(world, role)
    assert client.get(URL).status_code == expected
    assert client.get(f"{URL}?pupil={world.ada.pk}").status_code == expected


def test_a_pupil_elsewhere_is_not_found(world: World) -> None:
    client = client_for(world, "office")
    assert client.get(f"{URL}?pupil={world.outsider.pk}").status_code == 404
    assert client.get(f"{URL}?pupil=abc").status_code == 404


def test_finding_the_pupil(world: World, english: None) -> None:
    page = client_for(world, "office").get(f"{URL}?q=kowal").content.decode()
    assert "Ada Kowalska" in page
    assert "Olly" not in page


def _form(day: dt.date, **extra: str) -> dict[str, str]:
    return {
        "first_day": str(day.day),
        "first_month": str(day.month),
        "first_year": str(day.year),
        "part": "whole",
        "reason": "ill",
        **extra,
    }


def test_the_office_writes_it_down_once_and_confirms_it(world: World, english: None) -> None:
    day = next_school_day()
    client = client_for(world, "office")
    sent = _form(day, guardian=str(world.maria.pk), once="5c0f9a52-1d1b-4c59-9a43-0d6f4f0d3a11")
    response = client.post(f"{URL}?pupil={world.ada.pk}", sent)
    report = AbsenceReport.objects.get()
    assert response["Location"] == reverse("portal_absence:confirm", args=[report.pk])
    assert report.guardian_id == world.maria.pk
    assert report.taken_by_id == world.staff["office"].user_id
    again = client.post(f"{URL}?pupil={world.ada.pk}", sent, follow=True)
    assert "already written down" in again.content.decode()
    assert AbsenceReport.objects.count() == 1
    assert "by phone" in client.get(reverse("portal_absence:office")).content.decode()
    client.post(reverse("portal_absence:confirm", args=[report.pk]), {"code": "I"})
    assert AttendanceMark.objects.filter(pupil=world.ada, date=day).count() == 2
    assert AuditEvent.objects.filter(action="absence.phoned_in").count() == 1


def test_bad_dates_are_named_and_nothing_is_written(world: World, english: None) -> None:
    day = next_school_day()
    sent = _form(day, first_month="", detail="Rang at 8.10")
    response = client_for(world, "office").post(f"{URL}?pupil={world.ada.pk}", sent)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The date must include a month" in page
    assert "Rang at 8.10" in page
    assert not AbsenceReport.objects.exists()


def test_a_guardian_under_a_restriction_is_never_who_rang(world: World) -> None:
    office = actor_for(world.staff["office"].user)
    with pytest.raises(Invalid):
        services.absence_phoned_in(
            actor=office,
            pupil_id=world.ada.pk,
            guardian_id=world.piotr.pk,
            first_day=next_school_day(),
            last_day=next_school_day(),
            part="whole",
            reason="ill",
        )
    page = client_for(world, "office").get(f"{URL}?pupil={world.ada.pk}").content.decode()
    assert "Piotr" not in page


def test_confirming_tells_the_family_in_their_language(world: World) -> None:
    report = report_for(world)  # from Maria, whose language is Polish
    client_for(world, "office").post(
        reverse("portal_absence:confirm", args=[report.pk]), {"code": "I"}
    )
    message = Message.objects.get()
    assert "Ada" in message.body
    assert "Dziękujemy za informację" in message.body
    event = AuditEvent.objects.get(action="absence.confirmed")
    assert event.detail["family_told"] is True


def test_a_phoned_absence_from_someone_else_tells_no_one(world: World) -> None:
    office = actor_for(world.staff["office"].user)
    report = services.absence_phoned_in(
        actor=office,
        pupil_id=world.ada.pk,
        first_day=next_school_day(),
        last_day=next_school_day(),
        part="whole",
        reason="ill",
    )
    services.absence_confirm(actor=office, report_id=report.pk, code="I")
    assert not Message.objects.exists()


def test_the_calling_list_puts_those_away_most_recently_first(world: World, english: None) -> None:
    AbsenceSettings.objects.create(school=world.oakfield, calling_time=dt.time(0, 0))
    today = timezone.localdate()
    recent = PupilFactory(school=world.oakfield, legal_first_name="Zed", legal_last_name="Zulu")
    earlier = PupilFactory(school=world.oakfield, legal_first_name="Yan", legal_last_name="Young")
    for pupil in (recent, earlier):
        guardian_of(pupil, first_name="Parent", last_name=pupil.legal_last_name)
    for pupil, days in ((recent, 1), (earlier, 9)):
        AttendanceMark.objects.create(
            school=world.oakfield,
            pupil=pupil,
            date=today - dt.timedelta(days=days),
            session="AM",
            code="I",
            category="authorised",
        )
    page = client_for(world, "office").get(reverse("portal_absence:calling")).content.decode()
    assert page.index("Zed Zulu") < page.index("Yan Young") < page.index("Ada Kowalska")
    assert "Last away" in page
