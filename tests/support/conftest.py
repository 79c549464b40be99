"""The pages' trust (tests/pages/conftest.py) with a little kit to lend."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from schoolwindow.core.permissions import Actor
from schoolwindow.people.actors import actor_for
from schoolwindow.support.loans import services
from schoolwindow.support.loans.models import Item, Kind, Loan
from tests.pages.conftest import World, build_pages_world


@pytest.fixture
def world(db: None) -> World:
    return build_pages_world()


def staff_actor(world: World, role: str = "office") -> Actor:
    return actor_for(world.staff[role].user)


def parent_actor(world: World) -> Actor:
    return actor_for(world.maria.user)


def item_add(world: World, tag: str = "SW-0001", kind: str = Kind.LAPTOP) -> Item:
    return Item.objects.create(school=world.oakfield, asset_tag=tag, kind=kind, model_name="X1")


def lend(world: World, item: Item, *, pupil=None, role: str = "office", days: int = 30) -> Loan:
    return services.loan_create(
        actor=staff_actor(world, role),
        item_id=item.pk,
        pupil_id=(pupil or world.ada).pk,
        due_on=timezone.localdate() + dt.timedelta(days=days),
        condition="good",
    )
