"""On a 390 px phone, in Polish: a parent opens the child's portfolio, comments on the teacher's
post, and shares a photo of cooking at home (straight from the phone, with its location in it:
the stored copy has none). Every page fits the screen, is axe-core clean, breaks no CSP rule,
and the pictures are the small copies, lazy-loaded."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import FilePayload, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from schoolwindow.people.actors import actor_for
from schoolwindow.portal.portfolio import services
from schoolwindow.portal.portfolio.models import ImageConsent, PortfolioFile, PortfolioPost
from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}
GPS_IFD = 0x8825


@pytest.fixture
def world() -> World:
    return build_world()


def check(page: Page) -> None:
    page.wait_for_load_state("load")
    assert_fits_the_screen(page)
    assert_accessible(page)


def phone_photo(size: tuple[int, int] = (1600, 1200)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhonePhone"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 13.0, 0.0), 3: "E", 4: (21.0, 1.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", size, (230, 200, 160)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_parent_comments_and_shares_a_photo_from_home_in_polish(
    page: Page, live_server: LiveServer, world: World
) -> None:
    ImageConsent.objects.create(
        pupil=world.pupil, school=world.pupil.school, own_portfolio=True, others_posts=False
    )
    teacher_post = services.post_create(
        actor=actor_for(world.user_for("teacher")),
        pupil_id=world.pupil.pk,
        side="staff",
        title="Model wulkanu",
        body="Wybuchał naprawdę!",
        photos=[SimpleUploadedFile("v.jpg", phone_photo((800, 600)), "image/jpeg")],
    )
    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "parent")
    parent = world.user_for("parent")
    parent.language = "pl"
    parent.save(update_fields=["language"])

    page.goto(f"{live_server.url}/portal/portfolio/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio")
    check(page)
    page.get_by_role("link", name=f"Portfolio: {world.pupil.display_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Portfolio: {world.pupil.display_name}"
    )
    thumb = page.locator("img.portfolio-thumb").first
    expect(thumb).to_have_attribute("loading", "lazy")
    check(page)

    # The teacher's post, with its photo as a small copy; an empty comment is explained.
    page.get_by_role("link", name="Model wulkanu").click()
    photo = page.get_by_role("img", name="Zdjęcie 1, otwórz w pełnym rozmiarze")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") == 320
    check(page)
    page.get_by_role("button", name="Dodaj komentarz").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page)
    page.get_by_label("Twój komentarz").fill("Cudownie, dziękujemy!")
    page.get_by_role("button", name="Dodaj komentarz").click()
    expect(page.locator("main")).to_contain_text("Twój komentarz został dodany")
    expect(page.locator("#comments ~ ul")).to_contain_text("Cudownie, dziękujemy!")
    check(page)
    assert teacher_post.comments.count() == 1

    # From home: a photo straight from the phone.
    page.get_by_role("link", name=f"Portfolio: {world.pupil.display_name}").click()
    page.get_by_role("link", name="Udostępnij coś z domu").click()
    check(page)
    page.get_by_label("Tytuł").fill("Pierogi w domu")
    page.get_by_label("Zdjęcia (nieobowiązkowe, najwyżej 6)").set_input_files(
        files=[FilePayload(name="IMG_5510.jpg", mimeType="image/jpeg", buffer=phone_photo())]
    )
    page.get_by_role("button", name="Udostępnij").click()
    expect(page.locator("main")).to_contain_text("Udostępniono w portfolio")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pierogi w domu")
    check(page)

    home = PortfolioPost.objects.get(title="Pierogi w domu")
    assert (home.author_kind, home.status) == ("family", "published")
    stored = PortfolioFile.objects.get(post=home)
    with default_storage.open(stored.name) as kept:
        data = kept.read()
    assert b"PhonePhone" not in data
    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    assert blocked == []


def test_a_pupils_post_waits_and_the_teacher_shares_it_from_the_queue(
    page: Page, live_server: LiveServer, world: World
) -> None:
    services.post_create(
        actor=actor_for(world.user_for("pupil")),
        pupil_id=world.pupil.pk,
        side="pupil",
        title="My poem about autumn",
        body="Leaves like letters, falling slow.",
    )
    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "teacher")
    page.goto(f"{live_server.url}/portal/portfolio/school/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio posts")
    check(page)
    page.get_by_role("link", name="1 post waiting for approval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Posts waiting for approval")
    check(page)
    page.get_by_role("button", name="Share it").click()
    expect(page.locator("main")).to_contain_text("Shared in the portfolio.")
    expect(page.locator("main")).to_contain_text("Nothing is waiting.")
    check(page)
    assert PortfolioPost.objects.get(title="My poem about autumn").status == "published"
    assert blocked == []
