from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from schoolwindow.audit.models import AuditEvent
from schoolwindow.people.models import Guardian, GuardianInvitation
from tests.factories import PupilFactory, guardian_of
from tests.pages.conftest import World, status_for, statuses

EXPECTED = statuses(leader=302, pastoral=302, flo=302, dsl=302, office=302)


def url(guardian: Guardian) -> str:
    return reverse("guardian_invite", kwargs={"guardian_id": guardian.pk})


def new_guardian(world: World) -> Guardian:
    return guardian_of(world.cara, with_login=False, first_name="Grace", email="grace@example.org")


@pytest.mark.parametrize(("role", "expected"), EXPECTED.items())
def test_who_may_invite_a_parent(world: World, role: str, expected: int | str) -> None:
    guardian = new_guardian(world)
    back = reverse("pupil_detail", kwargs={"pupil_id": world.cara.pk})
    response = world.client(role).post(url(guardian), {"next": back})
    assert status_for(response) == expected
    sent = GuardianInvitation.objects.filter(guardian=guardian).exists()
    assert sent is (expected == 302)
    if expected == 302:
        assert response["Location"] == back
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["grace@example.org"]
        assert AuditEvent.objects.filter(action="guardian.invited").exists()


def test_success_message_is_shown(world: World) -> None:
    guardian = new_guardian(world)
    client = world.client("office")
    response = client.post(url(guardian), follow=True)
    assert "We have emailed Grace" in response.content.decode()


def test_a_restricted_guardian_is_refused(world: World) -> None:
    client = world.client("office")
    response = client.post(url(world.piotr), follow=True)
    html = response.content.decode()
    assert "must not be contacted" in html
    assert not GuardianInvitation.objects.filter(guardian=world.piotr).exists()
    assert not mail.outbox
    assert AuditEvent.objects.filter(action="guardian.invitation_refused_restricted").exists()


def test_a_guardian_without_email_gets_a_clear_message(world: World) -> None:
    guardian = guardian_of(world.cara, with_login=False, email="")
    response = world.client("office").post(url(guardian), follow=True)
    assert "has no email address" in response.content.decode()
    assert not GuardianInvitation.objects.exists()


def test_a_guardian_of_another_school_does_not_exist(world: World) -> None:
    guardian = guardian_of(PupilFactory(school=world.elsewhere), with_login=False)
    assert world.client("office").post(url(guardian)).status_code == 404


def test_an_unsafe_next_is_ignored(world: World) -> None:
    response = world.client("office").post(
        url(new_guardian(world)), {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_get_is_not_allowed(world: World) -> None:
    assert world.client("office").get(url(new_guardian(world))).status_code == 405


def test_the_invite_button_shows_only_for_a_reachable_guardian_without_an_account(
    world: World,
) -> None:
    guardian = new_guardian(world)
    cara = reverse("pupil_detail", kwargs={"pupil_id": world.cara.pk})
    assert url(guardian) in world.client("office").get(cara).content.decode()
    # A teacher may not invite, so sees no button.
    world.cara.enrolments.update(group=world.class_7r)
    as_teacher = world.client("teacher").get(cara)
    assert as_teacher.status_code == 200
    assert url(guardian) not in as_teacher.content.decode()
    # Maria already has an account; Piotr must not be contacted.
    ada = world.client("office").get(reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk}))
    html = ada.content.decode()
    assert url(world.maria) not in html
    assert url(world.piotr) not in html
