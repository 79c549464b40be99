"""Two managers assigning pupils to the same advocate at the same moment never take the
advocate over their limit: the advocate's row is locked while the caseload is counted.

On PostgreSQL only: the SQLite test database lives in memory with a shared cache, where
concurrent writers get "table is locked" at once instead of queueing as the file database does.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from schoolwindow.core.errors import Invalid
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import AdvocateAssignment
from schoolwindow.support.advocates import services
from schoolwindow.support.advocates.models import CaseloadLimit
from tests.factories import PupilFactory, staff_member
from tests.pages.conftest import build_pages_world
from tests.support.test_advocates import TODAY

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_eight_assignments_at_once_to_an_advocate_with_room_for_three() -> None:
    world = build_pages_world()
    advocate = staff_member(world.oakfield, "advocate")
    CaseloadLimit.objects.create(school=world.oakfield, staff=advocate, limit=3)
    pupils = [PupilFactory(school=world.oakfield, looked_after=True) for _ in range(8)]
    managers = [actor_for(world.staff[role].user) for role in ("leader", "pastoral")]
    barrier = threading.Barrier(len(pupils))
    results: list[str] = []

    def assign(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.advocate_assign(
                actor=managers[index % 2],
                pupil_id=pupils[index].pk,
                staff_id=advocate.pk,
                today=TODAY,
            )
            results.append("assigned")
        except Invalid:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(i,)) for i in range(len(pupils))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["assigned"] * 3 + ["refused"] * 5
    assert AdvocateAssignment.objects.filter(staff=advocate, ended__isnull=True).count() == 3
