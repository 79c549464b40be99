"""Nothing twice: every messaging form that creates something, sent twice with the same
one-time token (a double tap, a resubmitted form, a duplicated tab), makes one record, and the
repeat is told it was already done and shown where. Two tabs holding two forms of one approval
approve once. The database's unique token decides (core/once.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from schoolwindow.core.models import UsedForm
from schoolwindow.messaging.broadcasts.services import broadcast_create, broadcast_queue
from schoolwindow.messaging.conversations.services import conversation_start
from schoolwindow.messaging.models import (
    Broadcast,
    ContactLog,
    Conversation,
    Delivery,
    Message,
    MessagingSettings,
    NudgeBatchStatus,
)
from schoolwindow.messaging.summaries.services import nudges_prepare
from schoolwindow.messaging.translation.phrasebook import PHRASES
from schoolwindow.people.actors import actor_for
from tests.conftest import signed_in_client
from tests.messaging.test_nudges import MONDAY, week  # noqa: F401 (a fixture)
from tests.world import World, build_world

if TYPE_CHECKING:
    # What the test client returns, as django-stubs names it (it exists only for the checker).
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

PRAISE_KEY = next(p.key for p in PHRASES if p.category == "praise")


@pytest.fixture
def world() -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


@pytest.fixture(autouse=True)
def english() -> object:
    with translation.override("en-gb"):
        yield


def staff(world: World, role: str = "pastoral") -> Client:
    return signed_in_client(world.staff[role].user)


def parent(world: World) -> Client:
    assert world.parent.user is not None
    return signed_in_client(world.parent.user)


def twice(client: Client, url: str, data: Mapping[str, object]) -> tuple[Response, Response]:
    """The same form, token and all, sent twice."""
    data = {**data, "once": str(uuid.uuid4())}
    return client.post(url, data), client.post(url, data, follow=True)


def conversation(world: World) -> Conversation:
    [started] = conversation_start(
        actor=actor_for(world.staff["pastoral"].user),
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk],
        subject="Kacper's week",
        body="A good week.",
    )
    return started


def test_every_create_form_carries_a_fresh_token(world: World) -> None:
    client = staff(world)
    new = reverse("messaging:new") + f"?pupil={world.pupil.pk}"
    first, second = (client.get(new).content.decode() for _ in range(2))
    assert 'name="once"' in first
    token = first.split('name="once" value="')[1][:36]
    assert token not in second


def test_a_new_message_sent_twice_is_one_conversation(world: World) -> None:
    url = reverse("messaging:new")
    form = {"pupil": world.pupil.pk, "guardians": [world.parent.pk], "body": "Hello from school"}
    first, again = twice(staff(world), url, form)
    assert first.status_code == 302
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 1
    assert "This message was already sent." in again.content.decode()
    # The repeat lands on the conversation the first one started.
    assert again.redirect_chain[-1][0] == reverse(
        "messaging:conversation", args=[Conversation.objects.get().pk]
    )


def test_a_failed_send_can_be_sent_again_with_the_same_form(world: World) -> None:
    url = reverse("messaging:new")
    form = {"pupil": world.pupil.pk, "guardians": [world.parent.pk], "once": str(uuid.uuid4())}
    refused = staff(world, "teacher").post(url, {**form, "body": "Now!", "urgent": "1"})
    assert refused.status_code == 403
    assert not UsedForm.objects.exists()  # rolled back with the attempt
    assert staff(world, "teacher").post(url, {**form, "body": "Now"}).status_code == 302
    assert Conversation.objects.count() == 1


def test_a_staff_reply_sent_twice_is_one_message(world: World) -> None:
    started = conversation(world)
    url = reverse("messaging:reply", args=[started.pk])
    _first, again = twice(staff(world), url, {"body": "Second note"})
    assert Message.objects.filter(body="Second note").count() == 1
    assert "This message was already sent." in again.content.decode()


def test_a_reply_over_htmx_sent_twice_says_so_in_the_form(world: World) -> None:
    started = conversation(world)
    url = reverse("messaging:reply", args=[started.pk])
    client = staff(world)
    data = {"body": "Over htmx", "once": str(uuid.uuid4())}
    first = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    again = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert Message.objects.filter(body="Over htmx").count() == 1
    # The form comes back with a new token, so the next reply is a new message.
    assert data["once"] not in first and 'name="once"' in first
    assert "This message was already sent." in again


def test_a_family_reply_sent_twice_is_one_message(world: World) -> None:
    started = conversation(world)
    url = reverse("messaging:reply", args=[started.pk])
    _first, again = twice(parent(world), url, {"body": "Thank you"})
    assert Message.objects.filter(body="Thank you").count() == 1
    assert "This message was already sent." in again.content.decode()


def test_an_answer_to_an_announcement_sent_twice_is_one_message(world: World) -> None:
    leader = actor_for(world.staff["leader"].user)
    broadcast = broadcast_create(
        actor=leader,
        school_id=world.secondary.pk,
        subject="Trip",
        body="The trip is on Monday.",
        audience="school",
    )
    broadcast_queue(actor=leader, broadcast=broadcast)
    announcement = Conversation.objects.get(messages__broadcast=broadcast)
    url = reverse("messaging:announcement_answer", args=[announcement.pk])
    _first, again = twice(parent(world), url, {"body": "Will there be a coach?"})
    assert Message.objects.filter(body="Will there be a coach?").count() == 1
    assert "This message was already sent." in again.content.decode()


def test_a_contact_logged_twice_is_one_entry(world: World) -> None:
    url = reverse("messaging:contact_log", args=[world.pupil.pk])
    form = {"kind": "call", "outcome": "spoke", "guardian": world.parent.pk, "notes": "Called"}
    first, again = twice(staff(world), url, form)
    assert first.status_code == 302
    assert ContactLog.objects.count() == 1
    assert "This contact was already logged." in again.content.decode()


def test_praise_tapped_twice_is_sent_once_and_another_child_still_can_be(world: World) -> None:
    client = staff(world, "teacher")
    url = reverse("families:praise_pupil", kwargs={"pupil_id": world.pupil.pk})
    token = str(uuid.uuid4())
    form = {"pupil": world.pupil.pk, "phrase": PRAISE_KEY, "once": token}
    client.post(url, form, HTTP_HX_REQUEST="true")
    again = client.post(url, form, HTTP_HX_REQUEST="true").content.decode()
    assert Conversation.objects.filter(pupil=world.pupil).count() == 1
    assert "already sent" in again
    # The class page is one form with a button per child: each child's button is its own.
    group = reverse("families:praise_group", kwargs={"group_id": world.tutor_group.pk})
    client.post(group, {**form, "pupil": world.pupil.pk})
    assert Conversation.objects.filter(pupil=world.pupil).count() == 1


def test_an_announcement_sent_twice_is_one_announcement(world: World) -> None:
    url = reverse("families:broadcast_new")
    form = {"audience": "school", "subject": "Sports day", "body": "Sports day is on Friday."}
    first, again = twice(staff(world, "leader"), url, form)
    assert first.status_code == 302
    assert Broadcast.objects.count() == 1
    copies = Delivery.objects.filter(message__broadcast__isnull=False).count()
    assert copies > 0
    html = again.content.decode()
    assert "This announcement was already sent." in html
    assert again.redirect_chain[-1][0] == reverse(
        "families:broadcast_detail", args=[Broadcast.objects.get().pk]
    )


def test_an_announcement_written_in_two_tabs_is_sent_once_that_day(world: World) -> None:
    url = reverse("families:broadcast_new")
    client = staff(world, "leader")
    form = {"audience": "school", "subject": "Sports day", "body": "Sports day is on Friday."}
    first = client.post(url, {**form, "once": str(uuid.uuid4())})
    assert first.status_code == 302
    # The second tab was opened on its own, so its form holds a token of its own.
    other_tab = client.post(url, {**form, "once": str(uuid.uuid4())}, follow=True)
    assert Broadcast.objects.count() == 1
    assert "You sent this announcement to the same families today already." in (
        other_tab.content.decode()
    )
    assert other_tab.redirect_chain[-1][0] == reverse(
        "families:broadcast_detail", args=[Broadcast.objects.get().pk]
    )
    # Different words are a different announcement.
    client.post(url, {**form, "body": "Sports day moves to Monday.", "once": str(uuid.uuid4())})
    assert Broadcast.objects.count() == 2


def test_a_summary_approval_twice_or_from_two_tabs_approves_once(world: World, week) -> None:  # noqa: F811
    batch = nudges_prepare(world.secondary.pk, MONDAY)
    url = reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})
    client = staff(world, "leader")
    _first, again = twice(client, url, {"action": "approve"})
    batch.refresh_from_db()
    assert batch.status == NudgeBatchStatus.APPROVED
    sent = Message.objects.count()
    assert sent > 0
    assert "already approved" in again.content.decode()
    # Another tab drew the page before the approval: its form has a token of its own.
    other_tab = client.post(url, {"action": "approve", "once": str(uuid.uuid4())}, follow=True)
    assert "This week&#x27;s summaries were already approved." in other_tab.content.decode()
    assert Message.objects.count() == sent
