"""Signing in: clear messages for empty boxes, a warning before the pause, a lock-out page that
says when to try again, and every failure in the audit log without the password."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.people.models import Role
from tests.factories import PASSWORD, SchoolFactory, staff_member

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-at-all"


def test_empty_boxes_each_say_what_is_missing() -> None:
    response = Client().post("/login/", {"username": "", "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter your email or username." in html
    assert "Enter your password." in html
    assert 'aria-describedby="id_username-error"' in html
    # Nothing was tried, so nothing counts as a failed sign-in.
    assert not AuditEvent.objects.filter(action="account.sign_in_failed").exists()


def test_empty_password_alone_is_named_in_polish() -> None:
    response = Client().post(
        "/login/", {"username": "someone", "password": ""}, HTTP_ACCEPT_LANGUAGE="pl"
    )
    html = response.content.decode()
    assert "Wpisz hasło." in html
    assert "Wpisz adres e-mail lub nazwę użytkownika." not in html


def test_a_wrong_password_is_audited_without_the_password() -> None:
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    Client().post("/login/", {"username": staff.user.username, "password": WRONG})
    event = AuditEvent.objects.get(action="account.sign_in_failed")
    assert event.detail["username"] == staff.user.username
    assert event.object_id == str(staff.user.pk)
    assert WRONG not in str(event.detail) and WRONG not in event.object_label


def test_one_try_left_is_announced_then_the_pause_says_when_to_come_back(settings: Any) -> None:
    settings.AXES_ENABLED = True
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    client = Client()
    attempt = {"username": staff.user.username, "password": WRONG}
    pages = [client.post("/login/", attempt) for _ in range(settings.AXES_FAILURE_LIMIT)]
    *before, paused = pages
    assert "1 try left before signing in is paused for 15 minutes." in before[-1].content.decode()
    assert "2 tries left" in before[-2].content.decode()
    assert "left before" not in before[0].content.decode()

    assert paused.status_code == 429
    html = paused.content.decode()
    assert "signing in is paused" in html
    until = timezone.localtime(timezone.now() + dt.timedelta(minutes=15))
    earliest, latest = (until - dt.timedelta(minutes=1)), until
    assert f"try again after {earliest:%H:%M}" in html or f"try again after {latest:%H:%M}" in html
    assert 'href="/login/forgot/"' in html

    failures = AuditEvent.objects.filter(action="account.sign_in_failed").order_by("at", "id")
    assert [e.detail["attempt"] for e in failures] == [1, 2, 3, 4, 5]
    locked = AuditEvent.objects.get(action="account.locked_out")
    assert locked.detail == {"username": staff.user.username, "attempt": 5, "minutes": 15}
    assert all(WRONG not in str(e.detail) for e in AuditEvent.objects.all())

    # The right password does not get through the pause.
    right = client.post("/login/", {"username": staff.user.username, "password": PASSWORD})
    assert right.status_code == 429


def test_the_lock_out_page_is_in_polish(settings: Any) -> None:
    settings.AXES_ENABLED = True
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/login/",
            {"username": staff.user.username, "password": WRONG},
            HTTP_ACCEPT_LANGUAGE="pl",
        )
    assert response.status_code == 429
    assert "Zbyt wiele prób: logowanie jest wstrzymane" in response.content.decode()
