"""Who may open the needs pages: the board for those who see needs (leader, pastoral, DSL,
family liaison), the rules for leaders and pastoral leads; nobody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.pages.conftest import World, build_pages_world, status_for, statuses

BOARD = statuses(leader=200, pastoral=200, dsl=200, flo=200)
RULES = statuses(leader=200, pastoral=200)


@pytest.fixture
def world(db: None) -> World:
    return build_pages_world()


@pytest.mark.parametrize(("role", "expected"), BOARD.items())
def test_board(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(reverse("needs:board"))) == expected


@pytest.mark.parametrize(("role", "expected"), RULES.items())
def test_rules(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(reverse("needs:rules"))) == expected


@pytest.mark.parametrize(("role", "expected"), BOARD.items())
def test_mark_met(world: World, role: str, expected: int | str) -> None:
    url = reverse("needs:mark_met", kwargs={"pupil_id": world.ada.pk})
    response = world.client(role).post(url, {"need": "quiet"})
    got = status_for(response)
    assert (302 if got == 302 else got) == (302 if expected == 200 else expected)
