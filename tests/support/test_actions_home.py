"""The owner's "Calls and referrals due" on the home page: their open calls and referrals due
today or before, most overdue first, bounded, in a fixed number of queries; nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schoolwindow.core.panels import HOME_TOP
from schoolwindow.support.actions import services
from schoolwindow.support.actions.home import home_actions_due
from schoolwindow.support.actions.models import SupportAction
from tests.pages.conftest import World
from tests.support.conftest import actor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TITLE = b"Calls and referrals due"


def call(world: World, summary: str, due_in: int, owner: str = "pastoral") -> SupportAction:
    today = timezone.localdate()
    return services.action_create(
        actor=actor(world, "pastoral"),
        pupil_id=world.ada.pk,
        kind="call",
        summary=summary,
        on=today,
        owner_id=world.staff[owner].pk,
        due=today + dt.timedelta(days=due_in),
    )


def test_the_owner_sees_what_is_due_and_another_member_of_staff_does_not(world: World) -> None:
    call(world, "Ring about mornings", due_in=-3)
    call(world, "Ring about kit", due_in=0)
    call(world, "Ring next week", due_in=7)
    home = world.client("pastoral").get("/").content.decode()
    assert "Calls and referrals due" in home
    assert home.index("Ring about mornings") < home.index("Ring about kit")
    assert "due 3 days ago" in home and "due today" in home
    assert "Ring next week" not in home
    assert f"/support/pupils/{world.ada.pk}/support/" in home
    # The leader sees Ada's support too, but owns none of it; a teacher may not see any.
    for role in ("leader", "teacher", "flo"):
        assert TITLE not in world.client(role).get("/").content


def test_done_or_cancelled_is_not_due(world: World) -> None:
    done = call(world, "Rang already", due_in=-1)
    SupportAction.objects.filter(pk=done.pk).update(status="done")
    assert TITLE not in world.client("pastoral").get("/").content


def test_bounded_in_fixed_queries(world: World) -> None:
    today = timezone.localdate()
    who = actor(world, "pastoral")
    for n in range(HOME_TOP):
        call(world, f"Call {n}", due_in=-n)
    with CaptureQueriesContext(connection) as few:
        block = home_actions_due(who, today)
    assert block is not None and block["count"] == HOME_TOP
    for n in range(20):
        call(world, f"More {n}", due_in=-30 - n)
    with CaptureQueriesContext(connection) as many:
        block = home_actions_due(who, today)
    assert block is not None
    assert block["count"] == HOME_TOP + 20
    assert len(block["rows"]) == HOME_TOP
    assert block["rows"][0].action.summary == "More 19"
    assert len(many) == len(few)
