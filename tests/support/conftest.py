"""The support app's tests run in the pages' trust (tests/pages/conftest.py): every role exists;
Ada (Oakfield, Year 7) lives with her mother Maria in the Kowalski household; her father Piotr
is under a contact restriction; Cara is in another class with her own parent. Loans' tests add a
little kit to lend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from schoolwindow.core.permissions import Actor
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Household
from schoolwindow.support.loans import services as loan_services
from schoolwindow.support.loans.models import Item, Kind, Loan
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
    return build_support_world()


def build_support_world() -> World:
    built = pages.build_pages_world()
    assert built.ada.household_id is not None
    Household.objects.filter(pk=built.ada.household_id).update(
        address="12 Mill Lane, Flat 3; Riverside", postcode="RV1 2AB"
    )
    return built


def actor(world: World, role: str) -> Actor:
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


def staff_actor(world: World, role: str = "office") -> Actor:
    return actor_for(world.staff[role].user)


def parent_actor(world: World) -> Actor:
    return actor_for(world.maria.user)


def item_add(world: World, tag: str = "SW-0001", kind: str = Kind.LAPTOP) -> Item:
    return Item.objects.create(school=world.oakfield, asset_tag=tag, kind=kind, model_name="X1")


def lend(world: World, item: Item, *, pupil=None, role: str = "office", days: int = 30) -> Loan:
    return loan_services.loan_create(
        actor=staff_actor(world, role),
        item_id=item.pk,
        pupil_id=(pupil or world.ada).pk,
        due_on=timezone.localdate() + dt.timedelta(days=days),
        condition="good",
    )
