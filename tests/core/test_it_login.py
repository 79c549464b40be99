from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.audit.models import AuditEvent
from schoolwindow.people.models import Role
from schoolwindow.people.services import guardian_invitation_create
from tests.conftest import signed_in_client
from tests.factories import (
    PASSWORD,
    PupilFactory,
    SchoolFactory,
    guardian_of,
    staff_member,
    totp_code,
)

pytestmark = pytest.mark.django_db


def test_staff_sign_in_needs_password_then_totp_code() -> None:
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    client = Client()
    response = client.post("/login/", {"username": staff.user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/login/verify/"
    # Password alone does not sign a member of staff in.
    assert client.get("/").status_code == 302

    response = client.post("/login/verify/", {"code": totp_code(staff.user)})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert AuditEvent.objects.filter(action="account.signed_in", actor=staff.user).count() == 1


def test_wrong_totp_code_is_refused_with_a_clear_message() -> None:
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    client = Client()
    client.post("/login/", {"username": staff.user.username, "password": PASSWORD})
    wrong = f"{(int(totp_code(staff.user)) + 1) % 1_000_000:06d}"
    response = client.post("/login/verify/", {"code": wrong})
    assert response.status_code == 200
    assert "did not work" in response.content.decode()
    assert client.get("/").status_code == 302


def test_first_sign_in_sets_up_an_authenticator() -> None:
    staff = staff_member(SchoolFactory(), Role.OFFICE, totp=False)
    assert staff.user is not None
    client = Client()
    response = client.post("/login/", {"username": staff.user.username, "password": PASSWORD})
    assert response["Location"] == "/login/setup/"
    page = client.get("/login/setup/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff.user, confirmed=False)
    from django_otp.oath import TOTP

    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post("/login/setup/", {"code": code})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused() -> None:
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    response = Client().post("/login/", {"username": staff.user.username, "password": "nope"})
    assert response.status_code == 200
    assert "correct" in response.content.decode()


def test_repeated_failures_lock_the_account_for_a_while(settings) -> None:
    settings.AXES_ENABLED = True
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": staff.user.username, "password": "wrong"})
    response = client.post("/login/", {"username": staff.user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_parent_signs_in_with_password_only() -> None:
    pupil = PupilFactory()
    guardian = guardian_of(pupil)
    assert guardian.user is not None
    client = Client()
    response = client.post("/login/", {"username": guardian.user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # home sends parents to their children


def test_parent_invitation_sets_a_password_once() -> None:
    pupil = PupilFactory()
    guardian = guardian_of(pupil, with_login=False)
    office = staff_member(pupil.school, Role.OFFICE)
    from schoolwindow.people.actors import actor_for

    link = guardian_invitation_create(actor=actor_for(office.user), guardian=guardian)
    assert len(mail.outbox) == 1
    assert link in mail.outbox[0].body
    path = link.split("127.0.0.1:8000", 1)[-1]
    client = Client()
    assert client.get(path).status_code == 200
    new_password = "plum tree orchard 42"
    response = client.post(path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert guardian.user is not None and guardian.user.check_password(new_password)
    # A used link does not work twice.
    assert Client().get(path).status_code == 404


def test_language_choice_is_saved_on_the_account() -> None:
    staff = staff_member(SchoolFactory(), Role.TEACHER)
    assert staff.user is not None
    client = signed_in_client(staff.user)
    client.post("/account/language/", {"language": "pl", "next": "/account/"})
    staff.user.refresh_from_db()
    assert staff.user.language == "pl"
    assert 'lang="pl"' in client.get("/account/").content.decode()
