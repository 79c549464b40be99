"""A parent reports an absence, once; bad input is named box by box and loses nothing; the office
confirms it into the register, never over a mark already taken unless it chooses to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.engagement.models import AttendanceMark, PupilDay
from schoolwindow.portal.absence.models import AbsenceReport
from tests.pages.conftest import World
from tests.portal.conftest import client_for, next_school_day, report_for

TOKEN = "6f1d1c64-58b5-4c1e-9a3e-2a54c1e1f0aa"


def form(world: World, day: dt.date, **changes: Any) -> dict[str, Any]:
    data = {
        "child": str(world.ada.pk),
        "first_day": str(day.day),
        "first_month": str(day.month),
        "first_year": str(day.year),
        "last_day": "",
        "last_month": "",
        "last_year": "",
        "part": "PM",
        "reason": "medical",
        "detail": "Dentist at 1pm",
        "once": TOKEN,
    }
    data.update(changes)
    return data


def test_a_parent_reports_a_half_day_and_sees_it_received(world: World, english: None) -> None:
    day = next_school_day()
    client = client_for(world, "parent")
    response = client.post(reverse("portal_absence:new"), form(world, day))
    assert response.status_code == 302
    report = AbsenceReport.objects.get()
    assert (report.pupil_id, report.first_day, report.last_day, report.part) == (
        world.ada.pk,
        day,
        day,
        "PM",
    )
    assert report.guardian_id == world.maria.pk
    page = client.get(response["Location"]).content.decode()
    assert "Received by the school" in page
    assert AuditEvent.objects.filter(action="absence.reported").count() == 1


def test_sending_the_same_form_twice_makes_one_report(world: World, english: None) -> None:
    day = next_school_day()
    client = client_for(world, "parent")
    first = client.post(reverse("portal_absence:new"), form(world, day))
    again = client.post(reverse("portal_absence:new"), form(world, day), follow=True)
    assert AbsenceReport.objects.count() == 1
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "This absence was already sent." in again.content.decode()


def test_two_tabs_sending_the_same_absence_make_one_report(world: World, english: None) -> None:
    day = next_school_day()
    client = client_for(world, "parent")
    first = client.post(reverse("portal_absence:new"), form(world, day))
    other_tab = form(world, day, once="0b5e7a7e-3c1a-4c43-9d0e-8f9b7c1d2e3f")
    again = client.post(reverse("portal_absence:new"), other_tab, follow=True)
    assert AbsenceReport.objects.count() == 1
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "This absence was already sent." in again.content.decode()
    # A different afternoon is a report of its own.
    later = next_school_day(day)
    client.post(reverse("portal_absence:new"), form(world, later, once=""))
    assert AbsenceReport.objects.count() == 2


def test_a_child_at_the_other_school_can_be_chosen(world: World) -> None:
    day = next_school_day()
    client = client_for(world, "parent")
    page = client.get(reverse("portal_absence:new")).content.decode()
    assert "Brookside Primary" in page and "Oakfield Academy" in page
    client.post(reverse("portal_absence:new"), form(world, day, child=str(world.ben.pk)))
    assert AbsenceReport.objects.get().school_id == world.brookside.pk


def test_a_date_missing_its_month_is_named_and_nothing_is_lost(world: World, english: None) -> None:
    day = next_school_day()
    client = client_for(world, "parent")
    response = client.post(reverse("portal_absence:new"), form(world, day, first_month=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "First day away: The date must include a month" in page
    assert 'href="#id_first_month"' in page
    assert "Dentist at 1pm" in page
    assert f'value="{day.year}"' in page
    assert not AbsenceReport.objects.exists()


def test_bad_dates_and_choices_are_refused(world: World, english: None) -> None:
    day = next_school_day()
    later = day + dt.timedelta(days=7)
    cases = [
        ({"first_month": "13"}, "The month must be between 1 and 12"),
        ({"first_day": "x"}, "Enter numbers only"),
        ({"first_day": "31", "first_month": "2"}, "That day does not exist in that month"),
        ({"first_day": "", "first_month": "", "first_year": ""}, "Enter the date"),
        (
            {
                "last_day": str(later.day),
                "last_month": str(later.month),
                "last_year": str(later.year),
            },
            "A half day can only be one day",
        ),
        ({"reason": "other", "detail": ""}, "Tell us in a few words"),
        ({"child": str(world.cara.pk)}, "Select a valid choice"),
    ]
    client = client_for(world, "parent")
    for changes, message in cases:
        response = client.post(reverse("portal_absence:new"), form(world, day, once="", **changes))
        assert response.status_code == 400, changes
        assert message in response.content.decode(), changes
    earlier = day - dt.timedelta(days=1)
    response = client.post(
        reverse("portal_absence:new"),
        form(
            world,
            day,
            once="",
            part="whole",
            last_day=str(earlier.day),
            last_month=str(earlier.month),
            last_year=str(earlier.year),
        ),
    )
    assert "The last day must be the same as or after the first day." in response.content.decode()
    assert not AbsenceReport.objects.exists()


def test_confirming_writes_the_marks_and_the_daily_facts(world: World, english: None) -> None:
    report = report_for(world, reason="ill")
    url = reverse("portal_absence:confirm", kwargs={"report_id": report.pk})
    response = client_for(world, "office").post(url, {"code": "I"})
    assert response.status_code == 302
    marks = AttendanceMark.objects.filter(pupil=world.ada).order_by("session")
    assert [(m.date, m.session, m.code, m.category) for m in marks] == [
        (report.first_day, "AM", "I", "authorised"),
        (report.first_day, "PM", "I", "authorised"),
    ]
    day = PupilDay.objects.get(pupil=world.ada, date=report.first_day)
    assert (day.sessions_possible, day.sessions_authorised) == (2, 2)
    report.refresh_from_db()
    assert (report.status, report.code) == ("confirmed", "I")
    parent_page = client_for(world, "parent").get(
        reverse("portal_absence:report", kwargs={"report_id": report.pk})
    )
    assert "Recorded in the register" in parent_page.content.decode()


def test_the_office_may_change_the_suggested_code(world: World) -> None:
    report = report_for(world, part="AM", reason="other")
    url = reverse("portal_absence:confirm", kwargs={"report_id": report.pk})
    client_for(world, "leader").post(url, {"code": "C"})
    assert list(AttendanceMark.objects.values_list("session", "code")) == [("AM", "C")]


def test_a_code_that_is_not_an_absence_is_refused(world: World) -> None:
    report = report_for(world)
    url = reverse("portal_absence:confirm", kwargs={"report_id": report.pk})
    assert client_for(world, "office").post(url, {"code": "/"}).status_code == 400
    assert not AttendanceMark.objects.exists()


def test_a_mark_already_taken_is_never_silently_overwritten(world: World, english: None) -> None:
    report = report_for(world, reason="ill")
    AttendanceMark.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        date=report.first_day,
        session="AM",
        code="/",
        category="present",
    )
    url = reverse("portal_absence:confirm", kwargs={"report_id": report.pk})
    client = client_for(world, "office")
    page = client.get(url).content.decode()
    assert "the register already says /" in page
    response = client.post(url, {"code": "I"})
    assert response.status_code == 400
    assert "A mark is already in the register" in response.content.decode()
    assert AttendanceMark.objects.count() == 1
    assert AttendanceMark.objects.get().code == "/"
    report.refresh_from_db()
    assert report.status == "received"

    # Keeping the register's mark writes only the afternoon.
    key = f"mark_{report.first_day.isoformat()}_AM"
    assert client.post(url, {"code": "I", key: "keep"}).status_code == 302
    marks = dict(AttendanceMark.objects.values_list("session", "code"))
    assert marks == {"AM": "/", "PM": "I"}


def test_the_office_may_choose_to_replace_a_mark(world: World) -> None:
    report = report_for(world, part="AM", reason="ill")
    AttendanceMark.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        date=report.first_day,
        session="AM",
        code="N",
        category="unauthorised",
    )
    url = reverse("portal_absence:confirm", kwargs={"report_id": report.pk})
    key = f"mark_{report.first_day.isoformat()}_AM"
    assert client_for(world, "office").post(url, {"code": "I", key: "replace"}).status_code == 302
    assert AttendanceMark.objects.get().code == "I"
    event = AuditEvent.objects.get(action="attendance.mark_recorded")
    assert event.detail["replaced"] == "N"


def test_confirming_twice_writes_once(world: World, english: None) -> None:
    report = report_for(world)
    url = reverse("portal_absence:confirm", kwargs={"report_id": report.pk})
    client = client_for(world, "office")
    client.post(url, {"code": "I"})
    again = client.post(url, {"code": "M"}, follow=True)
    assert "This absence was already recorded in the register." in again.content.decode()
    assert set(AttendanceMark.objects.values_list("code", flat=True)) == {"I"}
    assert AuditEvent.objects.filter(action="absence.confirmed").count() == 1


def test_the_form_is_in_polish_for_a_polish_family(world: World) -> None:
    client = client_for(world, "parent")
    page = client.get(reverse("portal_absence:new"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Powiadom szkołę o nieobecności dziecka" in page
    assert "Miesiąc" in page
