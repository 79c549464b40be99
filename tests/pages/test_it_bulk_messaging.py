"""Who may open the bulk messaging screens: a week's summaries (and approve the rest), positive
notes, and the announcement composer's count and pupil search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from schoolwindow.messaging.models import Conversation, NudgeBatch
from schoolwindow.messaging.summaries.services import nudges_prepare
from tests.pages.conftest import ALL_ROLES, World, status_for, statuses

pytestmark = pytest.mark.django_db


def batch_of(world: World) -> NudgeBatch:
    return nudges_prepare(world.oakfield.pk, dt.date(2026, 11, 16))


def test_who_may_see_a_weeks_summaries(world: World) -> None:
    url = reverse("families:nudge_batch", kwargs={"batch_id": batch_of(world).pk})
    expected = statuses(403, leader=200, pastoral=200)
    for role in ALL_ROLES:
        assert status_for(world.client(role).get(url)) == expected[role], role


def test_who_may_approve_the_rest(world: World) -> None:
    batch = batch_of(world)
    url = reverse("families:nudge_batch", kwargs={"batch_id": batch.pk})
    # Only leaders and the pastoral lead see summaries at all; the approver is sent back.
    expected = statuses(403, leader=302, pastoral=302)
    for role in [r for r in ALL_ROLES if r not in ("leader", "pastoral")]:
        response = world.client(role).post(url, {"action": "approve"})
        assert status_for(response) == expected[role], role
    assert status_for(world.client("pastoral").post(url, {"action": "approve"})) == 302
    batch.refresh_from_db()
    assert batch.status == "approved"
    assert not Conversation.objects.filter(kind="nudge").exclude(school=world.oakfield).exists()


def test_who_may_open_positive_notes(world: World) -> None:
    url = reverse("families:positive") + f"?school={world.oakfield.pk}&days=14"
    expected = statuses(403, staff=200)
    for role in ALL_ROLES:
        assert status_for(world.client(role).get(url)) == expected[role], role


def test_who_may_count_an_audience_and_search_pupils(world: World) -> None:
    school = f"?school={world.oakfield.pk}"
    count = reverse("families:broadcast_audience") + school + "&audience=school"
    search = reverse("families:broadcast_pupils") + school + "&pupil_q=Ada"
    senders = {"leader": 200, "pastoral": 200, "office": 200, "dsl": 200}
    for role in ALL_ROLES:
        expected_count = statuses(403, **senders, teacher=200)[role]
        expected_search = statuses(403, **senders)[role]
        client = world.client(role)
        assert status_for(client.get(count)) == expected_count, ("count", role)
        assert status_for(client.get(search)) == expected_search, ("search", role)
