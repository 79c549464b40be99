from __future__ import annotations

import pytest
from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.people.models import Pupil, Role
from tests.conftest import signed_in_client
from tests.factories import staff_member
from tests.pages.conftest import (
    RESTRICTED_PHONE,
    RESTRICTION_REASON,
    World,
    status_for,
    statuses,
)

EXPECTED = statuses(dsl=200)


def url(pupil: Pupil) -> str:
    return reverse("pupil_safeguarding", kwargs={"pupil_id": pupil.pk})


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_only_the_dsl_may_open_the_safeguarding_page(
    world: World, role: str, expected: int | str
) -> None:
    response = world.client(role).get(url(world.ada))
    assert status_for(response) == expected
    if expected != 200:
        assert RESTRICTION_REASON not in response.content.decode()
        assert not AuditEvent.objects.filter(action="safeguarding.viewed").exists()


def test_dsl_sees_status_and_reasons_and_every_view_is_audited(world: World) -> None:
    client = world.client("dsl")
    for _ in range(2):
        html = client.get(url(world.ada)).content.decode()
        assert "Child in need" in html
        assert "Section 17 plan" in html
        assert RESTRICTION_REASON in html
        assert "Piotr Kowalski" in html
        assert RESTRICTED_PHONE in html
    events = AuditEvent.objects.filter(action="safeguarding.viewed")
    assert events.count() == 2
    event = events.first()
    assert event is not None
    assert event.actor == world.staff["dsl"].user
    assert event.school_id == world.oakfield.pk
    assert event.object_id == str(world.ada.pk)


def test_a_dsl_of_another_school_gets_404(world: World) -> None:
    other_dsl = staff_member(world.brookside, Role.DSL)
    response = signed_in_client(other_dsl.user).get(url(world.ada))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="safeguarding.viewed").exists()


def test_a_pupil_without_a_status_says_so(world: World) -> None:
    html = world.client("dsl").get(url(world.cara)).content.decode()
    assert "No child-in-need or child-protection status is recorded." in html
    assert "No contact restrictions for this pupil." in html
