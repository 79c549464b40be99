"""The events tests run in the portal's trust (tests/portal/conftest.py) plus: Tom, Ada's other
parent (separated, his own log-in, not restricted); an evening for Year 7 at Oakfield in three
days with the teacher of 7R (Ada's class), booking open since yesterday, closing 24 hours before
each slot; a whole-school event at Oakfield next week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Guardian
from schoolwindow.portal.events import services
from schoolwindow.portal.events.models import Evening, Event, Mode, Slot
from tests.conftest import signed_in_client
from tests.factories import guardian_of
from tests.pages.conftest import World
from tests.portal.conftest import build_portal_world, client_for


@dataclass
class EventsWorld:
    world: World
    tom: Guardian
    evening: Evening
    event: Event

    def client(self, role: str) -> Client:
        if role == "tom":
            return signed_in_client(self.tom.user)
        return client_for(self.world, role)

    def slots(self) -> list[Slot]:
        return list(Slot.objects.filter(evening=self.evening).order_by("starts_at"))


def build_events_world() -> EventsWorld:
    world = build_portal_world()
    tom = guardian_of(
        world.ada,
        first_name="Tom",
        last_name="Kowalski",
        relationship="father",
        email="tom@example.org",
        lives_with_pupil=False,
    )
    leader = actor_for(world.staff["leader"].user)
    day = timezone.localdate() + dt.timedelta(days=3)
    evening = services.evening_create(
        actor=leader,
        school_id=world.oakfield.pk,
        title="Year 7 parents' evening",
        date=day,
        starts=dt.time(16, 0),
        ends=dt.time(17, 0),
        slot_minutes=10,
        opens_at=timezone.now() - dt.timedelta(days=1),
        close_minutes=24 * 60,
        staff_ids=[world.staff["teacher"].pk, world.staff["pastoral"].pk],
        year_group_ids=[world.year7.pk],
        modes=[Mode.IN_PERSON, Mode.PHONE, Mode.VIDEO],
        video_url="https://meet.oakfield.example/room",
    )
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    event = services.event_create(
        actor=leader,
        school_id=world.oakfield.pk,
        title="Summer fair",
        description="Cakes, games; a raffle.",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location="The field",
    )
    return EventsWorld(world=world, tom=tom, evening=evening, event=event)


@pytest.fixture
def ew(db: None) -> EventsWorld:
    return build_events_world()
