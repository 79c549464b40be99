"""Starting a conversation at /messages/new/: from a pupil in scope, ticking guardians (the
restricted father shown but never tickable, and a crafted POST refused and audited), each
separately for split families, phrases, general messages for whole-school roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.messaging.models import Conversation, Delivery, Message, Participant
from tests.factories import guardian_of
from tests.messaging import pages_support as support
from tests.messaging.pages_support import STAFF_ROLES, World, status_for

pytestmark = pytest.mark.django_db
world = support.world
english = support.english

NEW = reverse("messaging:new")
PRAISE = "Ada did some great work today. We are very proud of them."

FOR_ADA = {
    **{role: 200 for role in STAFF_ROLES},
    "trust_officer": 403,
    "trust_officer_with_access": 403,
    "parent": 403,
    "other_parent": 403,
    "pupil": 403,
    "anonymous": "login",
}
FOR_CARA = {**FOR_ADA, "teacher": 404, "advocate": 404}


@pytest.mark.parametrize(("role", "expected"), FOR_ADA.items())
def test_who_may_write_about_ada(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(f"{NEW}?pupil={world.ada.pk}")) == expected


@pytest.mark.parametrize(("role", "expected"), FOR_CARA.items())
def test_who_may_write_about_cara(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(f"{NEW}?pupil={world.cara.pk}")) == expected


def test_a_pupil_of_another_trust_is_not_found(world: World) -> None:
    assert world.client("leader").get(f"{NEW}?pupil={world.outsider.pk}").status_code == 404


def test_the_restricted_father_is_shown_but_cannot_be_ticked(world: World) -> None:
    html = world.client("teacher").get(f"{NEW}?pupil={world.ada.pk}").content.decode()
    assert "Maria Kowalska" in html and f'value="{world.maria.pk}"' in html
    assert "Piotr Kowalski" in html and "may not be contacted" in html
    assert f'name="guardians" value="{world.piotr.pk}"' not in html
    assert 'name="urgent"' not in html  # teachers may not mark urgent


def test_pick_a_pupil_by_name(world: World) -> None:
    html = world.client("teacher").get(f"{NEW}?q=Ada").content.decode()
    assert f"?pupil={world.ada.pk}" in html
    html = world.client("teacher").get(f"{NEW}?q=Cara").content.decode()
    assert f"?pupil={world.cara.pk}" not in html  # not the teacher's pupil


def test_writing_starts_the_conversation(world: World) -> None:
    response = world.client("teacher").post(
        NEW,
        {
            "pupil": world.ada.pk,
            "guardians": [world.maria.pk],
            "subject": "Homework",
            "body": "Ada's homework is due on Friday.",
            "tone": "neutral",
            "needs_reply": "1",
        },
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:conversation", args=[conversation.pk])
    assert conversation.pupil == world.ada and conversation.subject == "Homework"
    message = Message.objects.get()
    assert message.needs_reply
    assert Delivery.objects.filter(message=message, guardian=world.maria).exists()


def test_a_crafted_post_naming_the_restricted_father_is_refused_and_audited(
    world: World,
) -> None:
    response = world.client("teacher").post(
        NEW,
        {
            "pupil": world.ada.pk,
            "guardians": [world.maria.pk, world.piotr.pk],
            "body": "Hello",
        },
    )
    assert response.status_code == 403
    assert "may not be contacted" in response.content.decode()
    assert not Conversation.objects.exists()
    assert not Delivery.objects.exists()
    refused = AuditEvent.objects.get(action="messaging.contact_refused")
    assert refused.detail["guardian_id"] == world.piotr.pk
    assert refused.actor == world.user("teacher")


def test_someone_elses_parent_cannot_be_slipped_in(world: World) -> None:
    response = world.client("pastoral").post(
        NEW, {"pupil": world.ada.pk, "guardians": [world.cara_parent.pk], "body": "Hello"}
    )
    assert response.status_code == 403
    assert not Conversation.objects.exists()


def test_each_separately_for_a_split_family(world: World) -> None:
    stepdad = guardian_of(world.ada, with_login=False, first_name="Tomasz", last_name="Nowak")
    client = world.client("pastoral")
    html = client.get(f"{NEW}?pupil={world.ada.pk}").content.decode()
    assert "Write to each separately" in html
    assert "neither sees the other" in html
    response = client.post(
        NEW,
        {
            "pupil": world.ada.pk,
            "guardians": [world.maria.pk, stepdad.pk],
            "separately": "1",
            "body": "Parents' evening is on Tuesday.",
        },
    )
    assert response.status_code == 302
    conversations = list(Conversation.objects.all())
    assert len(conversations) == 2
    for conversation in conversations:
        families = Participant.objects.filter(conversation=conversation, guardian__isnull=False)
        assert families.count() == 1


def test_a_phrase_reaches_the_polish_parent_in_polish(world: World) -> None:
    world.client("pastoral").post(
        NEW,
        {
            "pupil": world.ada.pk,
            "guardians": [world.maria.pk],
            "phrase_key": "praise.great_work",
            "body": "",
            "tone": "positive",
        },
    )
    message = Message.objects.get()
    assert message.body == PRAISE
    assert message.phrase_key == "praise.great_work"
    copy = Delivery.objects.get(guardian=world.maria)
    assert copy.language == "pl" and "świetnie wykonaną pracę" in copy.body


def test_an_edited_phrase_is_no_longer_a_phrase(world: World) -> None:
    world.client("pastoral").post(
        NEW,
        {
            "pupil": world.ada.pk,
            "guardians": [world.maria.pk],
            "phrase_key": "praise.great_work",
            "body": "Ada did some great work today in art.",
        },
    )
    message = Message.objects.get()
    assert message.body == "Ada did some great work today in art."
    # The checked translation no longer fits: Maria does not get the phrase's Polish.
    copy = Delivery.objects.get(guardian=world.maria)
    assert copy.translation_method != "phrasebook"
    assert "świetnie wykonaną pracę" not in copy.body


def test_urgent_from_a_teacher_is_refused(world: World) -> None:
    response = world.client("teacher").post(
        NEW,
        {"pupil": world.ada.pk, "guardians": [world.maria.pk], "body": "Now!", "urgent": "1"},
    )
    assert response.status_code == 403
    assert not Conversation.objects.exists()


def test_a_general_message_for_whole_school_roles(world: World) -> None:
    client = world.client("office")
    html = client.get(f"{NEW}?guardian_q=Carol").content.decode()
    assert "Carol Jones" in html
    response = client.post(
        f"{NEW}?guardian_q=Carol",
        {
            "school": world.oakfield.pk,
            "guardians": [world.cara_parent.pk],
            "subject": "Sports day",
            "body": "Sports day is on 3 July.",
        },
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.pupil_id is None and conversation.subject == "Sports day"


def test_a_general_message_to_a_parent_restricted_at_the_school_is_refused(
    world: World,
) -> None:
    response = world.client("leader").post(
        NEW, {"school": world.oakfield.pk, "guardians": [world.piotr.pk], "body": "Hello"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="messaging.contact_refused").exists()
    assert not Conversation.objects.exists()


def test_teachers_may_not_write_general_messages(world: World) -> None:
    client = world.client("teacher")
    assert "general message" not in client.get(NEW).content.decode()
    response = client.post(
        NEW, {"school": world.oakfield.pk, "guardians": [world.maria.pk], "body": "Hello"}
    )
    assert response.status_code == 403
    assert not Conversation.objects.exists()
