"""Positive notes: one-tap praise from a class list, the balance per family, and the families who
have heard nothing good for N school days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.messaging.models import (
    ContactKind,
    ContactLog,
    ContactOutcome,
    Conversation,
    ConversationKind,
    Delivery,
    Message,
    MessagingSettings,
    Tone,
)
from schoolwindow.messaging.positive.selectors import (
    families_without_positive,
    family_balances,
    gap_cutoff,
)
from schoolwindow.messaging.positive.services import praise_phrases, praise_send
from schoolwindow.messaging.translation.phrasebook import PHRASES
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Enrolment, Pupil
from schoolwindow.schools.models import AcademicYear, Term
from tests.conftest import signed_in_client
from tests.factories import PupilFactory, guardian_of
from tests.world import World, build_world

pytestmark = pytest.mark.django_db

PRAISE_KEY = next(p.key for p in PHRASES if p.category == "praise")


@pytest.fixture
def world() -> World:
    w = build_world()
    # No quiet hours in tests: copies are due at once whatever the time of day.
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def classmates(world: World, count: int) -> list[Pupil]:
    pupils = []
    for n in range(count):
        pupil = PupilFactory(
            school=world.secondary, legal_first_name=f"Mate{n}", year_group=world.year7
        )
        Enrolment.objects.create(school=world.secondary, group=world.tutor_group, pupil=pupil)
        guardian_of(pupil, first_name=f"Carer{n}", with_login=False)
        pupils.append(pupil)
    return pupils


def test_the_phrasebook_has_praise_templates() -> None:
    phrases = praise_phrases()
    assert phrases
    for phrase in phrases:
        assert "{child}" in phrase.texts["en"]


def test_a_teacher_sends_praise_from_the_class_list_in_one_tap(world: World) -> None:
    client = signed_in_client(world.staff["teacher"].user)
    url = reverse("families:praise_group", kwargs={"group_id": world.tutor_group.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Send praise about Kacper" in page.content.decode()
    response = client.post(url, {"pupil": world.pupil.pk, "phrase": PRAISE_KEY})
    assert response.status_code == 302
    conversation = Conversation.objects.get(pupil=world.pupil)
    assert conversation.kind == ConversationKind.POSITIVE
    message = Message.objects.get(conversation=conversation)
    assert message.tone == Tone.POSITIVE
    assert message.phrase_key == PRAISE_KEY
    assert "Kacper" in message.body
    copies = Delivery.objects.filter(message=message)
    # The mother gets it in Polish (from the phrasebook); the restricted father gets nothing.
    assert [c.guardian_id for c in copies] == [world.parent.pk]
    assert copies[0].language == "pl"
    assert copies[0].translation_method == "phrasebook"
    # The page shows it was sent today.
    assert "Praised today" in client.get(url).content.decode()


def test_praise_over_htmx_answers_with_a_status_line(world: World) -> None:
    client = signed_in_client(world.staff["teacher"].user)
    url = reverse("families:praise_group", kwargs={"group_id": world.tutor_group.pk})
    response = client.post(
        url, {"pupil": world.pupil.pk, "phrase": PRAISE_KEY}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "on its way" in html
    assert "<html" not in html
    assert Delivery.objects.filter(guardian=world.parent, message__tone=Tone.POSITIVE).count() == 1


def test_a_teacher_cannot_praise_a_child_they_do_not_teach(world: World) -> None:
    client = signed_in_client(world.staff["teacher"].user)
    url = reverse("families:praise_group", kwargs={"group_id": world.tutor_group.pk})
    client.post(url, {"pupil": world.stranger.pk, "phrase": PRAISE_KEY})
    assert not Conversation.objects.filter(pupil=world.stranger).exists()
    other = reverse("families:praise_group", kwargs={"group_id": world.other_group.pk})
    assert client.get(other).status_code == 404
    single = reverse("families:praise_pupil", kwargs={"pupil_id": world.stranger.pk})
    assert client.get(single).status_code == 404
    assert (
        client.post(single, {"pupil": world.stranger.pk, "phrase": PRAISE_KEY}).status_code == 404
    )


def test_an_unknown_phrase_sends_nothing(world: World) -> None:
    with pytest.raises(ValueError):
        praise_send(
            actor=actor_for(world.staff["teacher"].user),
            pupil_id=world.pupil.pk,
            phrase_key="attendance.nope",
        )
    assert not Message.objects.exists()


def test_the_balance_counts_messages_and_logged_contacts(world: World) -> None:
    actor = actor_for(world.staff["pastoral"].user)
    praise_send(actor=actor, pupil_id=world.pupil.pk, phrase_key=PRAISE_KEY)
    now = timezone.now()
    # A worrying call logged for the child (no one guardian named) counts for the family.
    ContactLog.objects.create(
        school=world.secondary,
        pupil=world.pupil,
        kind=ContactKind.CALL,
        outcome=ContactOutcome.SPOKE,
        tone=Tone.CONCERN,
        happened_at=now,
    )
    ContactLog.objects.create(
        school=world.secondary,
        pupil=world.pupil,
        guardian=world.parent,
        kind=ContactKind.MEETING,
        outcome=ContactOutcome.SPOKE,
        tone=Tone.CONCERN,
        happened_at=now,
    )
    balances = family_balances(school_id=world.secondary.pk, since=now - dt.timedelta(days=30))
    by_guardian = {b.guardian.pk: b for b in balances}
    # The restricted father is not a family we contact about Kacper: he is not listed.
    assert world.restricted.pk not in by_guardian
    mother = by_guardian[world.parent.pk]
    assert (mother.positive, mother.concern) == (1, 2)
    assert mother.mostly_concern
    assert mother.last_positive is not None


def test_families_without_positive_contact_for_n_school_days(world: World) -> None:
    today = dt.date(2026, 11, 20)  # a Friday
    year = AcademicYear.objects.create(
        school=world.secondary, name="2026/27", start=dt.date(2026, 9, 1), end=dt.date(2027, 7, 31)
    )
    Term.objects.create(
        school=world.secondary,
        academic_year=year,
        name="Autumn",
        start=dt.date(2026, 9, 3),
        end=dt.date(2026, 12, 18),
    )
    # Five school days back from Friday 20 November is Monday 16 November.
    assert gap_cutoff(school_id=world.secondary.pk, school_days_count=5, today=today) == dt.date(
        2026, 11, 16
    )
    school_id = world.secondary.pk
    assert [f.guardian.pk for f in families_without_positive(school_id, 5, today=today)] == [
        world.parent.pk
    ]
    actor = actor_for(world.staff["pastoral"].user)
    praise_send(actor=actor, pupil_id=world.pupil.pk, phrase_key=PRAISE_KEY)
    # Praise sent 7 school days ago is too old for a 5-day window…
    old = timezone.make_aware(dt.datetime(2026, 11, 11, 10, 0))
    Delivery.objects.update(queued_at=old)
    assert families_without_positive(school_id, 5, today=today)
    # …but within a 10-day one.
    assert not families_without_positive(school_id, 10, today=today)
    # A positive phone call logged this week counts too.
    ContactLog.objects.create(
        school=world.secondary,
        pupil=world.pupil,
        guardian=world.parent,
        kind=ContactKind.CALL,
        outcome=ContactOutcome.SPOKE,
        tone=Tone.POSITIVE,
        happened_at=timezone.make_aware(dt.datetime(2026, 11, 18, 15, 0)),
    )
    assert not families_without_positive(school_id, 5, today=today)


def test_the_school_setting_sets_the_gap(world: World) -> None:
    MessagingSettings.objects.filter(school=world.secondary).update(positive_gap_school_days=3)
    today = dt.date(2026, 11, 20)
    # No terms recorded: weekdays stand in for school days (Wed 18 to Fri 20).
    assert gap_cutoff(school_id=world.secondary.pk, school_days_count=3, today=today) == dt.date(
        2026, 11, 18
    )
    assert families_without_positive(world.secondary.pk, today=today)


def test_the_positive_page_lists_pupils_with_praise_buttons_in_fixed_queries(
    world: World,
) -> None:
    client = signed_in_client(world.staff["pastoral"].user)
    url = reverse("families:positive")
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    html = response.content.decode()
    assert "Agnieszka Nowak" in html
    assert f'name="pupil" value="{world.pupil.pk}"' in html
    assert "Send praise about Kacper" in html
    assert "Marek" not in html  # the restricted father
    classmates(world, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Carer7" in response.content.decode()
    assert len(many) == len(few)


def test_a_teacher_sees_only_the_families_of_their_own_pupils(world: World) -> None:
    response = signed_in_client(world.staff["teacher"].user).get(reverse("families:positive"))
    html = response.content.decode()
    assert "Kacper" in html
    assert "Ava" not in html
