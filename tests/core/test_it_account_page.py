"""The account page is the lightest signed-in page (the floor the benchmarks compare with)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from schoolwindow.people.models import Role
from tests.conftest import signed_in_client
from tests.factories import PupilFactory, SchoolFactory, guardian_of, staff_member

pytestmark = pytest.mark.django_db


def account_page(client: Client) -> tuple[str, int]:
    client.get("/account/")  # the session is loaded and the language chosen once
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/account/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_staff_see_two_step_sign_in_on_without_asking_the_database_again() -> None:
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    html, queries = account_page(signed_in_client(staff.user))
    assert "Two-step sign-in" in html
    assert "<dd>On</dd>" in html
    # Session, user, the verified device, the actor's roles, the unread count: the device
    # the session was verified with already says two-step sign-in is on.
    assert queries == 5


def test_parents_are_not_told_about_two_step_sign_in() -> None:
    guardian = guardian_of(PupilFactory(school=SchoolFactory()))
    assert guardian.user is not None
    html, queries = account_page(signed_in_client(guardian.user))
    assert "Two-step sign-in" not in html
    # Session, user, the guardian record, and the inbox's two unread counts.
    assert queries == 5
