"""The families pages for every role, announcements with their upload checks and statistics,
and the head's video."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponseBase, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from schoolwindow.messaging.broadcasts.selectors import broadcast_stats
from schoolwindow.messaging.broadcasts.services import broadcast_create, broadcast_queue
from schoolwindow.messaging.broadcasts.video import video_url
from schoolwindow.messaging.models import (
    Attachment,
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Delivery,
    DeliveryStatus,
    MessagingSettings,
)
from schoolwindow.people.actors import actor_for
from tests.conftest import signed_in_client
from tests.factories import PupilFactory, guardian_of
from tests.world import ALL_ROLES, STAFF_ROLES, World, build_world

pytestmark = pytest.mark.django_db

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
EXE_HEAD = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100


@pytest.fixture
def world() -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def client_for(world: World, role: str) -> Client:
    if role == "anonymous":
        return Client()
    return signed_in_client(world.user_for(role))


def outcome(response) -> int | str:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return "login"
    return int(response.status_code)


def year7_broadcast(world: World, **fields) -> Broadcast:
    actor = actor_for(world.staff["leader"].user)
    broadcast = broadcast_create(
        actor=actor,
        school_id=world.secondary.pk,
        subject="Year 7 trip",
        body="The trip is on Monday.",
        audience=AudienceKind.YEAR,
        year_group_id=world.year7.pk,
        **fields,
    )
    broadcast_queue(actor=actor, broadcast=broadcast)
    return broadcast


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 18), (20, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def expected(
    allowed: set[str], refused: int = 403, *, staff_refused: int = 403
) -> dict[str, int | str]:
    result: dict[str, int | str] = {}
    for role in ALL_ROLES:
        if role in allowed:
            result[role] = 200
        elif role in STAFF_ROLES:
            result[role] = staff_refused
        else:
            result[role] = refused
    result["anonymous"] = "login"
    return result


EVERY_STAFF = set(STAFF_ROLES)
WHOLE_SCHOOL = {"leader", "pastoral", "office", "dsl", "flo"}
BROADCASTERS = {"leader", "pastoral", "office", "dsl", "teacher"}

PAGES = {
    "hub": (lambda w: reverse("families:hub"), expected(EVERY_STAFF)),
    "positive": (lambda w: reverse("families:positive"), expected(EVERY_STAFF)),
    "praise_group": (
        lambda w: reverse("families:praise_group", kwargs={"group_id": w.tutor_group.pk}),
        {**expected(EVERY_STAFF - {"advocate"}), "advocate": 404},
    ),
    "praise_pupil": (
        lambda w: reverse("families:praise_pupil", kwargs={"pupil_id": w.pupil.pk}),
        expected(EVERY_STAFF),
    ),
    "unreachable": (lambda w: reverse("families:unreachable"), expected(WHOLE_SCHOOL)),
    "nudges": (lambda w: reverse("families:nudges"), expected({"leader", "pastoral"})),
    "broadcasts": (lambda w: reverse("families:broadcasts"), expected(BROADCASTERS)),
    "broadcast_new": (lambda w: reverse("families:broadcast_new"), expected(BROADCASTERS)),
    "opt_out": (lambda w: reverse("families:nudges_opt_out"), expected({"parent"})),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_who_may_open_each_page(world: World, page: str) -> None:
    url_of, outcomes = PAGES[page]
    url = url_of(world)
    for role in [*ALL_ROLES, "anonymous"]:
        assert outcome(client_for(world, role).get(url)) == outcomes[role], (page, role)


def test_who_may_open_an_announcement_and_its_video(world: World) -> None:
    broadcast = year7_broadcast(world, video_link="https://video.example.org/head-week-12")
    detail = reverse("families:broadcast_detail", kwargs={"broadcast_id": broadcast.pk})
    video = reverse("families:broadcast_video", kwargs={"broadcast_id": broadcast.pk})
    detail_outcomes = {
        **expected(BROADCASTERS - {"teacher"}),
        "teacher": 404,  # a teacher sees their own announcements only
    }
    video_outcomes: dict[str, int | str] = {role: 200 for role in STAFF_ROLES}
    # The parent got a copy; the pupil, the trust officer and strangers did not.
    video_outcomes.update({"parent": 200, "pupil": 404, "trust": 404, "anonymous": 404})
    for role in [*ALL_ROLES, "anonymous"]:
        client = client_for(world, role)
        assert outcome(client.get(detail)) == detail_outcomes[role], ("detail", role)
        assert outcome(client.get(video)) == video_outcomes[role], ("video", role)
    # The link written into the announcement works without signing in; a forged one does not.
    assert Client().get(video_url(broadcast, absolute=False)).status_code == 200
    assert Client().get(video + "?k=forged").status_code == 404


def test_a_leader_sends_to_a_year_group_with_an_attachment(world: World) -> None:
    client = signed_in_client(world.staff["leader"].user)
    pdf = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n" + b"x" * 500, "application/pdf")
    response = client.post(
        reverse("families:broadcast_new"),
        {
            "audience": "year",
            "year_group": world.year7.pk,
            "subject": "Year 7 trip",
            "body": "The trip to the museum is on Monday.",
            "attachments": [pdf],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    broadcast = Broadcast.objects.get()
    assert broadcast.status == BroadcastStatus.QUEUED
    attachment = Attachment.objects.get(broadcast=broadcast)
    assert attachment.content_type == "application/pdf"
    assert attachment.message is not None
    copies = Delivery.objects.filter(message__broadcast=broadcast)
    assert world.parent.pk in {c.guardian_id for c in copies}
    assert world.restricted.pk not in {c.guardian_id for c in copies}


def test_a_scheduled_announcement_waits(world: World) -> None:
    client = signed_in_client(world.staff["office"].user)
    later = (dt.datetime.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    client.post(
        reverse("families:broadcast_new"),
        {
            "audience": "school",
            "subject": "Open evening",
            "body": "Come and see us.",
            "scheduled_for": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    broadcast = Broadcast.objects.get()
    assert broadcast.status == BroadcastStatus.SCHEDULED
    assert broadcast.scheduled_for is not None
    for copy in Delivery.objects.filter(message__broadcast=broadcast, status="queued"):
        assert copy.not_before >= broadcast.scheduled_for


def test_teachers_write_to_their_own_classes_only_and_never_urgently(world: World) -> None:
    client = signed_in_client(world.staff["teacher"].user)
    page = client.get(reverse("families:broadcast_new")).content.decode()
    assert "Urgent" not in page
    assert "Every family in the school" not in page
    client.post(
        reverse("families:broadcast_new"),
        {"audience": "school", "subject": "Hi", "body": "Everyone!"},
    )
    client.post(
        reverse("families:broadcast_new"),
        {"audience": "group", "group": world.other_group.pk, "subject": "Hi", "body": "7QZ"},
    )
    assert not Broadcast.objects.exists()
    client.post(
        reverse("families:broadcast_new"),
        {
            "audience": "group",
            "group": world.tutor_group.pk,
            "subject": "PE kit",
            "body": "Bring PE kit on Thursday.",
            "urgent": "on",
        },
    )
    broadcast = Broadcast.objects.get()
    assert broadcast.group_id == world.tutor_group.pk
    assert not broadcast.urgent
    # The leader may mark it urgent.
    signed_in_client(world.staff["leader"].user).post(
        reverse("families:broadcast_new"),
        {"audience": "school", "subject": "Closed", "body": "Snow.", "urgent": "on"},
    )
    assert Broadcast.objects.get(subject="Closed").urgent


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        ("video", ("speech.mp4", EXE_HEAD), "not really an MP4"),
        ("video", ("speech.exe", MP4_HEAD), "must be an MP4 or WebM"),
        ("video", ("speech.mp4", MP4_HEAD + b"\x00" * 3000), "too big"),
        ("attachments", ("letter.pdf", EXE_HEAD), "not the kind of file its name says"),
        ("attachments", ("tool.exe", EXE_HEAD), "can&#x27;t be attached"),
        ("attachments", ("big.pdf", b"%PDF-1.4\n" + b"x" * 3000), "too big"),
        ("video_poster", ("poster.png", EXE_HEAD), "must be a JPEG, PNG or WebP"),
    ],
)
def test_uploads_are_checked_by_name_content_and_size(
    world: World, settings, field: str, upload: tuple[str, bytes], message: str
) -> None:
    settings.MESSAGING_VIDEO_MAX_BYTES = 2000
    settings.MESSAGING_ATTACHMENT_MAX_BYTES = 2000
    client = signed_in_client(world.staff["leader"].user)
    data: dict[str, object] = {
        "audience": "school",
        "subject": "Head's message",
        "body": "This week at school.",
        field: SimpleUploadedFile(upload[0], upload[1]),
    }
    if field == "video":
        data["video_poster"] = SimpleUploadedFile("poster.png", png_bytes())
    if field == "video_poster":
        data["video"] = SimpleUploadedFile("speech.mp4", MP4_HEAD)
    response = client.post(reverse("families:broadcast_new"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Broadcast.objects.exists()


def test_a_video_link_must_be_https(world: World) -> None:
    client = signed_in_client(world.staff["leader"].user)
    response = client.post(
        reverse("families:broadcast_new"),
        {
            "audience": "school",
            "subject": "Head's message",
            "body": "This week.",
            "video_link": "http://video.example.org/1",
        },
    )
    assert "must start with https://" in response.content.decode()
    assert not Broadcast.objects.exists()


def test_the_heads_video_with_its_poster(world: World) -> None:
    client = signed_in_client(world.staff["leader"].user)
    response = client.post(
        reverse("families:broadcast_new"),
        {
            "audience": "school",
            "subject": "Head's message, week 12",
            "body": "A short message from me this week.",
            "video": SimpleUploadedFile("week12.mp4", MP4_HEAD + b"\x00" * 200),
            "video_poster": SimpleUploadedFile("poster.png", png_bytes()),
        },
    )
    assert response.status_code == 302
    broadcast = Broadcast.objects.get()
    assert broadcast.video.name is not None and broadcast.video.name.endswith(".mp4")
    # Families get a link to the video page in the message.
    copy = Delivery.objects.filter(message__broadcast=broadcast, guardian=world.parent).get()
    assert f"/families/broadcasts/{broadcast.pk}/video/?k=" in copy.body
    link = copy.body[copy.body.index("/families/") :].split()[0]
    anonymous = Client()
    page = anonymous.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<video" in html and 'poster="' in html and 'type="video/mp4"' in html
    key = link.split("?k=")[1]
    file: HttpResponseBase = anonymous.get(
        reverse("families:broadcast_video_file", kwargs={"broadcast_id": broadcast.pk})
        + f"?k={key}"
    )
    assert file.status_code == 200 and file["Content-Type"] == "video/mp4"
    assert isinstance(file, StreamingHttpResponse)
    assert file.getvalue().startswith(MP4_HEAD)
    # Phones ask for byte ranges.
    part = anonymous.get(
        reverse("families:broadcast_video_file", kwargs={"broadcast_id": broadcast.pk})
        + f"?k={key}",
        headers={"Range": "bytes=4-11"},
    )
    assert part.status_code == 206
    assert part.content == b"ftypmp42"
    assert part["Content-Range"] == f"bytes 4-11/{len(MP4_HEAD) + 200}"
    poster = anonymous.get(
        reverse("families:broadcast_video_poster", kwargs={"broadcast_id": broadcast.pk})
        + f"?k={key}"
    )
    assert poster["Content-Type"] == "image/png"
    assert (
        anonymous.get(
            reverse("families:broadcast_video_file", kwargs={"broadcast_id": broadcast.pk})
        ).status_code
        == 404
    )


def test_statistics_count_each_status_and_the_read_rate(world: World) -> None:
    for n in range(5):
        pupil = PupilFactory(
            school=world.secondary, legal_first_name=f"Y7-{n}", year_group=world.year7
        )
        guardian_of(pupil, first_name=f"Family{n}", with_login=False)
    broadcast = year7_broadcast(world)
    copies = list(Delivery.objects.filter(message__broadcast=broadcast).order_by("pk"))
    assert len(copies) == 6  # Kacper's mother and five more (Ava's family is not on record)
    fates = [
        DeliveryStatus.READ,
        DeliveryStatus.REPLIED,
        DeliveryStatus.BOUNCED,
        DeliveryStatus.LETTER,
        DeliveryStatus.SENT,
        DeliveryStatus.SENDING,  # counted as waiting
    ]
    for copy, fate in zip(copies, fates, strict=True):
        Delivery.objects.filter(pk=copy.pk).update(status=fate)
    stats = broadcast_stats([broadcast.pk])[broadcast.pk]
    assert stats.total == 6
    assert stats.counts == {
        "read": 1,
        "replied": 1,
        "bounced": 1,
        "letter": 1,
        "sent": 1,
        "queued": 1,
    }
    assert stats.read_rate == 33  # 2 of 6
    html = signed_in_client(world.staff["leader"].user).get(reverse("families:broadcasts"))
    assert "33 %" in html.content.decode()


def test_the_recipient_list_is_paginated_in_fixed_queries(world: World) -> None:
    broadcast = year7_broadcast(world)
    client = signed_in_client(world.staff["leader"].user)
    url = reverse("families:broadcast_detail", kwargs={"broadcast_id": broadcast.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert "Agnieszka Nowak" in html
    assert "Marek" not in html
    for n in range(60):
        pupil = PupilFactory(
            school=world.secondary, legal_first_name=f"Y7-{n}", year_group=world.year7
        )
        guardian_of(pupil, first_name=f"Family{n}", with_login=False)
    big = year7_broadcast(world)
    url = reverse("families:broadcast_detail", kwargs={"broadcast_id": big.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Page 1 of 2" in html
    assert len(many) == len(few)
    list_url = reverse("families:broadcasts")
    with CaptureQueriesContext(connection) as listed:
        client.get(list_url)
    year7_broadcast(world)
    with CaptureQueriesContext(connection) as listed_more:
        client.get(list_url)
    assert len(listed_more) == len(listed)
