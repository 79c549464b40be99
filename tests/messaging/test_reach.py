"""Families we can't reach: no channel at all, every recent copy failing, or letters waiting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.messaging.conversations.services import conversation_start
from schoolwindow.messaging.delivery.reach import unreachable_families
from schoolwindow.messaging.models import Delivery, DeliveryStatus, MessagingSettings
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Channel
from tests.conftest import signed_in_client
from tests.factories import PupilFactory, guardian_of
from tests.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def write_to(world: World, pupil, guardian) -> Delivery:
    conversation_start(
        actor=actor_for(world.staff["pastoral"].user),
        school_id=world.secondary.pk,
        pupil_id=pupil.pk,
        guardian_ids=[guardian.pk],
        subject="Hello",
        body="A short note from school.",
    )
    return Delivery.objects.filter(guardian=guardian).latest("pk")


def test_a_family_with_no_email_phone_or_login_is_listed_and_gets_letters(world: World) -> None:
    pupil = PupilFactory(school=world.secondary, legal_first_name="Ola", year_group=world.year7)
    nobody = guardian_of(
        pupil, with_login=False, first_name="Nadia", email="", phone="", address="1 Mill Lane"
    )
    copy = write_to(world, pupil, nobody)
    assert (copy.channel, copy.status) == (Channel.LETTER, DeliveryStatus.LETTER)
    families = {f.guardian.pk: f for f in unreachable_families(world.secondary.pk)}
    assert families[nobody.pk].reasons == ["no_channel", "letters"]
    assert families[nobody.pk].letters_waiting == 1
    # The mother has email and a log-in: she is reachable.
    assert world.parent.pk not in families
    # The restricted father is never listed for a child he may not be contacted about.
    assert world.restricted.pk not in families


def test_a_family_whose_recent_copies_all_bounced_is_listed(world: World) -> None:
    copy = write_to(world, world.pupil, world.parent)
    assert world.parent.pk not in {f.guardian.pk for f in unreachable_families(world.secondary.pk)}
    Delivery.objects.filter(pk=copy.pk).update(
        status=DeliveryStatus.BOUNCED, bounced_at=timezone.now()
    )
    families = {f.guardian.pk: f for f in unreachable_families(world.secondary.pk)}
    assert families[world.parent.pk].reasons == ["failing"]
    assert families[world.parent.pk].last_failure is not None
    # One copy that got through since: reachable again.
    second = write_to(world, world.pupil, world.parent)
    Delivery.objects.filter(pk=second.pk).update(status=DeliveryStatus.DELIVERED)
    assert world.parent.pk not in {f.guardian.pk for f in unreachable_families(world.secondary.pk)}


def test_old_failures_do_not_count(world: World) -> None:
    copy = write_to(world, world.pupil, world.parent)
    Delivery.objects.filter(pk=copy.pk).update(
        status=DeliveryStatus.FAILED, queued_at=timezone.now() - dt.timedelta(days=120)
    )
    assert not unreachable_families(world.secondary.pk)


def test_the_page_says_why_and_what_to_do_in_fixed_queries(world: World) -> None:
    client = signed_in_client(world.staff["office"].user)
    url = reverse("families:unreachable")
    pupil = PupilFactory(school=world.secondary, legal_first_name="Ola", year_group=world.year7)
    guardian_of(pupil, with_login=False, first_name="Nadia", email="", phone="")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert "Nadia" in html
    assert "No email address, no mobile number" in html
    assert "invite them to School Window" in html
    for n in range(6):
        other = PupilFactory(school=world.secondary, legal_first_name=f"P{n}")
        guardian_of(other, with_login=False, first_name=f"Nobody{n}", email="", phone="")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Nobody5" in html
    assert len(many) == len(few)
