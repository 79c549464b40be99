"""Two people resolving the same flag with its help at the same moment: one resolves it and
links the help, the other is told it is already resolved, and nothing is linked twice (the
flag's row is locked by engagement's `flag_resolve`, inside the same transaction as the links).

On PostgreSQL only, as the other concurrency tests: SQLite's in-memory test database refuses a
second writer at once instead of queueing it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from schoolwindow.core.errors import Invalid
from schoolwindow.engagement.models import Flag, FlagEvent, FlagStatus
from schoolwindow.people.actors import actor_for
from schoolwindow.support.actions import services
from schoolwindow.support.actions.models import FlagLink
from tests.pages.conftest import build_pages_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_resolves_at_once_make_one() -> None:
    world = build_pages_world()
    today = timezone.localdate()
    flag = Flag.objects.create(
        school=world.oakfield,
        pupil=world.ada,
        opened_on=today - dt.timedelta(days=7),
        last_evaluated_on=today,
    )
    call = services.action_create(
        actor=actor_for(world.staff["pastoral"].user),
        pupil_id=world.ada.pk,
        kind="call",
        summary="Rang home",
        on=today,
        owner_id=world.staff["pastoral"].pk,
        flag_id=flag.pk,
    )
    people = [actor_for(world.staff[role].user) for role in ("pastoral", "leader", "flo", "dsl")]
    barrier = threading.Barrier(len(people))
    results: list[str] = []

    def resolve(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.flag_resolve_with_help(
                actor=people[index], flag_id=flag.pk, outcome="re_engaged", refs=[call.ref]
            )
            results.append("resolved")
        except Invalid:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=resolve, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["already"] * 3 + ["resolved"]
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
    assert FlagLink.objects.filter(flag=flag).count() == 1
    assert FlagEvent.objects.filter(flag=flag, kind="resolved").count() == 1
