"""Many parents pressing the same slot at the same moment: one gets it, the others are told it
has just gone; never two live appointments in one slot. And the two parents of one child, each
booking a time with the same teacher at once, both succeed without overwriting each other.

On PostgreSQL only, as the other concurrency tests: SQLite's in-memory test database refuses a
second writer at once instead of queueing it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from schoolwindow.core.errors import Invalid
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.events import services
from schoolwindow.portal.events.models import LIVE, Appointment, AppointmentStatus, Slot
from tests.factories import PupilFactory, guardian_of
from tests.pages.conftest import enrol
from tests.portal.events.conftest import build_events_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def race(work: list[object]) -> list[str]:
    barrier = threading.Barrier(len(work))
    results: list[str] = []

    def run(job: object) -> None:
        try:
            barrier.wait(timeout=10)
            job()  # type: ignore[operator]
            results.append("ok")
        except Invalid:
            results.append("taken")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_eight_parents_one_slot_one_booking() -> None:
    ew = build_events_world()
    slot = Slot.objects.filter(evening=ew.evening, staff=ew.world.staff["teacher"]).first()
    assert slot is not None
    parents = []
    for number in range(8):
        pupil = PupilFactory(school=ew.world.oakfield, year_group=ew.world.year7)
        enrol(pupil, ew.world.class_7r)
        guardian = guardian_of(pupil, first_name=f"Parent{number}")
        parents.append((actor_for(guardian.user), pupil.pk))

    def job(actor: object, pupil_id: int) -> object:
        return lambda: services.appointment_hold(actor=actor, slot_id=slot.pk, pupil_id=pupil_id)  # type: ignore[arg-type]

    results = race([job(actor, pupil_id) for actor, pupil_id in parents])
    assert sorted(results) == ["ok"] + ["taken"] * 7
    assert Appointment.objects.filter(slot=slot, status__in=LIVE).count() == 1


def test_two_parents_of_one_child_book_at_once() -> None:
    ew = build_events_world()
    first, second = list(Slot.objects.filter(evening=ew.evening, staff=ew.world.staff["teacher"]))[
        :2
    ]
    maria, tom = actor_for(ew.world.maria.user), actor_for(ew.tom.user)

    def book(actor: object, slot: Slot) -> object:
        def go() -> None:
            held = services.appointment_hold(actor=actor, slot_id=slot.pk, pupil_id=ew.world.ada.pk)  # type: ignore[arg-type]
            services.appointment_confirm(actor=actor, appointment_id=held.pk, mode="in_person")  # type: ignore[arg-type]

        return go

    assert race([book(maria, first), book(tom, second)]) == ["ok", "ok"]
    booked = Appointment.objects.filter(pupil=ew.world.ada, status=AppointmentStatus.BOOKED)
    assert {a.guardian_id for a in booked} == {ew.world.maria.pk, ew.tom.pk}
