"""The core of messaging: who may be written to, the copies made, and the family signal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import NotFound
from schoolwindow.engagement.models import FamilyMessage
from schoolwindow.messaging.conversations.services import (
    contact_log_record,
    conversation_read,
    conversation_start,
    message_post,
)
from schoolwindow.messaging.delivery.quiet import quiet_hours_release
from schoolwindow.messaging.delivery.services import ContactRestricted
from schoolwindow.messaging.models import (
    ContactKind,
    ContactOutcome,
    Conversation,
    Delivery,
    DeliveryStatus,
    Message,
    MessagingSettings,
)
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import GuardianLink
from tests.factories import guardian_of
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def staff_actor(world: World, role: str = "pastoral"):
    return actor_for(world.staff[role].user)


def test_writing_to_a_restricted_guardian_is_refused_audited_and_writes_nothing(
    world: World,
) -> None:
    actor = staff_actor(world)
    with pytest.raises(ContactRestricted):
        conversation_start(
            actor=actor,
            school_id=world.secondary.pk,
            pupil_id=world.pupil.pk,
            guardian_ids=[world.parent.pk, world.restricted.pk],
            subject="Trip",
            body="Hello",
        )
    assert not Conversation.objects.exists()
    assert not Delivery.objects.exists()
    refused = AuditEvent.objects.get(action="messaging.contact_refused")
    assert refused.detail["guardian_id"] == world.restricted.pk


def test_a_message_makes_one_copy_per_family_in_their_language_and_a_family_signal(
    world: World,
) -> None:
    world.parent.preferred_channel = "email"
    world.parent.save()
    actor = staff_actor(world)
    [conversation] = conversation_start(
        actor=actor,
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk],
        subject="Great work",
        body="Kacper did some great work today. We are very proud of them.",
        phrase_key="praise.great_work",
        needs_reply=True,
    )
    copy = Delivery.objects.get(message__conversation=conversation)
    assert copy.channel == "email"
    assert copy.address == "agnieszka@example.org"
    assert copy.language == "pl" and copy.translation_method == "phrasebook"
    assert copy.body.startswith("Kacper ma dziś za sobą")
    assert copy.status == DeliveryStatus.QUEUED
    signal = FamilyMessage.objects.get(source_id=f"delivery:{copy.pk}")
    assert signal.pupil_id == world.pupil.pk and signal.needs_reply
    assert signal.read_at is None and signal.replied_at is None


def test_separate_conversations_for_split_families(world: World) -> None:
    other = guardian_of(world.pupil, first_name="Ola", email="ola@example.org")
    conversations = conversation_start(
        actor=staff_actor(world),
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk, other.pk],
        subject="Parents' evening",
        body="Please book a slot.",
        separately=True,
    )
    assert len(conversations) == 2
    for conversation in conversations:
        assert conversation.participants.filter(guardian__isnull=False).count() == 1


def test_a_parent_reply_answers_the_copy_and_reaches_staff(world: World) -> None:
    [conversation] = conversation_start(
        actor=staff_actor(world),
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk],
        subject="Homework",
        body="Could Kacper finish his science homework?",
        needs_reply=True,
    )
    parent = actor_for(world.parent.user)
    conversation_read(actor=parent, conversation=conversation)
    copy = Delivery.objects.get(guardian=world.parent)
    assert copy.read_at is not None
    message_post(actor=parent, conversation=conversation, body="Tak, dziękuję")
    copy.refresh_from_db()
    assert copy.status == DeliveryStatus.REPLIED and copy.replied_at is not None
    signal = FamilyMessage.objects.get(source_id=f"delivery:{copy.pk}")
    assert signal.replied_at is not None and signal.read_at is not None
    reply = Message.objects.get(author_guardian=world.parent)
    assert reply.language == "pl"
    staff_copy = Delivery.objects.get(message=reply)
    assert staff_copy.staff_id == world.staff["pastoral"].pk


def test_a_restriction_added_later_stops_further_copies(world: World) -> None:
    [conversation] = conversation_start(
        actor=staff_actor(world),
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk],
        subject="Hello",
        body="First message",
    )
    GuardianLink.objects.filter(guardian=world.parent, pupil=world.pupil).update(
        contact_restricted=True
    )
    message_post(actor=staff_actor(world), conversation=conversation, body="Second message")
    assert Delivery.objects.filter(guardian=world.parent).count() == 1
    assert AuditEvent.objects.filter(action="messaging.contact_refused").count() == 1
    # Out of the parent's scope now: not found, so the conversation's existence does not leak.
    with pytest.raises(NotFound):
        message_post(actor=actor_for(world.parent.user), conversation=conversation, body="Hi")


def test_staff_outside_the_pupil_scope_cannot_start_a_conversation(world: World) -> None:
    with pytest.raises(PermissionDenied):
        conversation_start(
            actor=staff_actor(world, "teacher"),
            school_id=world.secondary.pk,
            pupil_id=world.stranger.pk,
            guardian_ids=[],
            subject="x",
            body="y",
        )


def test_only_permitted_roles_may_send_urgent(world: World) -> None:
    with pytest.raises(PermissionDenied):
        conversation_start(
            actor=staff_actor(world, "teacher"),
            school_id=world.secondary.pk,
            pupil_id=world.pupil.pk,
            guardian_ids=[world.parent.pk],
            subject="x",
            body="y",
            urgent=True,
        )


def test_contact_log_refuses_restricted_guardian(world: World) -> None:
    actor = staff_actor(world)
    entry = contact_log_record(
        actor=actor,
        pupil_id=world.pupil.pk,
        guardian_id=world.parent.pk,
        kind=ContactKind.CALL,
        outcome=ContactOutcome.SPOKE,
        happened_at=timezone.now(),
        notes="Talked about attendance",
    )
    assert entry.staff_id == world.staff["pastoral"].pk
    with pytest.raises(ContactRestricted):
        contact_log_record(
            actor=actor,
            pupil_id=world.pupil.pk,
            guardian_id=world.restricted.pk,
            kind=ContactKind.CALL,
            outcome=ContactOutcome.SPOKE,
            happened_at=timezone.now(),
        )


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2026-11-23 12:00", "2026-11-23 12:00"),
        ("2026-11-23 21:30", "2026-11-24 07:30"),
        ("2026-11-24 06:00", "2026-11-24 07:30"),
    ],
)
def test_quiet_hours_wait_for_the_morning(local: str, expected: str) -> None:
    zone = timezone.get_current_timezone()
    moment = dt.datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    released = quiet_hours_release(moment, dt.time(19, 0), dt.time(7, 30))
    assert timezone.localtime(released).strftime("%Y-%m-%d %H:%M") == expected


def test_a_broadcast_reaches_each_family_once_and_never_a_restricted_guardian(
    world: World,
) -> None:
    from schoolwindow.messaging.broadcasts.services import broadcast_create, broadcast_queue
    from schoolwindow.messaging.models import AudienceKind

    actor = staff_actor(world, "leader")
    broadcast = broadcast_create(
        actor=actor,
        school_id=world.secondary.pk,
        subject="This week",
        body="Hello families",
        audience=AudienceKind.SCHOOL,
    )
    copies = broadcast_queue(actor=actor, broadcast=broadcast)
    assert broadcast_queue(actor=actor, broadcast=broadcast) == copies  # queueing twice
    guardians = list(Delivery.objects.values_list("guardian_id", flat=True))
    assert world.parent.pk in guardians
    assert world.restricted.pk not in guardians
    assert len(guardians) == len(set(guardians)) == copies
    assert AuditEvent.objects.filter(
        action="messaging.contact_refused", detail__what="broadcast"
    ).exists()


def test_reading_an_announcement_marks_the_signal_of_each_child_it_was_about(
    world: World,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schoolwindow.messaging.broadcasts.services import broadcast_create, broadcast_queue
    from schoolwindow.messaging.delivery.services import family_signal_sync
    from schoolwindow.messaging.models import AudienceKind
    from tests.factories import PupilFactory

    second_child = PupilFactory(school=world.secondary, legal_first_name="Olek")
    GuardianLink.objects.create(school=world.secondary, pupil=second_child, guardian=world.parent)
    actor = staff_actor(world, "leader")
    broadcast = broadcast_create(
        actor=actor,
        school_id=world.secondary.pk,
        subject="Sports day",
        body="Hello families",
        audience=AudienceKind.SCHOOL,
    )
    broadcast_queue(actor=actor, broadcast=broadcast)
    copy = Delivery.objects.get(guardian=world.parent)
    rows = FamilyMessage.objects.filter(guardian=world.parent)
    assert sorted(rows.values_list("pupil_id", flat=True)) == sorted(
        [world.pupil.pk, second_child.pk]
    )

    copy.read_at = timezone.now()
    copy.save(update_fields=["read_at"])
    with CaptureQueriesContext(connection) as queries:
        family_signal_sync([copy])

    assert all(row.read_at is not None for row in rows)
    # One look-up of the family's children, then one update by exact keys.
    assert len(queries) == 2
    assert "LIKE" not in queries[-1]["sql"].upper()


def test_queueing_an_announcement_costs_the_same_queries_for_more_families(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schoolwindow.messaging.broadcasts.services import broadcast_create, broadcast_queue
    from schoolwindow.messaging.models import AudienceKind
    from tests.factories import PupilFactory

    actor = staff_actor(world, "leader")

    def queue_with_more_families(extra: int) -> int:
        for _ in range(extra):
            guardian_of(PupilFactory(school=world.secondary), with_login=False)
        broadcast = broadcast_create(
            actor=actor,
            school_id=world.secondary.pk,
            subject="Sports day",
            body="Hello families",
            audience=AudienceKind.SCHOOL,
        )
        with CaptureQueriesContext(connection) as queries:
            broadcast_queue(actor=actor, broadcast=broadcast)
        return len(queries)

    assert queue_with_more_families(3) == queue_with_more_families(12)
