"""Who may open the support timeline, a call or referral, and the resolve-with-help page: staff
who see the pupil's pastoral side (leader, pastoral, DSL, family liaison, the pupil's
advocate). Teachers and the office are refused the timeline; parents and pupils are told it
does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwindow.engagement.models import Flag
from schoolwindow.support.actions import services
from schoolwindow.support.actions.models import SupportAction
from tests.pages.conftest import World, build_pages_world, status_for, statuses
from tests.support.conftest import actor

SEE = {"leader": 200, "pastoral": 200, "dsl": 200, "flo": 200, "advocate": 200}
TIMELINE = statuses(404, teacher=403, office=403, **SEE)
RECORDS = statuses(404, **SEE)


@pytest.fixture
def world(db: None) -> World:
    return build_pages_world()


def call(world: World) -> SupportAction:
    return services.action_create(
        actor=actor(world, "pastoral"),
        pupil_id=world.ada.pk,
        kind="call",
        summary="Rang home",
        on=timezone.localdate(),
        owner_id=world.staff["pastoral"].pk,
    )


@pytest.mark.parametrize(("role", "expected"), TIMELINE.items())
def test_timeline(world: World, role: str, expected: int | str) -> None:
    url = reverse("actions:timeline", kwargs={"pupil_id": world.ada.pk})
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize("role", ["leader", "pastoral", "advocate", "parent", "pupil"])
def test_another_schools_pupil_is_not_found(world: World, role: str) -> None:
    url = reverse("actions:timeline", kwargs={"pupil_id": world.outsider.pk})
    assert status_for(world.client(role).get(url)) == 404


def test_an_advocate_sees_only_their_caseload(world: World) -> None:
    url = reverse("actions:timeline", kwargs={"pupil_id": world.cara.pk})
    assert status_for(world.client("advocate").get(url)) == 404


@pytest.mark.parametrize(("role", "expected"), RECORDS.items())
def test_action(world: World, role: str, expected: int | str) -> None:
    url = reverse("actions:action", kwargs={"action_id": call(world).pk})
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), RECORDS.items())
def test_resolve(world: World, role: str, expected: int | str) -> None:
    today = timezone.localdate()
    flag = Flag.objects.create(
        school=world.oakfield, pupil=world.ada, opened_on=today, last_evaluated_on=today
    )
    url = reverse("actions:flag_resolve", kwargs={"flag_id": flag.pk})
    assert status_for(world.client(role).get(url)) == expected
