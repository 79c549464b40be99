"""Booking a parents' evening: holds and their expiry, separated parents, closing time, and a
restricted guardian who never sees or books for the child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwindow.core.errors import Invalid, NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.events import services
from schoolwindow.portal.events.models import Appointment, AppointmentStatus, Attendee, Slot
from tests.portal.events.conftest import EventsWorld

pytestmark = pytest.mark.django_db


def maria(ew: EventsWorld) -> Actor:
    return actor_for(ew.world.maria.user)


def tom(ew: EventsWorld) -> Actor:
    return actor_for(ew.tom.user)


def teacher_slots(ew: EventsWorld) -> list[Slot]:
    staff = ew.world.staff["teacher"]
    return [slot for slot in ew.slots() if slot.staff_id == staff.pk]


def test_a_hold_keeps_the_slot_then_confirming_books_it(ew: EventsWorld) -> None:
    slot = teacher_slots(ew)[0]
    held = services.appointment_hold(actor=maria(ew), slot_id=slot.pk, pupil_id=ew.world.ada.pk)
    assert held.status == AppointmentStatus.HELD
    with pytest.raises(Invalid):
        services.appointment_hold(actor=tom(ew), slot_id=slot.pk, pupil_id=ew.world.ada.pk)
    booked = services.appointment_confirm(
        actor=maria(ew), appointment_id=held.pk, mode="video", interpreter_language="Polish"
    )
    assert booked.status == AppointmentStatus.BOOKED
    assert booked.interpreter_language == "Polish"


def test_an_expired_hold_is_free_for_the_next_parent(ew: EventsWorld) -> None:
    slot = teacher_slots(ew)[0]
    now = timezone.now()
    held = services.appointment_hold(
        actor=maria(ew), slot_id=slot.pk, pupil_id=ew.world.ada.pk, now=now
    )
    later = now + dt.timedelta(minutes=services.HOLD_MINUTES, seconds=1)
    taken = services.appointment_hold(
        actor=tom(ew), slot_id=slot.pk, pupil_id=ew.world.ada.pk, now=later
    )
    held.refresh_from_db()
    assert held.status == AppointmentStatus.CANCELLED
    assert taken.guardian_id == ew.tom.pk
    # The first parent's hold ran out: confirming it now is refused, nothing is overwritten.
    with pytest.raises(Invalid):
        services.appointment_confirm(
            actor=maria(ew), appointment_id=held.pk, mode="in_person", now=later
        )


def test_separated_parents_each_book_their_own_appointment(ew: EventsWorld) -> None:
    first, second = teacher_slots(ew)[:2]
    mine = services.appointment_hold(actor=maria(ew), slot_id=first.pk, pupil_id=ew.world.ada.pk)
    services.appointment_confirm(actor=maria(ew), appointment_id=mine.pk, mode="in_person")
    his = services.appointment_hold(actor=tom(ew), slot_id=second.pk, pupil_id=ew.world.ada.pk)
    services.appointment_confirm(actor=tom(ew), appointment_id=his.pk, mode="phone")
    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED, pupil=ew.world.ada)
    assert {a.guardian_id for a in booked} == {ew.world.maria.pk, ew.tom.pk}


def test_the_other_parent_joins_rather_than_overwrites(ew: EventsWorld) -> None:
    slot = teacher_slots(ew)[0]
    mine = services.appointment_hold(actor=maria(ew), slot_id=slot.pk, pupil_id=ew.world.ada.pk)
    services.appointment_confirm(actor=maria(ew), appointment_id=mine.pk, mode="in_person")
    with pytest.raises(Invalid):
        services.appointment_hold(actor=tom(ew), slot_id=slot.pk, pupil_id=ew.world.ada.pk)
    joined = services.appointment_join(actor=tom(ew), appointment_id=mine.pk)
    assert joined.guardian_id == ew.world.maria.pk
    assert joined.sequence == 1
    assert Attendee.objects.filter(appointment=mine, guardian=ew.tom).exists()
    # Tom leaving does not cancel Maria's booking.
    services.appointment_cancel(actor=tom(ew), appointment_id=mine.pk)
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.BOOKED


def test_changing_the_time_cancels_the_old_booking(ew: EventsWorld) -> None:
    first, second = teacher_slots(ew)[:2]
    one = services.appointment_hold(actor=maria(ew), slot_id=first.pk, pupil_id=ew.world.ada.pk)
    services.appointment_confirm(actor=maria(ew), appointment_id=one.pk, mode="in_person")
    two = services.appointment_hold(actor=maria(ew), slot_id=second.pk, pupil_id=ew.world.ada.pk)
    services.appointment_confirm(actor=maria(ew), appointment_id=two.pk, mode="in_person")
    one.refresh_from_db()
    assert one.status == AppointmentStatus.CANCELLED
    assert one.sequence == 1


def test_a_slot_closes_a_set_time_before_it_starts(ew: EventsWorld) -> None:
    slot = teacher_slots(ew)[0]
    closing = slot.starts_at - dt.timedelta(minutes=ew.evening.close_minutes)
    with pytest.raises(Invalid):
        services.appointment_hold(
            actor=maria(ew), slot_id=slot.pk, pupil_id=ew.world.ada.pk, now=closing
        )
    held = services.appointment_hold(
        actor=maria(ew),
        slot_id=slot.pk,
        pupil_id=ew.world.ada.pk,
        now=closing - dt.timedelta(minutes=10),
    )
    services.appointment_confirm(
        actor=maria(ew),
        appointment_id=held.pk,
        mode="in_person",
        now=closing - dt.timedelta(minutes=9),
    )
    with pytest.raises(Invalid):
        services.appointment_cancel(actor=maria(ew), appointment_id=held.pk, now=closing)


def test_booking_has_not_opened_yet(ew: EventsWorld) -> None:
    ew.evening.opens_at = timezone.now() + dt.timedelta(hours=1)
    ew.evening.save()
    with pytest.raises(Invalid):
        services.appointment_hold(
            actor=maria(ew), slot_id=teacher_slots(ew)[0].pk, pupil_id=ew.world.ada.pk
        )


def test_a_restricted_guardian_never_books_for_the_child(ew: EventsWorld) -> None:
    piotr = actor_for(ew.world.piotr.user)
    with pytest.raises(NotFound):
        services.appointment_hold(
            actor=piotr, slot_id=teacher_slots(ew)[0].pk, pupil_id=ew.world.ada.pk
        )
    url = reverse("portal_events:family_evening", kwargs={"evening_id": ew.evening.pk})
    assert ew.client("restricted").get(url).status_code == 404


def test_holding_twice_by_post_is_one_hold(ew: EventsWorld) -> None:
    client = ew.client("parent")
    url = reverse("portal_events:hold", kwargs={"evening_id": ew.evening.pk})
    slot = teacher_slots(ew)[0]
    data = {
        "slot": slot.pk,
        "child": ew.world.ada.pk,
        "once": "7b0a6f3e-3a55-4d5a-9d2c-3f7f2d1a9e10",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302
    assert second.status_code == 302
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_the_js_off_flow_books_through_plain_forms(ew: EventsWorld) -> None:
    client = ew.client("parent")
    slot = teacher_slots(ew)[0]
    response = client.post(
        reverse("portal_events:hold", kwargs={"evening_id": ew.evening.pk}),
        {"slot": slot.pk, "child": ew.world.ada.pk},
    )
    assert response.status_code == 302
    page = response["Location"]
    assert client.get(page).status_code == 200
    bad = client.post(page, {"mode": "video", "interpreter": "on", "language": ""})
    assert bad.status_code == 400
    done = client.post(page, {"mode": "video", "interpreter": "on", "language": "Polish"})
    assert done.status_code == 302
    appointment = Appointment.objects.get(slot=slot)
    assert appointment.status == AppointmentStatus.BOOKED
    assert "meet.oakfield.example" in client.get(page).content.decode()
