"""Six taps at the same moment from one pupil (a double tap, two tabs, a shaky hand) make one
check-in for the day: the membership row is locked and the unique key decides the rest.

On PostgreSQL only: the SQLite test database lives in memory with a shared cache, where
concurrent writers get "table is locked" at once instead of queueing as the file database does.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from schoolwindow.core.once import AlreadyDone
from schoolwindow.people.actors import actor_for
from schoolwindow.support.studygroups import services
from schoolwindow.support.studygroups.models import CheckIn
from tests.pages.conftest import build_pages_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_six_taps_at_once_make_one_check_in() -> None:
    world = build_pages_world()
    teacher = actor_for(world.staff["teacher"].user)
    group = services.study_group_create(
        actor=teacher, school_id=world.oakfield.pk, name="Homework club"
    )
    services.study_group_member_add(actor=teacher, group_id=group.pk, pupil_id=world.ada.pk)
    pupil = actor_for(world.ada.user)
    token = uuid.uuid4()
    today = timezone.localdate()
    barrier = threading.Barrier(6)
    results: list[str] = []

    def tap(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            # Half carry the same form's token, half none (an old page).
            _checkin, changed = services.checkin_record(
                actor=pupil,
                group_id=group.pk,
                answer="need_help",
                today=today,
                once=token if index % 2 else None,
            )
            results.append("written" if changed else "unchanged")
        except AlreadyDone:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 6
    assert results.count("written") == 1
    assert CheckIn.objects.filter(group=group, pupil=world.ada).count() == 1
