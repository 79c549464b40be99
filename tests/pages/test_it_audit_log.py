from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from tests.pages.conftest import World, status_for, statuses

URL = reverse_lazy("audit_log")
EXPECTED = statuses(dsl=200)


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_only_the_dsl_reads_the_audit_log(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(URL)) == expected


def event(world: World, **fields) -> AuditEvent:
    defaults = {"school": world.oakfield, "actor_label": "Sam Office", "action": "pupil.viewed"}
    return AuditEvent.objects.create(**{**defaults, **fields})


def test_dsl_sees_their_schools_events_with_filters(world: World) -> None:
    event(world, object_label="Ada Kowalska")
    event(world, action="safeguarding.viewed", actor_label="Dee Dsl", object_label="Ada K")
    event(world, school=world.brookside, object_label="Ben Kowalski")
    event(world, school=world.elsewhere, object_label="Olly Outside")
    old = event(world, object_label="Long ago")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=30))
    client = world.client("dsl")

    def labels(**params: str) -> set[str]:
        page = client.get(URL, params).context["page"]
        return {e.object_label for e in page.object_list}

    assert labels() == {"Ada Kowalska", "Ada K", "Long ago"}
    assert labels(action="safeguarding.viewed") == {"Ada K"}
    assert labels(who="dee") == {"Ada K"}
    recent = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    assert labels(**{"from": recent}) == {"Ada Kowalska", "Ada K"}
    assert labels(to=recent) == {"Long ago"}
    assert labels(action="not-a-real-action", **{"from": "garbage"}) == {
        "Ada Kowalska",
        "Ada K",
        "Long ago",
    }


def test_guardian_events_of_the_dsls_pupils_are_included(world: World) -> None:
    AuditEvent.objects.create(
        trust=world.trust,
        action="guardian.invited",
        object_type="people.Guardian",
        object_id=str(world.maria.pk),
        object_label="Maria Kowalska",
    )
    AuditEvent.objects.create(
        trust=world.trust,
        action="guardian.invited",
        object_type="people.Guardian",
        object_id="999999",
        object_label="Someone else",
    )
    html = world.client("dsl").get(URL).content.decode()
    assert "Maria Kowalska" in html
    assert "Someone else" not in html


def test_the_log_is_paginated(world: World) -> None:
    AuditEvent.objects.bulk_create(
        [AuditEvent(school=world.oakfield, action="pupil.viewed") for _ in range(55)]
    )
    response = world.client("dsl").get(URL)
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 of 2" in response.content.decode()


def test_viewing_a_profile_shows_up_in_the_log(world: World) -> None:
    world.client("office").get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
    html = world.client("dsl").get(URL, {"action": "pupil.viewed"}).content.decode()
    office = world.staff["office"].user
    assert office is not None and office.get_full_name() in html
    assert "Ada Kowalska" in html
