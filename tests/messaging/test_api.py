"""messaging.api, the one module other apps call: each function against the real database,
with the same refusals as the pages (the trust of tests/messaging/pages_support.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from schoolwindow.messaging import api
from schoolwindow.messaging.conversations.services import conversation_read
from schoolwindow.messaging.delivery.outbox import outbox_drain
from schoolwindow.messaging.models import (
    ContactKind,
    ContactLog,
    ContactOutcome,
    Conversation,
    Delivery,
    Message,
    MessagingSettings,
    Participant,
)
from schoolwindow.people.models import Guardian
from tests.messaging import pages_support as support
from tests.messaging.pages_support import World, actor

world = support.world
english = support.english


def family_of(conversation: Conversation) -> set[int]:
    return set(
        Participant.objects.filter(conversation=conversation, guardian__isnull=False).values_list(
            "guardian_id", flat=True
        )
    )


def test_a_conversation_about_a_pupil_reaches_everyone_who_may_be_contacted(
    world: World,
) -> None:
    conversation = api.conversation_start(
        actor=actor(world, "pastoral"),
        school_id=world.oakfield.pk,
        pupil_id=world.ada.pk,
        subject="Ada's week",
        body="Ada had a good week in maths.",
    )
    assert isinstance(conversation, Conversation)
    assert conversation.pupil_id == world.ada.pk
    # Her father is under a contact restriction: not in it, and sent nothing.
    assert family_of(conversation) == {world.maria.pk}
    assert not Delivery.objects.filter(guardian=world.piotr).exists()
    assert Delivery.objects.filter(guardian=world.maria, message__conversation=conversation)


def test_naming_the_restricted_father_is_refused(world: World) -> None:
    with pytest.raises(api.ContactRestricted):
        api.conversation_start(
            actor=actor(world, "pastoral"),
            school_id=world.oakfield.pk,
            pupil_id=world.ada.pk,
            guardian_ids=[world.piotr.pk],
            subject="Ada",
            body="Hello.",
        )
    assert not Conversation.objects.exists()


def test_a_message_to_a_family_is_queued_for_each_guardian(world: World) -> None:
    message = api.family_message_queue(
        actor=actor(world, "pastoral"),
        school_id=world.oakfield.pk,
        guardian_ids=[world.cara_parent.pk],
        pupil_id=world.cara.pk,
        body="The trip is on Friday.",
        urgent=True,
    )
    assert isinstance(message, Message)
    assert message.urgent
    assert message.conversation.pupil_id == world.cara.pk
    assert list(Delivery.objects.filter(message=message).values_list("guardian_id", flat=True)) == [
        world.cara_parent.pk
    ]


def test_only_some_roles_may_mark_a_message_urgent(world: World) -> None:
    with pytest.raises(PermissionDenied):
        api.family_message_queue(
            actor=actor(world, "teacher"),
            school_id=world.oakfield.pk,
            pupil_id=world.ada.pk,
            body="Come now.",
            urgent=True,
        )
    assert not Message.objects.exists()


def test_a_contact_is_recorded_in_the_log(world: World) -> None:
    happened = timezone.now() - dt.timedelta(hours=1)
    entry = api.contact_record(
        actor=actor(world, "pastoral"),
        pupil_id=world.ada.pk,
        guardian_id=world.maria.pk,
        kind=ContactKind.CALL,
        outcome=ContactOutcome.SPOKE,
        happened_at=happened,
        notes="Talked about mornings.",
    )
    assert isinstance(entry, ContactLog)
    assert (entry.pupil_id, entry.guardian_id, entry.happened_at) == (
        world.ada.pk,
        world.maria.pk,
        happened,
    )
    with pytest.raises(api.ContactRestricted):
        api.contact_record(
            actor=actor(world, "pastoral"),
            pupil_id=world.ada.pk,
            guardian_id=world.piotr.pk,
            kind=ContactKind.CALL,
            outcome=ContactOutcome.SPOKE,
            happened_at=happened,
        )
    assert ContactLog.objects.count() == 1


def test_what_a_family_has_read(world: World) -> None:
    # No quiet hours, whatever time the test runs: the copies must go out now to be read.
    MessagingSettings.objects.update_or_create(
        school=world.oakfield, defaults={"quiet_from": dt.time(0, 0), "quiet_until": dt.time(0, 0)}
    )
    staff = actor(world, "pastoral")
    start = timezone.now() - dt.timedelta(minutes=1)
    first = api.family_message_queue(
        actor=staff, school_id=world.oakfield.pk, pupil_id=world.ada.pk, body="One."
    )
    api.family_message_queue(
        actor=staff, school_id=world.oakfield.pk, pupil_id=world.ada.pk, body="Two."
    )
    outbox_drain(until_idle=True)
    maria = actor(world, "parent")
    conversation_read(actor=maria, conversation=first.conversation)
    end = timezone.now() + dt.timedelta(minutes=1)

    counts = api.family_read_counts(actor=staff, guardian_id=world.maria.pk, since=start, until=end)
    assert counts == api.ReadCounts(sent=2, read=1)
    # The household: Maria and Piotr (who was sent nothing).
    household = Guardian.objects.get(pk=world.maria.pk).household_id
    assert household is not None
    Guardian.objects.filter(pk=world.piotr.pk).update(household_id=household)
    assert api.family_read_counts(
        actor=staff, household_id=household, since=start, until=end
    ) == api.ReadCounts(sent=2, read=1)
    # A parent may ask about themselves; nothing before the period counts.
    assert api.family_read_counts(
        actor=maria, guardian_id=world.maria.pk, since=start, until=end
    ) == api.ReadCounts(sent=2, read=1)
    assert api.family_read_counts(
        actor=maria, guardian_id=world.maria.pk, since=end, until=end + dt.timedelta(days=1)
    ) == api.ReadCounts(sent=0, read=0)


def test_a_parent_may_count_only_for_themselves(world: World) -> None:
    household = Guardian.objects.get(pk=world.maria.pk).household_id
    Guardian.objects.filter(pk=world.piotr.pk).update(household_id=household)
    since, until = timezone.now() - dt.timedelta(days=7), timezone.now()
    with pytest.raises(PermissionDenied):
        api.family_read_counts(
            actor=actor(world, "parent"), household_id=household, since=since, until=until
        )
    with pytest.raises(PermissionDenied):
        api.family_read_counts(
            actor=actor(world, "other_parent"), guardian_id=world.maria.pk, since=since, until=until
        )


def test_staff_may_not_count_for_families_they_may_not_see(world: World) -> None:
    teacher = actor(world, "teacher")
    with pytest.raises(PermissionDenied):
        api.family_read_counts(
            actor=teacher,
            guardian_id=world.cara_parent.pk,
            since=timezone.now() - dt.timedelta(days=7),
            until=timezone.now(),
        )
