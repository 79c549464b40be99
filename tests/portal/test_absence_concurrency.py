"""Two office staff confirming the same report at the same moment: one writes the marks, the
other is told it was already recorded (the report's row is locked by `absence_confirm`).

On PostgreSQL only, as the other concurrency tests: SQLite's in-memory test database refuses a
second writer at once instead of queueing it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.once import AlreadyDone
from schoolwindow.engagement.models import AttendanceMark
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.absence import services
from tests.portal.conftest import build_portal_world, report_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_confirms_at_once_write_once() -> None:
    world = build_portal_world()
    report = report_for(world)
    people = [actor_for(world.staff[role].user) for role in ("office", "leader")]
    barrier = threading.Barrier(len(people))
    results: list[str] = []

    def confirm(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.absence_confirm(actor=people[index], report_id=report.pk, code="I")
            results.append("confirmed")
        except AlreadyDone:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["already", "confirmed"]
    assert AttendanceMark.objects.count() == 2
    assert AuditEvent.objects.filter(action="absence.confirmed").count() == 1
    assert AuditEvent.objects.filter(action="attendance.mark_recorded").count() == 2
