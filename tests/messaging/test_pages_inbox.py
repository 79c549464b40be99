"""The inbox at /messages/: staff see their conversations (or all they may see), parents
theirs; pupils and trust officers have none. Fixed query counts as the list grows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schoolwindow.messaging.broadcasts.services import broadcast_create, broadcast_queue
from schoolwindow.messaging.conversations import services
from schoolwindow.messaging.models import (
    AudienceKind,
    Conversation,
    ConversationKind,
    Participant,
)
from schoolwindow.people.models import GuardianLink
from tests.factories import PupilFactory, guardian_of
from tests.messaging import pages_support as support
from tests.messaging.pages_support import STAFF_ROLES, World, actor, start, status_for

pytestmark = pytest.mark.django_db
world = support.world
english = support.english

INBOX = reverse("messaging:inbox")
PRAISE = "Ada did some great work today. We are very proud of them."
WHO_MAY_OPEN = {
    **{role: 200 for role in STAFF_ROLES},
    "trust_officer": 403,
    "trust_officer_with_access": 403,
    "parent": 200,
    "other_parent": 200,
    "pupil": 403,
    "anonymous": "login",
}


@pytest.mark.parametrize(("role", "expected"), WHO_MAY_OPEN.items())
def test_who_may_open_the_inbox(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(INBOX)) == expected


def test_staff_see_the_conversations_they_are_in_with_family_snippet_and_status(
    world: World,
) -> None:
    start(world, subject="Maths this week", body="Ada had a good week in maths.")
    html = world.client("pastoral").get(INBOX).content.decode()
    assert "Maths this week" in html
    assert "About Ada Kowalska" in html
    assert "Maria Kowalska" in html
    assert "Ada had a good week in maths." in html
    assert "Maria Kowalska: Waiting to send" in html  # her email is still in the outbox
    # The leader is not in it: not in "mine", but in "all I may see" (whole school).
    leader = world.client("leader")
    assert "Maths this week" not in leader.get(INBOX).content.decode()
    assert "Maths this week" in leader.get(INBOX + "?scope=all").content.decode()


def test_teachers_and_advocates_see_only_conversations_about_their_pupils(world: World) -> None:
    start(world, subject="About Ada")
    start(world, pupil=world.cara, guardians=[world.cara_parent], subject="About Cara")
    for role in ("teacher", "advocate"):
        html = world.client(role).get(INBOX + "?scope=all").content.decode()
        assert "About Ada" in html
        assert "About Cara" not in html
    html = world.client("flo").get(INBOX + "?scope=all").content.decode()
    assert "About Ada" in html and "About Cara" in html


def test_unread_marker_and_filter(world: World) -> None:
    quiet = start(world, subject="Nothing new")
    answered = start(world, subject="Has a reply")
    services.message_post(
        actor=actor(world, "parent"), conversation=answered, body="Dziękuję, wszystko dobrze."
    )
    client = world.client("pastoral")
    # Starting a conversation counts as reading it; the reply is new.
    services.conversation_read(actor=actor(world, "pastoral"), conversation=quiet)
    html = client.get(INBOX + "?unread=1").content.decode()
    assert "Has a reply" in html
    assert "Nothing new" not in html
    assert "Dziękuję, wszystko dobrze." in html
    assert 'lang="pl"' in html  # the family's own words, marked as Polish
    # Opening it clears the marker.
    client.get(reverse("messaging:conversation", args=[answered.pk]))
    assert "Has a reply" not in client.get(INBOX + "?unread=1").content.decode()


def test_filters_by_pupil_and_kind(world: World) -> None:
    start(world, subject="About Ada")
    start(world, pupil=world.cara, guardians=[world.cara_parent], subject="About Cara")
    Conversation.objects.filter(subject="About Cara").update(kind=ConversationKind.POSITIVE)
    client = world.client("pastoral")
    html = client.get(f"{INBOX}?pupil={world.ada.pk}").content.decode()
    assert "About Ada" in html and "About Cara" not in html
    assert "About Ada Kowalska only." in html
    html = client.get(f"{INBOX}?kind=positive").content.decode()
    assert "About Cara" in html and "About Ada" not in html


def test_htmx_filter_answers_with_the_list_only(world: World) -> None:
    start(world, subject="About Ada")
    response = world.client("pastoral").get(INBOX + "?unread=0", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "About Ada" in html
    assert "<html" not in html


def test_parents_see_their_own_conversations_in_their_language(world: World) -> None:
    start(world, subject="Praise", body=PRAISE, phrase_key="praise.great_work")
    start(world, pupil=world.cara, guardians=[world.cara_parent], subject="For Carol")
    html = world.client("parent").get(INBOX).content.decode()
    assert "Praise" in html
    assert "ma dziś za sobą świetnie wykonaną pracę" in html  # the Polish copy Maria received
    assert "did some great work" not in html
    assert "For Carol" not in html
    assert "Oakfield Academy" in html
    other = world.client("other_parent").get(INBOX).content.decode()
    assert "For Carol" in other and "Praise" not in other


def test_a_restricted_parent_never_sees_a_conversation_about_the_child(world: World) -> None:
    conversation = start(world, subject="Before the court order")
    # As if the order came after the conversation began: he is still a participant.
    Participant.objects.create(
        school=world.oakfield, conversation=conversation, guardian=world.piotr
    )
    client = support.piotr_client(world)
    assert "Before the court order" not in client.get(INBOX).content.decode()
    detail = reverse("messaging:conversation", args=[conversation.pk])
    assert client.get(detail).status_code == 404
    assert 'class="badge"' not in client.get(INBOX).content.decode()


def test_the_nav_shows_messages_with_an_unread_count(world: World) -> None:
    start(world, subject="One")
    start(world, subject="Two")
    html = world.client("parent").get(reverse("my_children")).content.decode()
    assert f'href="{INBOX}"' in html
    assert '<span class="badge">2<span class="visually-hidden"> new</span></span>' in html
    # Neither pupils nor trust officers get the link.
    for role in ("pupil", "trust_officer"):
        assert f'href="{INBOX}"' not in world.client(role).get("/").content.decode()


def many_conversations(world: World, n: int) -> None:
    extra = [guardian_of(world.ada, with_login=False, preferred_language="pl") for _ in range(2)]
    for i in range(n):
        conversation = start(world, subject=f"Number {i}", guardians=[world.maria, *extra])
        services.message_post(actor=actor(world, "parent"), conversation=conversation, body="Ok")


@pytest.mark.parametrize("role", ["pastoral", "parent"])
def test_the_number_of_queries_does_not_grow_with_the_list(world: World, role: str) -> None:
    client = world.client(role)
    many_conversations(world, 2)
    client.get(INBOX)  # warm the session
    small = support.count_queries(client, INBOX)
    many_conversations(world, 12)
    large = support.count_queries(client, INBOX)
    assert small == large
    assert large <= 14


def many_announcements(world: World, n: int) -> None:
    leader = actor(world, "leader")
    for i in range(n):
        broadcast = broadcast_create(
            actor=leader,
            school_id=world.oakfield.pk,
            subject=f"Announcement {i}",
            body="Sports day is on Friday.",
            audience=AudienceKind.YEAR,
            year_group_id=world.year7.pk,
        )
        broadcast_queue(actor=leader, broadcast=broadcast)


def test_a_parent_with_announcements_costs_the_same_queries(world: World) -> None:
    client = world.client("parent")
    many_conversations(world, 2)
    many_announcements(world, 1)
    client.get(INBOX)  # warm the session
    small = support.count_queries(client, INBOX)
    many_conversations(world, 6)
    many_announcements(world, 9)
    client.get(reverse("messaging:conversation", args=[Conversation.objects.latest("pk").pk]))
    large = support.count_queries(client, INBOX)
    html = client.get(INBOX).content.decode()
    assert "Announcement 8" in html and "Number 5" in html
    assert small == large
    assert large <= 14
    unread = support.count_queries(client, INBOX + "?unread=1")
    assert unread == large


def test_an_announcement_page_costs_the_same_queries_however_many_families(
    world: World,
) -> None:
    many_announcements(world, 1)
    small_page = reverse(
        "messaging:conversation", args=[Conversation.objects.get(subject="Announcement 0").pk]
    )
    for _ in range(30):
        pupil = PupilFactory(school=world.oakfield, year_group=world.year7)
        guardian_of(pupil, with_login=False)
    many_announcements(world, 2)
    large_page = reverse(
        "messaging:conversation",
        args=[Conversation.objects.filter(subject="Announcement 1").latest("pk").pk],
    )
    for role in ("parent", "leader"):
        client = world.client(role)
        client.get(small_page)
        client.get(large_page)  # reading it once writes; the second look does not
        assert support.count_queries(client, small_page) == support.count_queries(
            client, large_page
        ), role


def test_the_list_is_paginated(world: World) -> None:
    for i in range(27):
        start(world, subject=f"Conversation {i:02d}")
    client = world.client("pastoral")
    first = client.get(INBOX).content.decode()
    assert "27 conversations." in first
    assert "Conversation 26" in first and "Conversation 00" not in first
    assert "Conversation 00" in client.get(INBOX + "?page=2").content.decode()


def test_each_family_has_its_own_status(world: World) -> None:
    stepdad = guardian_of(world.ada, with_login=False, first_name="Tomasz", last_name="Nowak")
    conversation = start(world, guardians=[world.maria, stepdad])
    services.conversation_read(actor=actor(world, "parent"), conversation=conversation)
    html = world.client("pastoral").get(INBOX).content.decode()
    assert "Maria Kowalska: Read" in html
    assert "Tomasz Nowak: Waiting to send" in html


def test_a_general_conversation_disappears_for_a_parent_restricted_at_that_school(
    world: World,
) -> None:
    [conversation] = services.conversation_start(
        actor=actor(world, "leader"),
        school_id=world.oakfield.pk,
        pupil_id=None,
        guardian_ids=[world.maria.pk],
        subject="Sports day",
        body="Sports day is on 3 July.",
    )
    client = world.client("parent")
    assert "Sports day" in client.get(INBOX).content.decode()
    GuardianLink.objects.filter(guardian=world.maria, pupil=world.ada).update(
        contact_restricted=True
    )
    assert "Sports day" not in client.get(INBOX).content.decode()
    detail = reverse("messaging:conversation", args=[conversation.pk])
    assert client.get(detail).status_code == 404
