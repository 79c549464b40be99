"""Forgot password, by email through a real SMTP server (aiosmtpd), for staff and parents."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from schoolwindow.audit.models import AuditEvent
from schoolwindow.people.models import Role
from tests.accounts.conftest import reset_link
from tests.factories import (
    PASSWORD,
    PupilFactory,
    SchoolFactory,
    guardian_of,
    staff_member,
    totp_code,
)
from tests.messaging.outbox_support import SmtpSink

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet meadow lantern 73"
OnCommit = Callable[..., AbstractContextManager[Any]]


def ask_for_link(client: Client, email: str, on_commit: OnCommit, **headers: Any) -> Any:
    with on_commit(execute=True):
        return client.post("/login/forgot/", {"email": email}, **headers)


def path_of(link: str) -> str:
    return urlsplit(link).path


def test_staff_reset_then_still_need_their_code(
    smtp: SmtpSink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    client = Client()
    response = ask_for_link(client, staff.user.email.upper(), django_capture_on_commit_callbacks)
    assert response["Location"] == "/login/forgot/sent/"

    link = reset_link(smtp, staff.user.email)
    opened = client.get(path_of(link))
    # The token leaves the address bar at once.
    assert opened.status_code == 302 and opened["Location"].endswith("/set-password/")
    page = client.get(opened["Location"])
    assert "Choose a new password" in page.content.decode()
    done = client.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done["Location"] == "/login/"
    assert client.get("/").status_code == 302, "setting the password signs nobody in"

    staff.user.refresh_from_db()
    assert staff.user.check_password(NEW_PASSWORD)
    signed = client.post("/login/", {"username": staff.user.username, "password": NEW_PASSWORD})
    assert signed["Location"] == "/login/verify/"
    assert client.get("/").status_code == 302, "the password alone is not enough for staff"
    client.post("/login/verify/", {"code": totp_code(staff.user)})
    assert client.get("/").status_code == 200

    kinds = list(
        AuditEvent.objects.filter(object_id=str(staff.user.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert kinds == [
        "account.password_reset_requested",
        "account.password_reset",
        "account.signed_in",
    ]
    for event in AuditEvent.objects.all():
        assert NEW_PASSWORD not in str(event.detail) and PASSWORD not in str(event.detail)


def test_the_link_works_once(smtp: SmtpSink, django_capture_on_commit_callbacks: OnCommit) -> None:
    staff = staff_member(SchoolFactory(), Role.OFFICE)
    assert staff.user is not None
    ask_for_link(Client(), staff.user.email, django_capture_on_commit_callbacks)
    link = reset_link(smtp, staff.user.email)
    first = Client()
    target = first.get(path_of(link))["Location"]
    first.post(target, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = Client().get(path_of(link))
    assert again.status_code == 404
    assert "expired or was already used" in again.content.decode()


def test_the_link_expires(
    smtp: SmtpSink, django_capture_on_commit_callbacks: OnCommit, settings: Any
) -> None:
    staff = staff_member(SchoolFactory(), Role.OFFICE)
    assert staff.user is not None
    ask_for_link(Client(), staff.user.email, django_capture_on_commit_callbacks)
    link = reset_link(smtp, staff.user.email)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert Client().get(path_of(link)).status_code == 404


def test_an_unknown_address_is_told_the_same_and_gets_nothing(
    smtp: SmtpSink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    staff = staff_member(SchoolFactory(), Role.OFFICE)
    assert staff.user is not None
    known = ask_for_link(Client(), staff.user.email, django_capture_on_commit_callbacks)
    unknown = ask_for_link(Client(), "nobody@example.org", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(smtp.handler.received) == 1
    event = AuditEvent.objects.get(action="account.password_reset_requested", object_id="")
    assert event.detail == {"email": "nobody@example.org", "matched": False}


def test_a_parent_resets_in_polish_and_signs_in_with_password_only(
    smtp: SmtpSink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    guardian = guardian_of(PupilFactory())
    assert guardian.user is not None
    guardian.user.language = "pl"
    guardian.user.save(update_fields=["language"])
    page = ask_for_link(
        Client(), guardian.email, django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="pl"
    )
    assert page.status_code == 302
    message = smtp.handler.by_recipient()[guardian.email][0].message
    assert message["Subject"] == "Ustaw nowe hasło do School Window"
    client = Client()
    target = client.get(path_of(reset_link(smtp, guardian.email)))["Location"]
    client.post(target, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    signed = client.post("/login/", {"username": guardian.user.username, "password": NEW_PASSWORD})
    assert signed.status_code == 302 and signed["Location"] == "/"


def test_new_passwords_must_match_and_be_strong(
    smtp: SmtpSink, django_capture_on_commit_callbacks: OnCommit
) -> None:
    staff = staff_member(SchoolFactory(), Role.OFFICE)
    assert staff.user is not None
    ask_for_link(Client(), staff.user.email, django_capture_on_commit_callbacks)
    client = Client()
    target = client.get(path_of(reset_link(smtp, staff.user.email)))["Location"]
    empty = client.post(target, {"password1": "", "password2": ""}).content.decode()
    assert "Enter a new password." in empty
    different = client.post(target, {"password1": NEW_PASSWORD, "password2": "other words 12"})
    assert "The two passwords are not the same." in different.content.decode()
    assert not AuditEvent.objects.filter(action="account.password_reset").exists()


def test_the_request_form_asks_for_an_email_in_plain_words() -> None:
    html = Client().post("/login/forgot/", {"email": "not an address"}).content.decode()
    assert "Enter an email address, like name@example.org." in html
    assert (
        "Nie pamiętasz hasła?"
        in Client().get("/login/forgot/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    )


def test_a_reset_ends_a_pause_on_signing_in(
    smtp: SmtpSink, django_capture_on_commit_callbacks: OnCommit, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": staff.user.username, "password": "wrong"})
    assert (
        client.post("/login/", {"username": staff.user.username, "password": PASSWORD}).status_code
        == 429
    )
    ask_for_link(client, staff.user.email, django_capture_on_commit_callbacks)
    target = client.get(path_of(reset_link(smtp, staff.user.email)))["Location"]
    client.post(target, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    signed = client.post("/login/", {"username": staff.user.username, "password": NEW_PASSWORD})
    assert signed["Location"] == "/login/verify/"
