"""Shared set-up for the conversation page tests (tests/messaging/test_pages_*.py).

The trust is the page tests' one (tests/pages/conftest.py): Ada at Oakfield, taught by the
teacher and on the advocate's caseload; her mother Maria reads Polish and has a log-in; her
father Piotr is under a contact restriction; Cara is in another class with her mother Carol.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from schoolwindow.core.models import AccountKind
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.conversations import services
from schoolwindow.messaging.models import Conversation
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Guardian, Pupil
from tests.conftest import signed_in_client
from tests.factories import UserFactory
from tests.pages import conftest as pages
from tests.pages.conftest import STAFF_ROLES, World, status_for

__all__ = ["STAFF_ROLES", "World", "status_for"]


@pytest.fixture
def world(db: None) -> World:
    return pages.build_pages_world()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en-gb"):
        yield


def actor(world: World, role: str = "pastoral") -> Actor:
    user = world.user(role)
    assert user is not None
    return actor_for(user)


def start(
    world: World,
    *,
    role: str = "pastoral",
    pupil: Pupil | None = None,
    guardians: list[Guardian] | None = None,
    subject: str = "Ada's week",
    body: str = "Ada had a good week in maths.",
    **options: Any,
) -> Conversation:
    pupil = pupil or world.ada
    guardians = guardians or [world.maria]
    [conversation] = services.conversation_start(
        actor=actor(world, role),
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        guardian_ids=[g.pk for g in guardians],
        subject=subject,
        body=body,
        **options,
    )
    return conversation


def piotr_client(world: World) -> Client:
    """The restricted father, given a log-in (as if he had one before the court order)."""
    world.piotr.user = UserFactory(kind=AccountKind.GUARDIAN)
    world.piotr.save(update_fields=["user"])
    return signed_in_client(world.piotr.user)


def count_queries(client: Client, url: str, **extra: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(queries)
