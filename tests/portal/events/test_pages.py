"""Who may see each events page, and what each says.

Family pages: a parent with a child the page is about (the restricted father sees nothing of
Ada); staff pages: every member of staff sees evenings and their own schedule, managing needs
EVENTS_MANAGE (leader, office, pastoral; other staff 403); families and pupils 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwindow.people.actors import actor_for
from schoolwindow.portal.events import services
from schoolwindow.portal.events.models import Appointment, Rsvp, Slot
from tests.portal.events.conftest import EventsWorld

pytestmark = pytest.mark.django_db

STAFF = ["leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office"]
MANAGERS = ["leader", "pastoral", "office"]
OTHER_STAFF = ["teacher", "advocate", "flo", "dsl"]


def booked(ew: EventsWorld) -> Appointment:
    slot = Slot.objects.filter(evening=ew.evening, staff=ew.world.staff["teacher"]).first()
    assert slot is not None
    maria = actor_for(ew.world.maria.user)
    held = services.appointment_hold(actor=maria, slot_id=slot.pk, pupil_id=ew.world.ada.pk)
    return services.appointment_confirm(actor=maria, appointment_id=held.pk, mode="in_person")


def expect(ew: EventsWorld, url: str, statuses: dict[str, int]) -> None:
    for role, status in statuses.items():
        assert ew.client(role).get(url).status_code == status, (role, url)


FAMILY_LIST = {
    "parent": 200,
    "tom": 200,
    "other_parent": 200,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
    **dict.fromkeys(STAFF, 404),
}


def test_the_family_list(ew: EventsWorld) -> None:
    expect(ew, reverse("portal_events:family"), FAMILY_LIST)


def test_an_event_page(ew: EventsWorld) -> None:
    url = reverse("portal_events:family_event", kwargs={"event_id": ew.event.pk})
    expect(ew, url, FAMILY_LIST)


def test_an_event_for_another_school_is_not_found(ew: EventsWorld) -> None:
    ew.event.school = ew.world.brookside
    ew.event.save()
    url = reverse("portal_events:family_event", kwargs={"event_id": ew.event.pk})
    # Maria has Ben at Brookside: she sees it; Carol (Oakfield only) does not.
    expect(ew, url, {"parent": 200, "other_parent": 404, "tom": 404})


def test_the_evening_page(ew: EventsWorld) -> None:
    url = reverse("portal_events:family_evening", kwargs={"evening_id": ew.evening.pk})
    # Carol's Cara is in Year 7 too: she books for Cara; the restricted father sees nothing.
    expect(ew, url, FAMILY_LIST)


def test_an_appointment_page(ew: EventsWorld) -> None:
    appointment = booked(ew)
    url = reverse("portal_events:appointment", kwargs={"appointment_id": appointment.pk})
    statuses = {**FAMILY_LIST, "other_parent": 404}
    expect(ew, url, statuses)
    page = ew.client("tom").get(url).content.decode()
    assert "Join this appointment" in page or "Dołącz" in page


def test_calendar_settings(ew: EventsWorld) -> None:
    url = reverse("portal_events:calendar")
    expect(
        ew,
        url,
        {
            "parent": 200,
            "tom": 200,
            "restricted": 404,
            "pupil": 404,
            "trust_officer": 404,
            "anonymous": 302,
            **dict.fromkeys(STAFF, 200),
        },
    )


STAFF_LIST = {
    **dict.fromkeys(STAFF, 200),
    "parent": 404,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
}
MANAGE_PAGES = {
    **dict.fromkeys(MANAGERS, 200),
    **dict.fromkeys(OTHER_STAFF, 403),
    "parent": 404,
    "restricted": 404,
    "pupil": 404,
    "trust_officer": 404,
    "anonymous": 302,
}


def test_staff_pages_everyone_on_staff_sees(ew: EventsWorld) -> None:
    for url in (
        reverse("portal_events:staff"),
        reverse("portal_events:staff_evening", kwargs={"evening_id": ew.evening.pk}),
        reverse("portal_events:schedule", kwargs={"evening_id": ew.evening.pk}),
    ):
        expect(ew, url, STAFF_LIST)


def test_staff_pages_for_those_who_manage(ew: EventsWorld) -> None:
    for url in (
        reverse("portal_events:staff_event_new"),
        reverse("portal_events:staff_evening_new"),
        reverse("portal_events:staff_event", kwargs={"event_id": ew.event.pk}),
        reverse("portal_events:staff_event_edit", kwargs={"event_id": ew.event.pk}),
        reverse("portal_events:unbooked", kwargs={"evening_id": ew.evening.pk}),
    ):
        expect(ew, url, MANAGE_PAGES)


def test_an_evening_at_another_school_is_not_found(ew: EventsWorld) -> None:
    ew.evening.school = ew.world.elsewhere
    ew.evening.save()
    url = reverse("portal_events:staff_evening", kwargs={"evening_id": ew.evening.pk})
    assert ew.client("leader").get(url).status_code == 404


def test_the_teacher_sees_their_own_schedule(ew: EventsWorld) -> None:
    booked(ew)
    url = reverse("portal_events:schedule", kwargs={"evening_id": ew.evening.pk})
    page = ew.client("teacher").get(url).content.decode()
    assert "Ada" in page
    # Another teacher may not look at someone else's schedule.
    other = f"{url}?staff={ew.world.staff['teacher'].pk}"
    assert "Ada" not in ew.client("advocate").get(other).content.decode()
    assert "Ada" in ew.client("leader").get(other).content.decode()


def test_creating_an_event_twice_makes_one(ew: EventsWorld) -> None:
    client = ew.client("office")
    url = reverse("portal_events:staff_event_new") + f"?school={ew.world.oakfield.pk}"
    data = {
        "title": "Harvest festival",
        "day": "2030-10-01",
        "starts": "14:00",
        "ends": "15:00",
        "audience": "years",
        "year_groups": [ew.world.year7.pk],
        "once": "0f6d1f9c-8e21-4bde-9f0e-5e8f3b2a1c44",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    # A second tab (its own token) with the same event is one too.
    assert (
        client.post(url, {**data, "once": "1f6d1f9c-8e21-4bde-9f0e-5e8f3b2a1c44"}).status_code
        == 302
    )
    from schoolwindow.portal.events.models import Event

    assert Event.objects.filter(title="Harvest festival").count() == 1


def test_bad_input_says_what_is_wrong_and_keeps_the_rest(ew: EventsWorld) -> None:
    client = ew.client("office")
    url = reverse("portal_events:staff_event_new") + f"?school={ew.world.oakfield.pk}"
    response = client.post(
        url,
        {
            "title": "Quiz night",
            "day": "2030-10-01",
            "starts": "19:00",
            "ends": "18:00",
            "audience": "school",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Quiz night" in page
    assert "error-summary" in page


def test_replying_twice_changes_the_reply(ew: EventsWorld) -> None:
    client = ew.client("parent")
    url = reverse("portal_events:family_event", kwargs={"event_id": ew.event.pk})
    assert client.post(url, {"reply": "yes", "people": 3}).status_code == 302
    assert client.post(url, {"reply": "yes", "people": 3}).status_code == 302
    assert client.post(url, {"reply": "no"}).status_code == 302
    [rsvp] = Rsvp.objects.filter(event=ew.event)
    assert rsvp.reply == "no"
    assert client.post(url, {"reply": "yes", "people": 40}).status_code == 400


def test_reminders_are_counted_and_capped(ew: EventsWorld) -> None:
    client = ew.client("office")
    url = reverse("portal_events:staff_event", kwargs={"event_id": ew.event.pk})
    for _ in range(3):
        assert client.post(url, {"do": "remind"}).status_code == 302
    ew.event.refresh_from_db()
    assert ew.event.reminders_sent == services.MAX_REMINDERS


def test_reminders_skip_who_replied_and_the_restricted_guardian(ew: EventsWorld) -> None:
    Rsvp.objects.create(
        school=ew.world.oakfield, event=ew.event, guardian=ew.world.maria, reply="yes"
    )
    office = actor_for(ew.world.staff["office"].user)
    # Tom and Carol are reminded; Maria replied, Piotr may not be contacted.
    assert services.event_remind(actor=office, event_id=ew.event.pk) == 2


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lists_cost_the_same_whatever_their_size(ew: EventsWorld) -> None:
    booked(ew)
    Rsvp.objects.create(
        school=ew.world.oakfield, event=ew.event, guardian=ew.world.cara_parent, reply="no"
    )
    urls = {
        "leader": [
            reverse("portal_events:unbooked", kwargs={"evening_id": ew.evening.pk}),
            reverse("portal_events:staff"),
            reverse("portal_events:staff_event", kwargs={"event_id": ew.event.pk}),
        ],
        "teacher": [reverse("portal_events:schedule", kwargs={"evening_id": ew.evening.pk})],
        "parent": [
            reverse("portal_events:family"),
            reverse("portal_events:family_evening", kwargs={"evening_id": ew.evening.pk}),
        ],
    }
    before = {url: _queries(ew.client(role), url) for role, found in urls.items() for url in found}
    from tests.factories import PupilFactory, guardian_of

    leader = actor_for(ew.world.staff["leader"].user)
    for number in range(6):
        pupil = PupilFactory(
            school=ew.world.oakfield, year_group=ew.world.year7, legal_last_name=f"P{number}"
        )
        guardian = guardian_of(pupil, first_name=f"G{number}")
        Rsvp.objects.create(
            school=ew.world.oakfield, event=ew.event, guardian=guardian, reply="yes"
        )
        services.event_create(
            actor=leader,
            school_id=ew.world.oakfield.pk,
            title=f"Event {number}",
            description="",
            starts_at=ew.event.starts_at,
            ends_at=ew.event.ends_at,
        )
    slot = Slot.objects.filter(evening=ew.evening, staff=ew.world.staff["teacher"]).last()
    assert slot is not None
    tom = actor_for(ew.tom.user)
    held = services.appointment_hold(actor=tom, slot_id=slot.pk, pupil_id=ew.world.ada.pk)
    services.appointment_confirm(actor=tom, appointment_id=held.pk, mode="phone")
    after = {url: _queries(ew.client(role), url) for role, found in urls.items() for url in found}
    assert after == before


def test_the_booking_posts_per_role(ew: EventsWorld) -> None:
    appointment = booked(ew)
    join = reverse("portal_events:join", kwargs={"appointment_id": appointment.pk})
    cancel = reverse("portal_events:cancel", kwargs={"appointment_id": appointment.pk})
    hold = reverse("portal_events:hold", kwargs={"evening_id": ew.evening.pk})
    free = Slot.objects.filter(evening=ew.evening, staff=ew.world.staff["teacher"]).last()
    assert free is not None
    for role in ["other_parent", "restricted", "pupil", "trust_officer", *STAFF]:
        client = ew.client(role)
        assert client.post(join).status_code == 404, role
        assert client.post(cancel).status_code == 404, role
        # Carol may book for Cara, never for Ada; nobody else books at all.
        response = client.post(hold, {"slot": free.pk, "child": ew.world.ada.pk})
        assert response.status_code == 404, role
    assert ew.client("anonymous").post(join).status_code == 302
    assert not Appointment.objects.filter(pupil=ew.world.ada).exclude(pk=appointment.pk).exists()
    assert ew.client("tom").post(join).status_code == 302
    appointment.refresh_from_db()
    assert appointment.guardian_id == ew.world.maria.pk
    assert appointment.joined.filter(guardian=ew.tom).exists()


def test_a_teacher_may_not_change_how_families_meet_them(ew: EventsWorld) -> None:
    from schoolwindow.portal.events.models import EveningTeacher

    teacher = EveningTeacher.objects.filter(evening=ew.evening).first()
    assert teacher is not None
    url = reverse("portal_events:teacher", kwargs={"teacher_id": teacher.pk})
    data = {f"t{teacher.pk}-in_person": "on", f"t{teacher.pk}-room": "B12"}
    assert ew.client("teacher").post(url, data).status_code == 403
    assert ew.client("parent").post(url, data).status_code == 404
    assert ew.client("office").post(url, data).status_code == 302
    teacher.refresh_from_db()
    assert teacher.room == "B12"
    assert teacher.modes == ["in_person"]
