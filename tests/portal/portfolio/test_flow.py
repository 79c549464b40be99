"""The portfolio end to end through its pages and services: upload attacks through the post
form, image consent, approval, comments (twice is once), hiding a comment, home posts, and the
S3-compatible storage (moto, as tests/core does)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import AlreadyDone, new_token
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.portfolio import services
from schoolwindow.portal.portfolio.models import (
    ImageConsent,
    PortfolioComment,
    PortfolioFile,
    PortfolioPost,
    PortfolioSettings,
    PostStatus,
)
from tests.core.test_uploads import png_claiming, s3_bucket, s3_endpoint  # noqa: F401
from tests.pages.conftest import World
from tests.portal.conftest import client_for
from tests.portal.portfolio.helpers import (
    GPS_IFD,
    classmate,
    consent,
    drained,
    jpeg_bytes,
    photo,
    pupil_post,
    teacher_post,
)

pytestmark = pytest.mark.usefixtures("english")


def stored_files() -> list[str]:
    found: list[str] = []

    def walk(folder: str) -> None:
        if not default_storage.exists(folder):
            return
        dirs, files = default_storage.listdir(folder)
        found.extend(f"{folder}/{name}" for name in files)
        for sub in dirs:
            walk(f"{folder}/{sub}")

    walk("portfolio")
    return found


def post_form(client: Client, pupil_id: int, **files: object) -> tuple[int, str]:
    data = {"title": "Cooking at home", "body": "Pierogi with grandma.", "once": new_token()}
    response = client.post(reverse("portal_portfolio:new", args=[pupil_id]), {**data, **files})
    return response.status_code, response.content.decode()


# --- Upload attacks through the portfolio form ---------------------------------------------


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("cake.jpg", b"#!/bin/sh\nrm -rf ~\n" * 4, "image/jpeg"), "not a photo"),
        (
            SimpleUploadedFile("bomb.png", png_claiming(50_000, 50_000), "image/png"),
            "too large to open safely",
        ),
        (SimpleUploadedFile("half.jpg", jpeg_bytes((400, 300))[:600], "image/jpeg"), "damaged"),
    ],
    ids=["script named .jpg", "decompression bomb", "corrupt image"],
)
def test_upload_attacks_are_refused_and_leave_nothing(
    world: World, upload: SimpleUploadedFile, words: str
) -> None:
    status, page = post_form(client_for(world, "parent"), world.ada.pk, photos=[upload])
    assert status == 400
    assert words in page and "There is a problem" in page
    assert 'value="Cooking at home"' in page  # nothing typed is lost
    assert not PortfolioPost.objects.exists()
    assert stored_files() == []


def test_an_oversized_photo_is_refused(world: World, settings) -> None:
    settings.UPLOADS_PHOTO_MAX_BYTES = 1 << 20
    big = SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\x00" * (2 << 20), "image/jpeg")
    status, page = post_form(client_for(world, "parent"), world.ada.pk, photos=[big])
    assert status == 400 and "Photos can be up to 1 MB" in page
    assert not PortfolioPost.objects.exists()


def test_a_script_named_pdf_and_a_script_named_mp4_are_refused(world: World) -> None:
    client = client_for(world, "parent")
    script = b"<script>alert(1)</script>"
    status, page = post_form(client, world.ada.pk, document=SimpleUploadedFile("a.pdf", script))
    assert status == 400 and "not a PDF" in page
    status, page = post_form(client, world.ada.pk, video=SimpleUploadedFile("a.mp4", script))
    assert status == 400 and "not a video" in page
    assert not PortfolioPost.objects.exists()


def test_gps_never_reaches_storage_and_a_thumbnail_is_made(world: World) -> None:
    source = jpeg_bytes((1200, 900), gps=True)
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS_IFD)
    status, _page = post_form(
        client_for(world, "parent"), world.ada.pk, photos=[photo("IMG_1.jpg", source)]
    )
    assert status == 302
    post = PortfolioPost.objects.get()
    assert (post.status, post.author_kind, post.kind) == ("published", "family", "photo")
    file = PortfolioFile.objects.get(post=post)
    with default_storage.open(file.name) as stored:
        data = stored.read()
    assert b"PhonePhone" not in data
    kept = Image.open(io.BytesIO(data))
    assert len(kept.getexif()) == 0 and not kept.getexif().get_ifd(GPS_IFD)
    assert "IMG_1" not in file.name
    with default_storage.open(file.thumbnail) as small:
        thumb = Image.open(io.BytesIO(small.read()))
    assert max(thumb.size) == 320 and len(thumb.getexif()) == 0
    assert post.thumbnail == file.thumbnail


def test_several_photos_a_video_and_a_document_can_be_posted(world: World) -> None:
    from tests.core.test_uploads_media import mp4, pdf

    client = client_for(world, "parent")
    assert post_form(client, world.ada.pk, photos=[photo("a.jpg"), photo("b.jpg")])[0] == 302
    assert (
        post_form(client, world.ada.pk, video=SimpleUploadedFile("v.mov", mp4(b"qt  ")))[0] == 302
    )
    assert post_form(client, world.ada.pk, document=SimpleUploadedFile("d", pdf()))[0] == 302
    kinds = sorted(PortfolioFile.objects.values_list("kind", "content_type"))
    assert kinds == [
        ("document", "application/pdf"),
        ("photo", "image/jpeg"),
        ("photo", "image/jpeg"),
        ("video", "video/quicktime"),
    ]
    document = PortfolioFile.objects.get(kind="document")
    response = client.get(reverse("portal_portfolio:file", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert drained(response).startswith(b"%PDF")
    status, page = post_form(
        client,
        world.ada.pk,
        photos=[photo()],
        video=SimpleUploadedFile("v.mp4", mp4()),
    )
    assert status == 400 and "choose one kind" in page


# --- Consent ---------------------------------------------------------------------------------


def test_school_photos_need_the_familys_consent(world: World) -> None:
    teacher = client_for(world, "teacher")
    status, page = post_form(teacher, world.ada.pk, photos=[photo()])
    assert status == 400 and "has not agreed to photos" in page
    consent(world.ada, own=True, others=False)
    assert post_form(teacher, world.ada.pk, photos=[photo()])[0] == 302
    # Words alone never need it.
    ImageConsent.objects.update(own_portfolio=False)
    assert post_form(teacher, world.ada.pk)[0] == 302


def test_the_family_records_consent_and_the_office_can_too(world: World) -> None:
    url = reverse("portal_portfolio:consent", args=[world.ada.pk])
    response = client_for(world, "parent").post(url, {"own_portfolio": "yes", "others_posts": "no"})
    assert response.status_code == 302
    saved = ImageConsent.objects.get(pupil=world.ada)
    assert (saved.own_portfolio, saved.others_posts, saved.by_office) == (True, False, False)
    response = client_for(world, "office").post(
        url, {"own_portfolio": "yes", "others_posts": "yes"}
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.others_posts, saved.by_office) == (True, True)
    assert AuditEvent.objects.filter(action="portfolio.consent_recorded").count() == 2
    missing = client_for(world, "parent").post(url, {})
    assert missing.status_code == 400 and "This field is required" in missing.content.decode()
    assert (
        client_for(world, "teacher")
        .post(url, {"own_portfolio": "no", "others_posts": "no"})
        .status_code
        == 403
    )


def test_tagging_another_child_needs_their_familys_consent(world: World) -> None:
    dan = classmate(world)
    consent(world.ada)
    actor = actor_for(world.staff["teacher"].user)
    args: dict[str, Any] = {
        "actor": actor,
        "pupil_id": world.ada.pk,
        "side": "staff",
        "title": "Our play",
    }
    # Dan's family has not answered: the form offers no box for him and says why.
    page = client_for(world, "teacher").get(reverse("portal_portfolio:new", args=[world.ada.pk]))
    text = page.content.decode()
    assert "Not to be shown in other children" in text and "Dan" in text
    assert f'value="{dan.pk}"' not in text
    with pytest.raises(Invalid, match="have not agreed to them appearing"):
        services.post_create(**args, photos=[photo()], tags=[dan.pk])
    consent(dan, own=True, others=False)
    with pytest.raises(Invalid, match="Dan"):
        services.post_create(**args, photos=[photo()], tags=[dan.pk])
    consent(dan, own=False, others=True)
    post = services.post_create(**args, photos=[photo()], tags=[dan.pk])
    assert list(post.tags.values_list("pupil_id", flat=True)) == [dan.pk]
    # A child the teacher does not teach cannot be named at all; nor can families tag.
    consent(world.cara)
    with pytest.raises(NotFound):
        services.post_create(**args, photos=[photo()], tags=[world.cara.pk])
    with pytest.raises(Refused):
        services.post_create(
            actor=actor_for(world.maria.user),
            pupil_id=world.ada.pk,
            side="family",
            title="Home",
            photos=[photo()],
            tags=[dan.pk],
        )


def test_the_pupil_cannot_post_photos_without_consent_but_can_post_words(world: World) -> None:
    actor = actor_for(world.ada.user)
    with pytest.raises(Invalid, match="has not agreed"):
        services.post_create(
            actor=actor, pupil_id=world.ada.pk, side="pupil", title="Me", photos=[photo()]
        )
    assert pupil_post(world).status == PostStatus.WAITING


# --- Approval ------------------------------------------------------------------------------


def test_a_pupils_post_appears_only_after_a_teacher_approves_it(world: World) -> None:
    post = pupil_post(world)
    parent = client_for(world, "parent")
    child_url = reverse("portal_portfolio:child", args=[world.ada.pk])
    assert "My poem" not in parent.get(child_url).content.decode()
    queue = client_for(world, "teacher").get(reverse("portal_portfolio:queue")).content.decode()
    assert "My poem" in queue
    decide = reverse("portal_portfolio:decide", args=[post.pk])
    assert client_for(world, "advocate").post(decide, {"decision": "approve"}).status_code == 404
    assert client_for(world, "parent").post(decide, {"decision": "approve"}).status_code == 404
    assert client_for(world, "teacher").post(decide, {"decision": "approve"}).status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert "My poem" in parent.get(child_url).content.decode()
    with pytest.raises(AlreadyDone):
        services.post_decide(
            actor=actor_for(world.staff["leader"].user), post_id=post.pk, approve=False
        )
    assert AuditEvent.objects.filter(action="portfolio.approved").count() == 1


def test_a_returned_post_stays_unshared(world: World) -> None:
    post = pupil_post(world)
    services.post_decide(
        actor=actor_for(world.staff["teacher"].user), post_id=post.pk, approve=False
    )
    post.refresh_from_db()
    assert post.status == PostStatus.RETURNED
    url = reverse("portal_portfolio:post", args=[post.pk])
    assert client_for(world, "parent").get(url).status_code == 404
    assert "Not shared" in client_for(world, "pupil").get(url).content.decode()


def test_the_school_may_ask_to_approve_home_posts(world: World) -> None:
    office = client_for(world, "office")
    url = reverse("portal_portfolio:settings")
    assert (
        office.post(
            url + f"?school={world.oakfield.pk}", {"home_posts_need_approval": "on"}
        ).status_code
        == 302
    )
    assert PortfolioSettings.objects.get(school=world.oakfield).home_posts_need_approval
    status, _page = post_form(client_for(world, "parent"), world.ada.pk)
    assert status == 302
    post = PortfolioPost.objects.get()
    assert post.status == PostStatus.WAITING
    # The parent who sent it sees it waiting; Ben's school (Brookside) did not ask.
    assert (
        "Waiting for a teacher"
        in client_for(world, "parent")
        .get(reverse("portal_portfolio:post", args=[post.pk]))
        .content.decode()
    )
    post_form(client_for(world, "parent"), world.ben.pk)
    assert PortfolioPost.objects.get(pupil=world.ben).status == PostStatus.PUBLISHED


def test_posting_twice_is_one_post(world: World) -> None:
    client = client_for(world, "parent")
    data = {"title": "Cake", "once": new_token()}
    url = reverse("portal_portfolio:new", args=[world.ada.pk])
    first = client.post(url, {**data, "photos": [photo()]})
    again = client.post(url, {**data, "photos": [photo()]})
    assert first.status_code == 302 and again.status_code == 302
    assert PortfolioPost.objects.count() == 1
    assert len(stored_files()) == 2  # the photo and its thumbnail; the repeat's were removed


# --- Comments ------------------------------------------------------------------------------


def test_comments_both_ways_and_twice_is_once(world: World) -> None:
    post = teacher_post(world)
    url = reverse("portal_portfolio:comment", args=[post.pk])
    parent = client_for(world, "parent")
    token = new_token()
    assert parent.post(url, {"body": "Wonderful, thank you!", "once": token}).status_code == 302
    assert parent.post(url, {"body": "Wonderful, thank you!", "once": token}).status_code == 302
    # A second tab with its own token, the same words: still one.
    assert (
        parent.post(url, {"body": "Wonderful, thank you!", "once": new_token()}).status_code == 302
    )
    assert PortfolioComment.objects.count() == 1
    teacher = client_for(world, "teacher")
    assert teacher.post(url, {"body": "She was so proud.", "once": new_token()}).status_code == 302
    assert list(PortfolioComment.objects.values_list("author_kind", flat=True)) == [
        "family",
        "staff",
    ]
    empty = parent.post(url, {"body": "  ", "once": new_token()})
    assert empty.status_code == 400 and "There is a problem" in empty.content.decode()
    assert client_for(world, "other_parent").post(url, {"body": "x"}).status_code == 404
    assert client_for(world, "advocate").post(url, {"body": "x"}).status_code == 404


def test_a_pupil_comments_on_their_own_posts_only(world: World) -> None:
    own = pupil_post(world)
    services.post_decide(actor=actor_for(world.staff["teacher"].user), post_id=own.pk, approve=True)
    school = teacher_post(world)
    pupil = client_for(world, "pupil")
    ok = pupil.post(
        reverse("portal_portfolio:comment", args=[own.pk]), {"body": "I wrote it at home."}
    )
    assert ok.status_code == 302
    refused = pupil.post(reverse("portal_portfolio:comment", args=[school.pk]), {"body": "Hi"})
    assert refused.status_code == 403


def test_staff_hide_a_comment_and_it_is_audited(world: World) -> None:
    post = teacher_post(world)
    comment = services.comment_add(
        actor=actor_for(world.maria.user), post_id=post.pk, body="Rude words"
    )
    hide = reverse("portal_portfolio:hide", args=[comment.pk])
    assert client_for(world, "parent").post(hide).status_code == 404
    assert client_for(world, "office").post(hide).status_code == 404
    assert client_for(world, "teacher").post(hide).status_code == 302
    comment.refresh_from_db()
    assert comment.hidden
    post_url = reverse("portal_portfolio:post", args=[post.pk])
    assert "Rude words" not in client_for(world, "parent").get(post_url).content.decode()
    staff_page = client_for(world, "teacher").get(post_url).content.decode()
    assert "Rude words" in staff_page and "Hidden from families" in staff_page
    event = AuditEvent.objects.get(action="portfolio.comment_hidden")
    assert event.pupil_id == world.ada.pk


# --- S3-compatible storage -------------------------------------------------------------------


def test_a_post_round_trips_through_the_s3_store(world: World, s3_bucket: str) -> None:  # noqa: F811
    from django.core.files.storage import storages
    from storages.backends.s3 import S3Storage

    assert isinstance(storages["default"], S3Storage)
    client = client_for(world, "parent")
    status, _page = post_form(client, world.ada.pk, photos=[photo("IMG.jpg", jpeg_bytes(gps=True))])
    assert status == 302
    file = PortfolioFile.objects.get()
    store = storages["default"]
    assert isinstance(store, S3Storage)
    s3 = store.connection.meta.client
    stored = s3.get_object(Bucket=s3_bucket, Key=f"media/{file.name}")["Body"].read()
    assert stored[:3] == b"\xff\xd8\xff" and b"PhonePhone" not in stored
    response = client.get(reverse("portal_portfolio:file", args=[file.pk]))
    assert response.status_code == 200
    assert drained(response) == stored
    other = client_for(world, "other_parent").get(reverse("portal_portfolio:file", args=[file.pk]))
    assert other.status_code == 404


def test_a_post_takes_a_bounded_number_of_comments(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "MAX_COMMENTS", 2)
    post = teacher_post(world)
    parent = actor_for(world.maria.user)
    services.comment_add(actor=parent, post_id=post.pk, body="One")
    services.comment_add(actor=parent, post_id=post.pk, body="Two")
    with pytest.raises(Invalid, match="all the comments it can take"):
        services.comment_add(actor=parent, post_id=post.pk, body="Three")


def test_a_video_plays_in_byte_ranges_for_the_family_only(world: World) -> None:
    from tests.core.test_uploads_media import mp4

    client = client_for(world, "parent")
    status, _page = post_form(client, world.ada.pk, video=SimpleUploadedFile("v.mp4", mp4()))
    assert status == 302
    video = PortfolioFile.objects.get(kind="video")
    url = reverse("portal_portfolio:file", args=[video.pk])
    part = client.get(url, HTTP_RANGE="bytes=0-7")
    assert part.status_code == 206 and part.content == mp4()[:8]
    assert part["Content-Range"] == f"bytes 0-7/{video.size}"
    assert client_for(world, "other_parent").get(url, HTTP_RANGE="bytes=0-7").status_code == 404


def test_a_teacher_who_is_also_a_parent_never_sees_their_childs_waiting_posts(
    world: World,
) -> None:
    """Whether a staff account is also given its guardian side or not (people/actors.py), the
    staff half of the policy never lets a teacher see what their own child's class waits on."""
    from schoolwindow.people.models import GuardianLink

    world.cara_parent.user = world.staff["teacher"].user
    world.cara_parent.save(update_fields=["user"])
    assert GuardianLink.objects.filter(guardian=world.cara_parent, pupil=world.cara).exists()
    waiting = PortfolioPost.objects.create(
        school=world.oakfield,
        pupil=world.cara,
        author_kind="pupil",
        author_name="Cara",
        title="Draft",
        status=PostStatus.WAITING,
    )
    shared = PortfolioPost.objects.create(
        school=world.oakfield,
        pupil=world.cara,
        author_kind="staff",
        author_name="Mr T",
        title="Shared",
    )
    client = client_for(world, "teacher")
    assert client.get(reverse("portal_portfolio:post", args=[shared.pk])).status_code in (200, 404)
    assert client.get(reverse("portal_portfolio:post", args=[waiting.pk])).status_code == 404
    as_both = actor_for(world.staff["teacher"].user)
    both = Actor(
        user=as_both.user,
        kind=as_both.kind,
        school_roles=as_both.school_roles,
        staff_ids=as_both.staff_ids,
        guardian_id=world.cara_parent.pk,
    )
    visible = policy_for(PortfolioPost).visible(both)
    assert set(visible.values_list("pk", flat=True)) == {shared.pk}
