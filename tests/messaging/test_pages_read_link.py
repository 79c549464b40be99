"""The read link in emails and texts (/messages/r/TOKEN): no sign-in, marks the copy read,
shows it in the family's language, takes a reply; unknown tokens and restricted guardians get
a friendly "not found" (a reply from a restricted guardian is refused and audited)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.messaging.conversations import services
from schoolwindow.messaging.models import Delivery, DeliveryStatus, Message
from schoolwindow.people.models import GuardianLink
from tests.messaging import pages_support as support
from tests.messaging.pages_support import World, start

pytestmark = pytest.mark.django_db
world = support.world
english = support.english

PRAISE = "Ada did some great work today. We are very proud of them."


def link(delivery: Delivery) -> str:
    return reverse("messaging:read_link", args=[delivery.reply_token])


def maria_copy(world: World) -> Delivery:
    start(world, subject="Good news", body=PRAISE, phrase_key="praise.great_work")
    return Delivery.objects.get(guardian=world.maria)


def test_the_link_has_the_documented_shape(world: World) -> None:
    copy = maria_copy(world)
    assert link(copy) == f"/messages/r/{copy.reply_token}"


@pytest.mark.parametrize("role", ["anonymous", "parent", "teacher", "other_parent"])
def test_opening_the_link_needs_no_sign_in_and_marks_it_read(world: World, role: str) -> None:
    copy = maria_copy(world)
    response = world.client(role).get(link(copy))
    html = response.content.decode()
    assert response.status_code == 200
    assert "świetnie wykonaną pracę" in html and 'lang="pl"' in html
    assert PRAISE not in html
    assert "Odpowiedz" in html  # "Reply", in her language
    copy.refresh_from_db()
    assert copy.status == DeliveryStatus.READ and copy.read_at is not None


def test_a_reply_from_the_link_joins_the_conversation(world: World) -> None:
    copy = maria_copy(world)
    client = Client()
    response = client.post(link(copy), {"body": "Dziękujemy!"})
    assert response.status_code == 302
    assert response["Location"] == link(copy) + "?sent=1"
    reply = Message.objects.get(author_guardian=world.maria)
    assert reply.body == "Dziękujemy!"
    assert reply.conversation_id == copy.message.conversation_id
    copy.refresh_from_db()
    assert copy.status == DeliveryStatus.REPLIED
    # Maria reads Polish: the thank-you is in her language.
    page = client.get(link(copy) + "?sent=1").content.decode()
    assert "Twoja odpowiedź została wysłana do szkoły" in page
    # Staff see it in the conversation.
    detail = reverse("messaging:conversation", args=[reply.conversation_id])
    assert "Dziękujemy!" in world.client("pastoral").get(detail).content.decode()


def test_an_empty_reply_is_refused(world: World) -> None:
    copy = maria_copy(world)
    response = Client().post(link(copy), {"body": ""})
    assert response.status_code == 400
    assert not Message.objects.filter(author_guardian__isnull=False).exists()


def test_an_unknown_token_is_a_friendly_404(world: World) -> None:
    response = Client().get("/messages/r/not-a-real-token")
    assert response.status_code == 404
    assert "We can't find this message" in response.content.decode()


def test_a_guardian_restricted_since_sees_nothing_and_a_reply_is_refused_and_audited(
    world: World,
) -> None:
    copy = maria_copy(world)
    GuardianLink.objects.filter(guardian=world.maria, pupil=world.ada).update(
        contact_restricted=True
    )
    response = Client().get(link(copy))
    assert response.status_code == 404
    assert "świetnie wykonaną pracę" not in response.content.decode()
    response = Client().post(link(copy), {"body": "Hello"})
    assert response.status_code == 403
    assert not Message.objects.filter(author_guardian__isnull=False).exists()
    refused = AuditEvent.objects.get(action="messaging.contact_refused")
    assert refused.detail["guardian_id"] == world.maria.pk
    assert refused.actor is None


def test_a_staff_copy_token_is_not_a_family_link(world: World) -> None:
    conversation = start(world)
    services.message_post(
        actor=support.actor(world, "parent"), conversation=conversation, body="Hi"
    )
    staff_copy = Delivery.objects.filter(staff__isnull=False).first()
    assert staff_copy is not None
    assert Client().get(link(staff_copy)).status_code == 404
