"""Two members of staff planning rounds from the same packed parcels at the same moment (and a
driver tapping "Delivered" three times at once): each parcel ends on one round, the other
planner is told plainly, and one tap is recorded.

On PostgreSQL only: the SQLite test database lives in memory with a shared cache, where
concurrent writers get "table is locked" at once instead of queueing as the file database does.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from schoolwindow.core.errors import Invalid
from schoolwindow.core.once import AlreadyDone
from schoolwindow.people.actors import actor_for
from schoolwindow.support.parcels import services
from schoolwindow.support.parcels.models import DeliveryRound, ParcelRequest, ParcelStatus
from tests.pages.conftest import build_pages_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def run_at_once(count: int, work: Callable[[int], str]) -> list[str]:
    barrier = threading.Barrier(count)
    results: list[str] = []

    def one(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work(index))
        except Invalid:
            results.append("refused")
        except AlreadyDone:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_planners_at_once_put_each_parcel_on_one_round() -> None:
    world = build_pages_world()
    flo, office = actor_for(world.staff["flo"].user), actor_for(world.staff["office"].user)
    req = services.parcel_request(
        actor=flo, pupil_ids=[world.ada.pk], kind="food", reason="Short", extra_items="Milk"
    )
    services.parcel_pack(
        actor=office,
        request_id=req.pk,
        packed_item_ids=list(req.items.values_list("pk", flat=True)),
        finished=True,
    )

    def plan(index: int) -> str:
        services.round_plan(
            actor=(flo, office)[index % 2],
            school_id=world.oakfield.pk,
            day=timezone.localdate(),
            driver_name=f"Driver {index}",
            driver_phone="",
            staff_contact_id=world.staff["flo"].pk,
            request_ids=[req.pk],
        )
        return "planned"

    results = run_at_once(4, plan)
    assert sorted(results) == ["planned", "refused", "refused", "refused"]
    assert DeliveryRound.objects.count() == 1
    req.refresh_from_db()
    assert req.status == ParcelStatus.OUT and req.stop_number == 1

    delivery_round = DeliveryRound.objects.get()
    token = uuid.uuid4()

    def tap(index: int) -> str:
        _req, changed = services.driver_confirm(
            delivery_round=delivery_round, request_id=req.pk, delivered=True, once=token
        )
        return "written" if changed else "unchanged"

    taps = run_at_once(3, tap)
    assert taps.count("written") == 1
    assert ParcelRequest.objects.get().status == ParcelStatus.DELIVERED
