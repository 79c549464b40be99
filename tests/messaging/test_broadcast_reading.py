"""Announcements as families and staff see them: parents read the ones that reached them in the
app (and nobody else does), a scheduled one is nowhere before its time, answers go to the school
only, and the announcements list tells truthfully where each has got to, in fixed queries.

The trust is the conversation page tests' (tests/messaging/pages_support.py): Ada and Cara are
in Year 7 at Oakfield; Ada's mother Maria has a log-in and reads Polish, her father Piotr may not
be contacted about her; Cara's mother Carol has a log-in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.engagement.models import FamilyMessage
from schoolwindow.messaging.broadcasts.selectors import broadcast_progress, broadcast_stats
from schoolwindow.messaging.broadcasts.services import broadcast_create, broadcast_queue
from schoolwindow.messaging.conversations.inbox_selectors import unread_count
from schoolwindow.messaging.delivery import letters
from schoolwindow.messaging.delivery.fallback import fallback_for
from schoolwindow.messaging.delivery.inbound import email_receive
from schoolwindow.messaging.delivery.outbox import held_release, outbox_claim
from schoolwindow.messaging.models import (
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Conversation,
    ConversationKind,
    Delivery,
    DeliveryStatus,
    InboundOutcome,
    Message,
    MessagingSettings,
    Participant,
)
from schoolwindow.people.models import Channel, GuardianLink
from tests.factories import PupilFactory, guardian_of
from tests.messaging import pages_support as support
from tests.messaging.pages_support import World, actor, status_for

pytestmark = pytest.mark.django_db
world = support.world
english = support.english

INBOX = reverse("messaging:inbox")
ONE_WAY = "This is a message to all families; to reply, start a message to the school."


@pytest.fixture(autouse=True)
def no_quiet_hours(world: World) -> None:
    MessagingSettings.objects.create(
        school=world.oakfield, quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0)
    )


def announce(
    world: World,
    *,
    subject: str = "Year 7 museum trip",
    body: str = "The trip to the museum is on Monday.",
    audience: str = AudienceKind.YEAR,
    role: str = "leader",
    **fields: Any,
) -> Broadcast:
    who = actor(world, role)
    if audience == AudienceKind.YEAR:
        fields.setdefault("year_group_id", world.year7.pk)
    if audience == AudienceKind.GROUP:
        fields.setdefault("group_id", world.class_7r.pk)
    broadcast = broadcast_create(
        actor=who,
        school_id=world.oakfield.pk,
        subject=subject,
        body=body,
        audience=audience,
        **fields,
    )
    broadcast_queue(actor=who, broadcast=broadcast)
    broadcast.refresh_from_db()
    return broadcast


def conversation_of(broadcast: Broadcast) -> Conversation:
    return Message.objects.select_related("conversation").get(broadcast=broadcast).conversation


def page_of(broadcast: Broadcast) -> str:
    return reverse("messaging:conversation", args=[conversation_of(broadcast).pk])


def answer_url(broadcast: Broadcast) -> str:
    return reverse("messaging:announcement_answer", args=[conversation_of(broadcast).pk])


def copy_of(broadcast: Broadcast, guardian_id: int) -> Delivery:
    return Delivery.objects.get(message__broadcast=broadcast, guardian_id=guardian_id)


@pytest.fixture
def clock() -> Iterator[mock.MagicMock]:
    """Move 'now' for the code under test (the database still stores what it is given)."""
    with mock.patch("django.utils.timezone.now", wraps=timezone.now) as patched:
        yield patched


# --- Parents read announcements in the app ------------------------------------------------


def test_a_parent_reads_an_announcement_in_the_app_and_their_copy_is_read(world: World) -> None:
    broadcast = announce(world)
    client = world.client("parent")
    inbox = client.get(INBOX).content.decode()
    assert "Year 7 museum trip" in inbox
    assert "Announcement" in inbox
    assert 'class="tag new"' in inbox
    assert unread_count(actor(world, "parent")) == 1
    copy = copy_of(broadcast, world.maria.pk)
    assert copy.read_at is None
    page = client.get(page_of(broadcast))
    assert page.status_code == 200
    html = page.content.decode()
    assert "The trip to the museum is on Monday." in html  # her copy (with a note in Polish)
    # One-way: no reply box, a plain word and a way to write to the school.
    assert ONE_WAY in html
    assert 'id="reply-form"' not in html
    assert f'href="{answer_url(broadcast)}"' in html
    copy.refresh_from_db()
    assert copy.read_at is not None and copy.status == DeliveryStatus.READ
    # The early warning sees it read; the figures count it; nothing is new any more.
    assert FamilyMessage.objects.get(source_id=f"delivery:{copy.pk}").read_at == copy.read_at
    assert broadcast_stats([broadcast.pk])[broadcast.pk].counts.get("read") == 1
    assert unread_count(actor(world, "parent")) == 0
    assert 'class="tag new"' not in client.get(INBOX).content.decode()
    assert "Year 7 museum trip" not in client.get(INBOX + "?unread=1").content.decode()


def test_carol_reads_hers_too_and_neither_sees_the_other(world: World) -> None:
    broadcast = announce(world)
    Delivery.objects.filter(message__broadcast=broadcast).update(status=DeliveryStatus.SENT)
    assert world.client("other_parent").get(page_of(broadcast)).status_code == 200
    copies = {d.guardian_id: d for d in Delivery.objects.filter(message__broadcast=broadcast)}
    assert copies[world.cara_parent.pk].status == DeliveryStatus.READ
    assert copies[world.maria.pk].status == DeliveryStatus.SENT  # Maria has not opened it


# Who may open a class announcement that reached Ada's mother only.
WHO_MAY_OPEN = {
    "leader": 200,  # its author
    "pastoral": 200,  # whole-school roles see announcements like general conversations
    "office": 200,
    "dsl": 200,
    "flo": 200,
    "teacher": 404,
    "advocate": 404,
    "trust_officer": 403,
    "trust_officer_with_access": 403,
    "parent": 200,  # Maria: her copy reached her
    "other_parent": 404,  # Carol: Cara is not in 7R
    "pupil": 403,
    "anonymous": "login",
}


@pytest.mark.parametrize(("role", "expected"), WHO_MAY_OPEN.items())
def test_who_may_open_an_announcement(world: World, role: str, expected: int | str) -> None:
    broadcast = announce(world, audience=AudienceKind.GROUP, subject="7R: PE kit")
    assert status_for(world.client(role).get(page_of(broadcast))) == expected


@pytest.mark.parametrize(("role", "sees"), [("parent", True), ("other_parent", False)])
def test_only_the_recipient_parent_has_it_in_their_inbox(
    world: World, role: str, sees: bool
) -> None:
    announce(world, audience=AudienceKind.GROUP, subject="7R: PE kit")
    assert ("7R: PE kit" in world.client(role).get(INBOX).content.decode()) is sees
    assert unread_count(actor(world, role)) == (1 if sees else 0)


def test_the_restricted_father_never_sees_it(world: World) -> None:
    broadcast = announce(world)
    assert not Delivery.objects.filter(message__broadcast=broadcast, guardian=world.piotr).exists()
    client = support.piotr_client(world)
    assert "Year 7 museum trip" not in client.get(INBOX).content.decode()
    assert client.get(page_of(broadcast)).status_code == 404
    assert client.get(answer_url(broadcast)).status_code == 404


def test_a_cancelled_copy_is_a_404_and_not_in_the_inbox(world: World) -> None:
    broadcast = announce(world)
    Delivery.objects.filter(message__broadcast=broadcast, guardian=world.maria).update(
        status=DeliveryStatus.CANCELLED
    )
    client = world.client("parent")
    assert "Year 7 museum trip" not in client.get(INBOX).content.decode()
    assert client.get(page_of(broadcast)).status_code == 404
    assert unread_count(actor(world, "parent")) == 0
    # Carol's copy was not cancelled.
    assert world.client("other_parent").get(page_of(broadcast)).status_code == 200


def test_a_restriction_added_after_it_went_hides_it(world: World) -> None:
    broadcast = announce(world)
    client = world.client("parent")
    assert client.get(page_of(broadcast)).status_code == 200
    GuardianLink.objects.filter(guardian=world.maria, pupil=world.ada).update(
        contact_restricted=True
    )
    assert client.get(page_of(broadcast)).status_code == 404
    assert "Year 7 museum trip" not in client.get(INBOX).content.decode()


def test_the_video_is_theirs_only_once_the_announcement_reached_them(world: World) -> None:
    broadcast = announce(world, video_link="https://video.example.org/week-12")
    video = reverse("families:broadcast_video", kwargs={"broadcast_id": broadcast.pk})
    assert world.client("parent").get(video).status_code == 200
    Delivery.objects.filter(message__broadcast=broadcast, guardian=world.maria).update(
        status=DeliveryStatus.CANCELLED
    )
    assert world.client("parent").get(video).status_code == 404


# --- One-way: answers go to the school only ---------------------------------------------------


def test_parents_cannot_reply_into_an_announcement(world: World) -> None:
    broadcast = announce(world)
    conversation = conversation_of(broadcast)
    reply = reverse("messaging:reply", args=[conversation.pk])
    for role in ("parent", "leader"):
        response = world.client(role).post(reply, {"body": "Will there be a coach?"})
        assert response.status_code == 404
    assert Message.objects.filter(conversation=conversation).count() == 1
    # Staff see no reply box either, and are pointed at the figures (their own announcement
    # is not news to its author).
    assert unread_count(actor(world, "leader")) == 0
    html = world.client("leader").get(page_of(broadcast)).content.decode()
    assert 'id="reply-form"' not in html
    assert "This is an announcement: nobody replies in it." in html
    assert reverse("families:broadcast_detail", args=[broadcast.pk]) in html


def test_a_parent_writes_to_the_school_about_an_announcement(world: World) -> None:
    broadcast = announce(world)
    client = world.client("parent")
    form = client.get(answer_url(broadcast))
    assert form.status_code == 200
    assert "Only Oakfield Academy will read what you write" in form.content.decode()
    response = client.post(answer_url(broadcast), {"body": "Czy będzie autokar?"})
    assert response.status_code == 302
    answer = Conversation.objects.get(in_answer_to=broadcast)
    assert response["Location"] == reverse("messaging:conversation", args=[answer.pk])
    assert answer.kind == ConversationKind.CONVERSATION
    assert answer.subject == "Re: Year 7 museum trip"
    assert answer.pupil_id == world.ada.pk
    people = set(Participant.objects.filter(conversation=answer).values_list("guardian", "staff"))
    assert people == {(world.maria.pk, None), (None, world.staff["leader"].pk)}
    # The announcement itself is untouched; Maria's copy counts as answered.
    announcement = conversation_of(broadcast)
    assert Message.objects.filter(conversation=announcement).count() == 1
    copy = copy_of(broadcast, world.maria.pk)
    assert copy.status == DeliveryStatus.REPLIED and copy.replied_at is not None
    assert broadcast_stats([broadcast.pk])[broadcast.pk].counts.get("replied") == 1
    # The author is told by email, and has it in their inbox; Carol sees nothing of it.
    assert Delivery.objects.filter(
        message__conversation=answer, staff=world.staff["leader"]
    ).exists()
    assert "Czy będzie autokar?" in world.client("leader").get(INBOX).content.decode()
    carol = world.client("other_parent")
    assert "Czy będzie autokar?" not in carol.get(page_of(broadcast)).content.decode()
    assert carol.get(reverse("messaging:conversation", args=[answer.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="messaging.announcement_answered").count() == 1
    # Writing again carries on in the same conversation.
    assert client.get(answer_url(broadcast))["Location"] == response["Location"]
    client.post(answer_url(broadcast), {"body": "Dziękuję."})
    assert Conversation.objects.filter(in_answer_to=broadcast).count() == 1
    assert Message.objects.filter(conversation=answer, author_guardian=world.maria).count() == 2


def test_an_empty_answer_is_refused(world: World) -> None:
    broadcast = announce(world)
    response = world.client("parent").post(answer_url(broadcast), {"body": "   "})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Conversation.objects.filter(in_answer_to=broadcast).exists()


def test_staff_have_no_answer_page(world: World) -> None:
    broadcast = announce(world)
    assert world.client("leader").get(answer_url(broadcast)).status_code == 404


def test_an_email_reply_to_an_announcement_goes_to_the_school_only(world: World) -> None:
    broadcast = announce(world)
    copy = copy_of(broadcast, world.maria.pk)
    raw = (
        "From: Maria Kowalska <maria@example.org>\r\n"
        f"To: Oakfield <reply+{copy.reply_token}@reply.test.example>\r\n"
        "Subject: Re: Year 7 museum trip\r\n"
        "Message-ID: <answer-1@mail.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Do they need a packed lunch?\r\n"
    ).encode()
    inbound = email_receive(raw)
    assert inbound.outcome == InboundOutcome.REPLY
    assert inbound.message is not None
    answer = inbound.message.conversation
    assert answer.in_answer_to_id == broadcast.pk
    assert Message.objects.filter(conversation=conversation_of(broadcast)).count() == 1
    # The read link's form does the same, into the same conversation.
    link = reverse("messaging:read_link", args=[copy.reply_token])
    page = world.client("anonymous").get(link).content.decode()
    assert "To, co tu napiszesz, trafi tylko do szkoły." in page  # in Polish, hers
    world.client("anonymous").post(link, {"body": "And a drink?"})
    assert list(Message.objects.filter(conversation=answer).values_list("body", flat=True)) == [
        "Do they need a packed lunch?",
        "And a drink?",
    ]


# --- A scheduled announcement waits for its time ------------------------------------------


def family_for_letters(world: World) -> Any:
    pupil = PupilFactory(school=world.oakfield, legal_first_name="Lena", year_group=world.year7)
    return guardian_of(
        pupil, with_login=False, first_name="Lena's dad", email="", phone="", address="1 Road"
    )


def test_a_scheduled_announcement_is_nowhere_before_its_time(
    world: World, clock: mock.MagicMock
) -> None:
    now = timezone.now()
    at = (now + dt.timedelta(hours=2)).replace(microsecond=0)
    world.maria.preferred_channel = Channel.APP
    world.maria.save()
    lena_dad = family_for_letters(world)
    broadcast = announce(world, subject="Open evening", scheduled_for=at)
    assert broadcast.status == BroadcastStatus.SCHEDULED
    app = copy_of(broadcast, world.maria.pk)
    letter = copy_of(broadcast, lena_dad.pk)
    email = copy_of(broadcast, world.cara_parent.pk)
    assert (app.channel, letter.channel, email.channel) == ("app", "letter", "email")
    # Before its time: nothing delivered, nothing to print, nothing to send, nothing to see.
    for copy in (app, letter, email):
        assert copy.status == DeliveryStatus.QUEUED, copy.channel
        assert copy.not_before == at
        assert copy.sent_at is None and copy.delivered_at is None
    assert held_release(now) == 0
    assert not letters.letters_waiting(world.oakfield.pk)
    assert not [d for d in outbox_claim("w1", now=now) if d.message.broadcast_id == broadcast.pk]
    client = world.client("parent")
    assert "Open evening" not in client.get(INBOX).content.decode()
    assert client.get(page_of(broadcast)).status_code == 404
    assert unread_count(actor(world, "parent")) == 0
    read_link = reverse("messaging:read_link", args=[app.reply_token])
    assert world.client("anonymous").get(read_link).status_code == 404
    staff = world.client("leader").get(reverse("families:broadcasts")).content.decode()
    assert 'data-state="scheduled"' in staff
    # Its time comes: the worker releases the app copy and the letter, and sends the email.
    later = at + dt.timedelta(minutes=1)
    clock.side_effect = lambda: later
    assert held_release(later) == 2
    app.refresh_from_db()
    letter.refresh_from_db()
    assert app.status == DeliveryStatus.DELIVERED and app.delivered_at == at
    assert FamilyMessage.objects.get(source_id=f"delivery:{app.pk}").delivered_at == at
    assert letter.status == DeliveryStatus.LETTER
    assert [d.pk for d in letters.letters_waiting(world.oakfield.pk)] == [letter.pk]
    claimed = outbox_claim("w1", now=later)
    assert email.pk in {d.pk for d in claimed}
    assert held_release(later) == 0  # released once
    # Maria sees it now, dated when it reached her, and opening it reads it.
    inbox = client.get(INBOX).content.decode()
    assert "Open evening" in inbox
    assert conversation_of(broadcast).last_message_at == at
    assert client.get(page_of(broadcast)).status_code == 200
    app.refresh_from_db()
    assert app.status == DeliveryStatus.READ
    assert world.client("anonymous").get(read_link).status_code == 200


def test_a_scheduled_announcement_waits_for_the_quiet_hours_to_end(world: World) -> None:
    MessagingSettings.objects.filter(school=world.oakfield).update(
        quiet_from=dt.time(19, 0), quiet_until=dt.time(7, 30)
    )
    world.maria.preferred_channel = Channel.APP
    world.maria.save()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(22, 0)))
    broadcast = announce(world, scheduled_for=at)
    # In the app at its time (as any message is); the email in the morning after.
    assert copy_of(broadcast, world.maria.pk).not_before == at
    morning = timezone.make_aware(
        dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time(7, 30))
    )
    assert copy_of(broadcast, world.cara_parent.pk).not_before == morning


# --- Where each announcement has got to, and figures that add up ---------------------------


def test_the_status_tells_scheduled_sending_and_sent(world: World) -> None:
    now = timezone.now()
    scheduled = announce(world, subject="Later", scheduled_for=now + dt.timedelta(days=1))
    progress = broadcast_progress(scheduled, broadcast_stats([scheduled.pk])[scheduled.pk])
    assert progress.state == "scheduled" and progress.when == scheduled.scheduled_for

    broadcast = announce(world)  # two emails, Maria's and Carol's
    stats = broadcast_stats([broadcast.pk])[broadcast.pk]
    progress = broadcast_progress(broadcast, stats)
    assert (progress.state, progress.gone, progress.total) == ("sending", 0, 2)
    detail = reverse("families:broadcast_detail", kwargs={"broadcast_id": broadcast.pk})
    html = world.client("leader").get(detail).content.decode()
    assert "Sending" in html and "0 of 2 families so far" in html

    first = copy_of(broadcast, world.maria.pk)
    sent_at = now - dt.timedelta(minutes=3)
    Delivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.SENT, sent_at=sent_at)
    progress = broadcast_progress(broadcast, broadcast_stats([broadcast.pk])[broadcast.pk])
    assert (progress.state, progress.gone, progress.total) == ("sending", 1, 2)

    last = copy_of(broadcast, world.cara_parent.pk)
    bounced_at = now - dt.timedelta(minutes=1)
    Delivery.objects.filter(pk=last.pk).update(status=DeliveryStatus.BOUNCED, bounced_at=bounced_at)
    progress = broadcast_progress(broadcast, broadcast_stats([broadcast.pk])[broadcast.pk])
    assert (progress.state, progress.when) == ("sent", bounced_at)
    html = world.client("leader").get(detail).content.decode()
    local = timezone.localtime(bounced_at)
    assert f"the last copy at {local:%-d %b %Y %H:%M}" in html
    listed = world.client("leader").get(reverse("families:broadcasts")).content.decode()
    assert 'data-state="sent"' in listed and 'data-state="scheduled"' in listed
    assert "Sending" not in listed.split("<tbody>")[1]


def test_each_family_counts_once_and_the_figures_add_up(world: World) -> None:
    broadcast = announce(world)
    maria = copy_of(broadcast, world.maria.pk)
    carol = copy_of(broadcast, world.cara_parent.pk)
    now = timezone.now()
    # Maria's email bounced; the text that followed was delivered.
    Delivery.objects.filter(pk=maria.pk).update(
        status=DeliveryStatus.BOUNCED, bounced_at=now, sent_at=now
    )
    maria.refresh_from_db()
    text = fallback_for(maria, now)
    assert text is not None and text.channel == Channel.SMS
    Delivery.objects.filter(pk=text.pk).update(
        status=DeliveryStatus.DELIVERED, sent_at=now, delivered_at=now
    )
    # Carol's failed for good.
    Delivery.objects.filter(pk=carol.pk).update(status=DeliveryStatus.FAILED, failed_at=now)
    stats = broadcast_stats([broadcast.pk])[broadcast.pk]
    assert Delivery.objects.filter(message__broadcast=broadcast).count() == 3
    assert stats.total == 2  # families, not copies
    assert stats.counts == {"delivered": 1, "failed": 1}
    assert sum(count for _status, _label, count in stats.rows) == stats.total
    html = world.client("leader").get(reverse("families:broadcasts")).content.decode()
    assert ">Failed</th>" in html


def test_the_list_costs_the_same_queries_however_many_announcements(world: World) -> None:
    client = world.client("leader")
    url = reverse("families:broadcasts")
    announce(world, subject="First")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    now = timezone.now()
    for n in range(6):
        broadcast = announce(world, subject=f"More {n}", scheduled_for=now if n % 2 else None)
        copy = copy_of(broadcast, world.maria.pk)
        Delivery.objects.filter(pk=copy.pk).update(
            status=DeliveryStatus.BOUNCED, bounced_at=now, sent_at=now
        )
        copy.refresh_from_db()
        fallback_for(copy, now)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "More 5" in html and "First" in html
    assert len(many) == len(few)
