"""A conversation's page: who may open it, what staff see (both the English and what each
family received, every copy's fate), what a parent sees (their language), replies (HTMX and
plain POST), urgent only for permitted roles, adding staff, contacts in the same timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.messaging.conversations import selectors, services
from schoolwindow.messaging.models import (
    Conversation,
    Delivery,
    DeliveryStatus,
    Message,
    Participant,
)
from schoolwindow.people.models import GuardianLink
from tests.messaging import pages_support as support
from tests.messaging.pages_support import STAFF_ROLES, World, actor, start, status_for

pytestmark = pytest.mark.django_db
world = support.world
english = support.english

PRAISE = "Ada did some great work today. We are very proud of them."
POLISH_PRAISE = "Ada ma dziś za sobą świetnie wykonaną pracę."

ABOUT_ADA = {
    **{role: 200 for role in STAFF_ROLES},
    "trust_officer": 403,
    "trust_officer_with_access": 403,
    "parent": 200,
    "other_parent": 404,
    "pupil": 403,
    "anonymous": "login",
}
ABOUT_CARA = {**ABOUT_ADA, "teacher": 404, "advocate": 404, "parent": 404, "other_parent": 200}


def url(conversation: Conversation) -> str:
    return reverse("messaging:conversation", args=[conversation.pk])


def reply_url(conversation: Conversation) -> str:
    return reverse("messaging:reply", args=[conversation.pk])


@pytest.mark.parametrize(("role", "expected"), ABOUT_ADA.items())
def test_who_may_open_a_conversation_about_ada(
    world: World, role: str, expected: int | str
) -> None:
    conversation = start(world)
    assert status_for(world.client(role).get(url(conversation))) == expected


@pytest.mark.parametrize(("role", "expected"), ABOUT_CARA.items())
def test_who_may_open_a_conversation_about_cara(
    world: World, role: str, expected: int | str
) -> None:
    conversation = start(world, pupil=world.cara, guardians=[world.cara_parent])
    assert status_for(world.client(role).get(url(conversation))) == expected


def test_staff_see_the_english_and_exactly_what_the_polish_family_received(
    world: World,
) -> None:
    conversation = start(world, body=PRAISE, phrase_key="praise.great_work", needs_reply=True)
    html = world.client("pastoral").get(url(conversation)).content.decode()
    assert PRAISE in html  # the original
    assert POLISH_PRAISE in html  # the family's copy
    assert 'lang="pl" dir="ltr"' in html
    assert "What Maria Kowalska received" in html
    assert "Email" in html and "Waiting to send" in html and "Queued" in html
    assert "Needs a reply" in html
    assert world.staff["pastoral"].display_name in html


def test_staff_see_every_status_with_times(world: World) -> None:
    conversation = start(world)
    now = timezone.now()
    Delivery.objects.filter(guardian=world.maria).update(
        status=DeliveryStatus.BOUNCED, sent_at=now, bounced_at=now
    )
    html = world.client("pastoral").get(url(conversation)).content.decode()
    assert "Bounced" in html and "Sent" in html
    assert "problem" in html


def test_an_arabic_copy_is_shown_right_to_left(world: World) -> None:
    conversation = start(world)
    Delivery.objects.filter(guardian=world.maria).update(
        language="ar", body="مرحبا", translation_method="machine:test"
    )
    html = world.client("pastoral").get(url(conversation)).content.decode()
    assert 'lang="ar" dir="rtl"' in html


def test_a_family_reply_with_no_translation_says_so_plainly(world: World) -> None:
    conversation = start(world)
    services.message_post(
        actor=actor(world, "parent"), conversation=conversation, body="Dziękuję bardzo!"
    )
    html = world.client("pastoral").get(url(conversation)).content.decode()
    assert "Dziękuję bardzo!" in html
    assert 'lang="pl"' in html
    assert "No translation is available" in html
    assert "Replied" in html  # Maria's copy of the first message


def test_a_family_reply_with_a_translation_shows_both(world: World) -> None:
    conversation = start(world)
    reply = services.message_post(
        actor=actor(world, "parent"), conversation=conversation, body="Dziękuję bardzo!"
    )
    Message.objects.filter(pk=reply.pk).update(
        language="pl", translation="Thank you very much!", translation_method="machine:test"
    )
    html = world.client("pastoral").get(url(conversation)).content.decode()
    assert "Dziękuję bardzo!" in html and "Thank you very much!" in html
    assert "No translation is available" not in html


def test_the_parent_reads_it_in_polish_and_opening_marks_it_read(world: World) -> None:
    conversation = start(world, body=PRAISE, phrase_key="praise.great_work")
    html = world.client("parent").get(url(conversation)).content.decode()
    assert POLISH_PRAISE in html
    assert PRAISE not in html
    assert 'lang="pl"' in html
    copy = Delivery.objects.get(guardian=world.maria)
    assert copy.status == DeliveryStatus.READ and copy.read_at is not None
    assert Participant.objects.get(guardian=world.maria).last_read_at is not None
    # Staff now see it read.
    assert "Read" in world.client("pastoral").get(url(conversation)).content.decode()


def test_the_parent_replies_without_javascript(world: World) -> None:
    conversation = start(world)
    response = world.client("parent").post(reply_url(conversation), {"body": "Dobrze, dzięki"})
    assert response.status_code == 302 and response["Location"].startswith(url(conversation))
    reply = Message.objects.get(author_guardian=world.maria)
    assert reply.body == "Dobrze, dzięki"
    assert Delivery.objects.get(message__author_staff__isnull=False).status == "replied"
    assert "Dobrze, dzięki" in world.client("parent").get(url(conversation)).content.decode()


def test_another_parent_cannot_reply(world: World) -> None:
    conversation = start(world)
    response = world.client("other_parent").post(reply_url(conversation), {"body": "Hi"})
    assert response.status_code == 404
    assert not Message.objects.filter(author_guardian__isnull=False).exists()


def test_staff_reply_plain_post_redirects(world: World) -> None:
    conversation = start(world)
    response = world.client("teacher").post(
        reply_url(conversation), {"body": "See you at parents' evening.", "tone": "neutral"}
    )
    assert response.status_code == 302
    message = Message.objects.get(body="See you at parents' evening.")
    assert message.author_staff == world.staff["teacher"]
    # The teacher joined by writing, and the message went to Maria.
    assert Participant.objects.filter(conversation=conversation, staff=world.staff["teacher"])
    assert Delivery.objects.filter(message=message, guardian=world.maria).exists()


def test_staff_reply_with_htmx_appends_the_message_and_a_fresh_form(world: World) -> None:
    conversation = start(world)
    response = world.client("pastoral").post(
        reply_url(conversation),
        {"body": "Thank you for coming in.", "tone": "positive", "needs_reply": "1"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thank you for coming in." in html
    assert 'hx-swap-oob="true"' in html
    assert "<html" not in html
    assert Message.objects.get(body="Thank you for coming in.").needs_reply


def test_an_empty_reply_is_refused_politely(world: World) -> None:
    conversation = start(world)
    response = world.client("pastoral").post(
        reply_url(conversation), {"body": "  "}, HTTP_HX_REQUEST="true"
    )
    assert "Write a message first." in response.content.decode()
    assert Message.objects.count() == 1


def test_urgent_only_for_permitted_roles(world: World) -> None:
    conversation = start(world)
    teacher = world.client("teacher")
    assert 'name="urgent"' not in teacher.get(url(conversation)).content.decode()
    teacher.post(reply_url(conversation), {"body": "Come now", "urgent": "1"})
    assert not Message.objects.filter(body="Come now").exists()
    pastoral = world.client("pastoral")
    assert 'name="urgent"' in pastoral.get(url(conversation)).content.decode()
    pastoral.post(reply_url(conversation), {"body": "Please call", "urgent": "1"})
    assert Message.objects.get(body="Please call").urgent


def test_staff_add_a_colleague(world: World) -> None:
    conversation = start(world)
    client = world.client("pastoral")
    add = reverse("messaging:staff_add", args=[conversation.pk])
    assert add in client.get(url(conversation)).content.decode()
    page = client.get(add).content.decode()
    assert world.staff["flo"].display_name in page
    assert f'value="{world.staff["pastoral"].pk}"' not in page  # already in it
    response = client.post(
        reverse("messaging:staff_add", args=[conversation.pk]), {"staff": world.staff["flo"].pk}
    )
    assert response.status_code == 302
    assert Participant.objects.filter(conversation=conversation, staff=world.staff["flo"])
    assert AuditEvent.objects.filter(action="messaging.staff_added").exists()
    # The family cannot.
    parent = world.client("parent").post(
        reverse("messaging:staff_add", args=[conversation.pk]), {"staff": world.staff["dsl"].pk}
    )
    assert parent.status_code == 403


def test_contacts_about_the_pupil_appear_in_the_same_timeline(world: World) -> None:
    conversation = start(world)
    services.contact_log_record(
        actor=actor(world, "pastoral"),
        pupil_id=world.ada.pk,
        guardian_id=world.maria.pk,
        kind="call",
        outcome="spoke",
        happened_at=timezone.now() + dt.timedelta(seconds=1),
        notes="Talked about the maths homework",
    )
    html = world.client("pastoral").get(url(conversation)).content.decode()
    assert "Phone call" in html and "Spoke with the family" in html
    assert "Talked about the maths homework" in html
    assert html.index("Ada had a good week") < html.index("Talked about the maths homework")


def test_a_guardian_restricted_after_it_began_is_marked_and_gets_nothing(world: World) -> None:
    conversation = start(world)
    GuardianLink.objects.filter(guardian=world.maria, pupil=world.ada).update(
        contact_restricted=True
    )
    client = world.client("pastoral")
    assert "may not be contacted" in client.get(url(conversation)).content.decode()
    client.post(reply_url(conversation), {"body": "Another note"})
    assert not Delivery.objects.filter(message__body="Another note").exists()
    assert AuditEvent.objects.filter(action="messaging.contact_refused").exists()
    assert world.client("parent").get(url(conversation)).status_code == 404


@pytest.mark.parametrize("role", ["pastoral", "parent"])
def test_the_number_of_queries_does_not_grow_with_the_conversation(world: World, role: str) -> None:
    conversation = start(world)
    client = world.client(role)
    client.get(url(conversation))
    small = support.count_queries(client, url(conversation))
    for n in range(8):
        services.message_post(
            actor=actor(world, "parent"), conversation=conversation, body=f"Reply {n}"
        )
        services.message_post(
            actor=actor(world, "teacher"), conversation=conversation, body=f"Answer {n}"
        )
        services.contact_log_record(
            actor=actor(world, "pastoral"),
            pupil_id=world.ada.pk,
            guardian_id=None,
            kind="call",
            outcome="no_answer",
            happened_at=timezone.now(),
        )
    client.get(url(conversation))
    large = support.count_queries(client, url(conversation))
    assert small == large


def test_a_long_conversation_shows_the_latest_messages_and_offers_the_rest(
    world: World,
) -> None:
    conversation = start(world, body="The very first message")
    for n in range(selectors.MESSAGES_SHOWN + 2):
        services.message_post(
            actor=actor(world, "parent"), conversation=conversation, body=f"Reply number {n}"
        )
    client = world.client("pastoral")
    html = client.get(url(conversation)).content.decode()
    assert "The very first message" not in html
    assert f"Reply number {selectors.MESSAGES_SHOWN + 1}" in html
    assert "Show 3 earlier messages" in html
    assert "The very first message" in client.get(url(conversation) + "?all=1").content.decode()


def test_a_drawn_message_changes_when_its_copy_does(world: World) -> None:
    conversation = start(world)
    client = world.client("pastoral")
    assert "Waiting to send" in client.get(url(conversation)).content.decode()
    Delivery.objects.filter(guardian=world.maria).update(
        status=DeliveryStatus.DELIVERED, sent_at=timezone.now(), delivered_at=timezone.now()
    )
    html = client.get(url(conversation)).content.decode()
    assert "Waiting to send" not in html and "Delivered" in html
