"""Races on PostgreSQL (SQLite's in-memory test database refuses a second writer at once
instead of queueing it): two teachers deciding about the same pupil's post at the same moment
(one decides, the other is told), and both parents sending the same comment at once (one)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.once import AlreadyDone
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.portfolio import services
from schoolwindow.portal.portfolio.models import PortfolioComment, PortfolioPost
from tests.portal.conftest import build_portal_world
from tests.portal.portfolio.helpers import pupil_post, teacher_post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def race(actions: list[Callable[[], object]]) -> list[str]:
    barrier = threading.Barrier(len(actions))
    results: list[str] = []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            action()
            results.append("done")
        except AlreadyDone:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_two_teachers_deciding_at_once_decide_once() -> None:
    world = build_portal_world()
    post = pupil_post(world)
    people = [actor_for(world.staff[role].user) for role in ("teacher", "leader")]
    results = race(
        [
            lambda: services.post_decide(actor=people[0], post_id=post.pk, approve=True),
            lambda: services.post_decide(actor=people[1], post_id=post.pk, approve=False),
        ]
    )
    assert results == ["already", "done"]
    assert PortfolioPost.objects.get(pk=post.pk).status in ("published", "returned")
    decided = AuditEvent.objects.filter(action__in=["portfolio.approved", "portfolio.returned"])
    assert decided.count() == 1


def test_the_same_comment_sent_twice_at_once_is_one() -> None:
    world = build_portal_world()
    post = teacher_post(world)
    parent = actor_for(world.maria.user)
    results = race(
        [
            lambda: services.comment_add(actor=parent, post_id=post.pk, body="Brilliant!"),
            lambda: services.comment_add(actor=parent, post_id=post.pk, body="Brilliant!"),
        ]
    )
    assert results == ["already", "done"]
    assert PortfolioComment.objects.count() == 1
