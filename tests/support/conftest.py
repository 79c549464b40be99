"""Home visits' tests run in the pages' trust (tests/pages/conftest.py): every role exists;
Ada (Oakfield, Year 7) lives with her mother Maria in the Kowalski household; her father Piotr
is under a contact restriction; Cara is in another class with her own parent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Household
from schoolwindow.support.visits import services
from schoolwindow.support.visits.models import HomeVisit
from tests.pages import conftest as pages
from tests.pages.conftest import World


@pytest.fixture
def english() -> Iterator[None]:
    """Read the pages' words in English whatever an earlier test left active."""
    with translation.override("en-gb"):
        yield


@pytest.fixture
def world(db: None) -> World:
    built = pages.build_pages_world()
    assert built.ada.household_id is not None
    Household.objects.filter(pk=built.ada.household_id).update(
        address="12 Mill Lane, Flat 3; Riverside", postcode="RV1 2AB"
    )
    return built


def actor(world: World, role: str) -> Actor:
    from schoolwindow.people.actors import actor_for

    return actor_for(world.user(role))


def plan_visit(world: World, *, days: float = 3, **overrides: Any) -> HomeVisit:
    fields: dict[str, Any] = {
        "pupil_id": world.ada.pk,
        "starts_at": timezone.now() + dt.timedelta(days=days),
        "duration_minutes": 45,
        "lead_id": world.staff["flo"].pk,
        "second_id": world.staff["pastoral"].pk,
    }
    fields.update(overrides)
    return services.visit_plan(actor=actor(world, "flo"), **fields)
