"""Two office staff accepting the same change at the same moment: one writes the record, the
other is told it was already dealt with (`details_decide` locks the change's row). And a parent
sending from two tabs at once: one change waits, the other replaced or told it was sent.

On PostgreSQL only, as the other concurrency tests: SQLite's in-memory test database refuses a
second writer at once instead of queueing it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.once import AlreadyDone
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Guardian
from schoolwindow.portal.details import services
from schoolwindow.portal.details.models import ChangeStatus, DetailsChange
from tests.portal.conftest import build_portal_world
from tests.portal.details_helpers import change_for, form_values

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def at_once(count: int, work: Callable[[int], str]) -> list[str]:
    barrier = threading.Barrier(count)
    results: list[str] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work(index))
        except AlreadyDone:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_two_accepts_at_once_write_once() -> None:
    world = build_portal_world()
    change = change_for(world, field="phone", new="07700 900222")
    people = [actor_for(world.staff[role].user) for role in ("office", "leader")]

    def accept(index: int) -> str:
        services.details_decide(actor=people[index], change_id=change.pk, accept=True)
        return "accepted"

    assert at_once(2, accept) == ["accepted", "already"]
    assert Guardian.objects.get(pk=world.maria.pk).phone == "07700 900222"
    assert AuditEvent.objects.filter(action="details.accepted").count() == 1
    assert AuditEvent.objects.filter(action="guardian.contact_changed").count() == 1


def test_accept_and_reject_at_once_decide_once() -> None:
    world = build_portal_world()
    change = change_for(world, field="email", new="new@example.org")
    office = actor_for(world.staff["office"].user)

    def decide(index: int) -> str:
        services.details_decide(actor=office, change_id=change.pk, accept=index == 0)
        return "decided"

    assert at_once(2, decide) == ["already", "decided"]
    change.refresh_from_db()
    email = Guardian.objects.get(pk=world.maria.pk).email
    assert (change.status == ChangeStatus.ACCEPTED) is (email == "new@example.org")


def test_two_tabs_sending_different_phones_at_once_leave_one_waiting() -> None:
    world = build_portal_world()
    maria = actor_for(world.maria.user)
    phones = ["07700 900444", "07700 900555"]

    def send(index: int) -> str:
        services.details_propose(
            actor=maria,
            pupil_id=world.ada.pk,
            values=form_values(world, phone=phones[index]),
        )
        return "sent"

    assert at_once(2, send) == ["sent", "sent"]
    assert DetailsChange.objects.filter(status=ChangeStatus.WAITING).count() == 1
    assert DetailsChange.objects.filter(status=ChangeStatus.REPLACED).count() == 1
