"""The school's messaging settings: who may change them, that changes apply and are audited,
and that bad values are refused with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.messaging.delivery.quiet import settings_for
from schoolwindow.messaging.models import MessagingSettings
from schoolwindow.people.models import Staff
from tests.conftest import signed_in_client
from tests.world import ALL_ROLES, World, build_world

pytestmark = pytest.mark.django_db

URL = reverse("families:settings")
MAY_CHANGE = {"leader", "pastoral"}


@pytest.fixture
def world() -> World:
    return build_world()


def client_for(world: World, role: str) -> Client:
    if role == "anonymous":
        return Client()
    return signed_in_client(world.user_for(role))


def form_values(world: World, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "school": world.secondary.pk,
        "quiet_from": "20:00",
        "quiet_until": "07:00",
        "unread_fallback_hours": "24",
        "positive_gap_school_days": "15",
        "nudge_approver": "",
    }
    values.update(changes)
    return values


@pytest.mark.parametrize("role", [*ALL_ROLES, "anonymous"])
def test_only_leaders_and_the_pastoral_lead_open_the_settings(world: World, role: str) -> None:
    response = client_for(world, role).get(URL)
    if role in MAY_CHANGE:
        assert response.status_code == 200
        assert "Quiet hours" in response.content.decode()
    elif role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["teacher", "dsl", "office", "parent"])
def test_others_cannot_change_the_settings_by_posting(world: World, role: str) -> None:
    response = client_for(world, role).post(URL, form_values(world))
    assert response.status_code == 403
    assert not MessagingSettings.objects.exists()


def test_a_leader_changes_quiet_hours_and_the_approver_and_it_is_audited(world: World) -> None:
    approver = world.staff["teacher"]
    client = client_for(world, "leader")

    response = client.post(URL, form_values(world, nudge_approver=str(approver.pk)))

    assert response.status_code == 302
    saved = settings_for(world.secondary.pk)
    assert saved.quiet_from == dt.time(20, 0)
    assert saved.quiet_until == dt.time(7, 0)
    assert saved.unread_fallback_hours == 24
    assert saved.positive_gap_school_days == 15
    assert saved.nudge_approver_id == approver.pk
    event = AuditEvent.objects.get(action="messaging.settings_updated")
    assert event.detail["quiet_from"] == {"from": "19:00", "to": "20:00"}
    assert event.detail["nudge_approver"] == {"from": None, "to": approver.pk}
    page = client.get(f"{URL}?school={world.secondary.pk}").content.decode()
    assert 'value="20:00"' in page


def test_saving_the_same_values_again_writes_no_audit_row(world: World) -> None:
    client = client_for(world, "pastoral")
    client.post(URL, form_values(world))
    client.post(URL, form_values(world))
    assert AuditEvent.objects.filter(action="messaging.settings_updated").count() == 1


def test_bad_values_are_refused_and_nothing_is_saved(world: World) -> None:
    response = client_for(world, "leader").post(
        URL, form_values(world, quiet_until="20:00", unread_fallback_hours="0")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The end must differ from the start." in page
    assert 'aria-invalid="true"' in page
    assert not MessagingSettings.objects.exists()


def test_an_approver_from_another_school_is_refused(world: World) -> None:
    outsider = Staff.objects.create(school=world.primary, first_name="Olu", last_name="Other")
    response = client_for(world, "leader").post(
        URL, form_values(world, nudge_approver=str(outsider.pk))
    )
    assert response.status_code == 200
    assert not MessagingSettings.objects.exists()
