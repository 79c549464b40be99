"""Six taps at the same moment from one pupil (a double tap, two tabs, a shaky hand) make one
check-in for the day: the membership row is locked and the unique key decides the rest.

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


def test_a_tap_and_texts_at_once_make_one_check_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pupil taps in the app while the same answer arrives twice by text (the provider
    retrying) and once more under another id: one row for the day, the same lock decides."""
    from schoolwindow.messaging.delivery.channels.sms import InboundSms
    from schoolwindow.messaging.delivery.inbound import sms_receive
    from schoolwindow.messaging.models import Inbound, InboundOutcome
    from schoolwindow.support.studygroups import texts
    from schoolwindow.support.studygroups.models import TextTo

    monkeypatch.setattr(texts, "school_days", lambda **kw: [kw["start"]])
    world = build_pages_world()
    teacher = actor_for(world.staff["teacher"].user)
    group = services.study_group_create(
        actor=teacher, school_id=world.oakfield.pk, name="Homework club"
    )
    services.study_group_member_add(actor=teacher, group_id=group.pk, pupil_id=world.ada.pk)
    services.member_text_set(
        actor=teacher,
        group_id=group.pk,
        pupil_id=world.ada.pk,
        text_to=TextTo.PUPIL,
        mobile="07700 900222",
    )
    today = timezone.localdate()
    assert texts.checkin_texts_queue(today=today).queued == 1
    pupil = actor_for(world.ada.user)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def tap() -> None:
        services.checkin_record(actor=pupil, group_id=group.pk, answer="need_help", today=today)

    def text(sid: str) -> None:
        sms_receive(
            provider="twilio",
            sms=InboundSms(external_id=sid, sender="+447700900222", body="2"),
            raw="{}",
        )

    def run(work: Callable[..., None], *args: object) -> None:
        try:
            barrier.wait(timeout=10)
            work(*args)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(tap,)),
        threading.Thread(target=run, args=(text, "SMx1")),
        threading.Thread(target=run, args=(text, "SMx1")),
        threading.Thread(target=run, args=(text, "SMx2")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    [checkin] = CheckIn.objects.filter(group=group, pupil=world.ada)
    assert checkin.answer == "need_help"
    assert Inbound.objects.count() == 2
    assert set(Inbound.objects.values_list("outcome", flat=True)) == {InboundOutcome.HANDLED}
