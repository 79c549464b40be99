"""Two parents of Ada answering at the same moment, and one parent answering from two tabs at
once: the child's row is locked by `consent_answer`, so each answer is counted once and the
status sees both. On PostgreSQL only, as the other concurrency tests: SQLite's in-memory test
database refuses a second writer at once instead of queueing it."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.once import AlreadyDone
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.consent import selectors, services
from schoolwindow.portal.consent.models import ConsentAnswer
from tests.portal.conftest import build_portal_world
from tests.portal.consent_helpers import second_parent, trip_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def at_once(calls: list[Callable[[], None]]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    results: list[str] = []

    def run(call: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=10)
            call()
            results.append("answered")
        except AlreadyDone:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_two_parents_answering_at_once_both_count() -> None:
    world = build_portal_world()
    tomasz = second_parent(world)
    consent = trip_for(world, rule="all")
    parents = [actor_for(world.maria.user), actor_for(tomasz.user)]
    results = at_once(
        [
            lambda actor=actor: services.consent_answer(  # type: ignore[misc]
                actor=actor, request_id=consent.pk, pupil_id=world.ada.pk, answer="yes"
            )
            for actor in parents
        ]
    )
    assert results == ["answered", "answered"]
    assert ConsentAnswer.objects.filter(pupil=world.ada).count() == 2
    [row] = selectors.status_rows(consent, pupil_ids=[world.ada.pk])
    assert row.status == "given"
    assert AuditEvent.objects.filter(action="consent.answered").count() == 2


def test_one_parent_in_two_tabs_at_once_answers_once() -> None:
    world = build_portal_world()
    consent = trip_for(world)
    maria = actor_for(world.maria.user)
    results = at_once(
        [
            lambda answer=answer: services.consent_answer(  # type: ignore[misc]
                actor=maria, request_id=consent.pk, pupil_id=world.ada.pk, answer=answer
            )
            for answer in ("yes", "no")
        ]
    )
    assert results == ["already", "answered"]
    assert ConsentAnswer.objects.filter(pupil=world.ada).count() == 1
    assert AuditEvent.objects.filter(action="consent.answered").count() == 1


def test_two_staff_reminding_at_once_send_once() -> None:
    world = build_portal_world()
    consent = trip_for(world)
    sent: list[int] = []

    def remind(role: str) -> None:
        result = services.consent_remind(
            actor=actor_for(world.staff[role].user), request_id=consent.pk
        )
        sent.append(result.sent)

    at_once([lambda: remind("office"), lambda: remind("leader")])
    assert sorted(sent) == [0, 2]
