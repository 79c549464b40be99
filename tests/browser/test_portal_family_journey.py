"""The whole family portal in one sitting, on a 390 px phone, in Polish: a mother with children
at two schools starts from her home page, tells the school one child is away, gives consent
for a trip, books a parents' evening time while the children's father books his own in his
browser, comments on a portfolio post and downloads a report. Every page fits the screen, is
axe-core clean and breaks no rule of the content security policy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.browser.test_journeys import sign_in
from tests.browser.test_portal_events_journey import sign_in_as
from tests.browser.test_portal_portfolio_journey import phone_photo
from tests.browser.test_portal_reports_journey import publish_a_run
from tests.factories import guardian_of
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    return build_world()


def check(page: Page) -> None:
    page.wait_for_load_state("load")
    assert_fits_the_screen(page)
    assert_accessible(page)


def next_weekday() -> dt.date:
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def the_school_gets_ready(world: World) -> int:
    """A trip to consent to, a parents' evening open for booking, a teacher's portfolio post
    and a published report: what the school has sent before the family sits down."""
    from schoolwindow.people.actors import actor_for
    from schoolwindow.portal.consent.services import consent_request_create
    from schoolwindow.portal.events import services as events
    from schoolwindow.portal.events.models import Mode
    from schoolwindow.portal.portfolio import services as portfolio
    from schoolwindow.portal.portfolio.models import ImageConsent

    leader = actor_for(world.user_for("leader"))
    consent_request_create(
        actor=leader,
        school_id=world.secondary.pk,
        title="Wycieczka do muzeum",
        description="Autokarem, powrót o 15:30.",
        deadline=dt.date.today() + dt.timedelta(days=7),
        audience="group",
        group_id=world.tutor_group.pk,
    )
    events.evening_create(
        actor=leader,
        school_id=world.secondary.pk,
        title="Wywiadówka klas 7",
        date=timezone.localdate() + dt.timedelta(days=5),
        starts=dt.time(16, 0),
        ends=dt.time(17, 0),
        slot_minutes=10,
        opens_at=timezone.now() - dt.timedelta(hours=1),
        close_minutes=24 * 60,
        staff_ids=[world.staff["teacher"].pk],
        year_group_ids=[world.year7.pk],
        modes=[Mode.IN_PERSON, Mode.PHONE],
    )
    ImageConsent.objects.create(
        pupil=world.pupil, school=world.pupil.school, own_portfolio=True, others_posts=False
    )
    portfolio.post_create(
        actor=actor_for(world.user_for("teacher")),
        pupil_id=world.pupil.pk,
        side="staff",
        title="Model wulkanu",
        body="Wybuchał naprawdę!",
        photos=[SimpleUploadedFile("v.jpg", phone_photo((800, 600)), "image/jpeg")],
    )
    return publish_a_run(world)


def test_a_mother_does_everything_from_her_home_while_the_father_books_his_time(
    page: Page, browser: Browser, live_server: LiveServer, world: World, tmp_path: Path
) -> None:
    from schoolwindow.portal.absence.models import AbsenceReport
    from schoolwindow.portal.consent.models import ConsentAnswer
    from schoolwindow.portal.events.models import Appointment, AppointmentStatus
    from schoolwindow.portal.portfolio.models import PortfolioComment

    the_school_gets_ready(world)
    father = guardian_of(
        world.pupil,
        first_name="Marek",
        last_name="Nowak",
        email="marek@example.org",
        lives_with_pupil=False,
        preferred_language="pl",
    )
    base = live_server.url
    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    sign_in(page, base, world, "parent")
    for user in (world.user_for("parent"), father.user):
        assert user is not None
        user.language = "pl"
        user.save(update_fields=["language"])

    # Her home: both children, and what the school is waiting for.
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.pupil.display_name)
    waiting = page.get_by_role("region", name="Czeka na Ciebie")
    expect(waiting).to_contain_text("Wycieczka do muzeum")
    expect(waiting).to_contain_text("Wywiadówka klas 7")
    check(page)

    # 1. The younger child, at the primary, is away tomorrow.
    page.get_by_role("navigation", name="Twoje dzieci").get_by_role(
        "link", name=world.sibling.first_name
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.sibling.display_name)
    check(page)
    page.get_by_role("link", name="Zgłoś nieobecność").click()
    day = next_weekday()
    first = page.get_by_role("group", name="Pierwszy dzień nieobecności")
    first.get_by_label("Dzień").fill(str(day.day))
    first.get_by_label("Miesiąc").fill(str(day.month))
    first.get_by_label("Rok").fill(str(day.year))
    page.get_by_label("Choroba").check()
    page.get_by_role("button", name="Wyślij do szkoły").click()
    expect(page.locator("main")).to_contain_text("Szkoła otrzymała wiadomość")
    check(page)

    # 2. Consent for the trip, from the home's list.
    page.goto(f"{base}/portal/?child={world.pupil.pk}")
    page.get_by_role("region", name="Czeka na Ciebie").get_by_role(
        "link", name="Wycieczka do muzeum"
    ).click()
    check(page)
    page.get_by_label("Tak, wyrażam zgodę").check()
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(page.locator("main")).to_contain_text("Szkoła otrzymała Twoją odpowiedź")
    check(page)

    # 3. The parents' evening: she and the father each book a time, in their own browsers.
    page.goto(f"{base}/portal/?child={world.pupil.pk}")
    page.get_by_role("region", name="Czeka na Ciebie").get_by_role(
        "link", name="Wywiadówka klas 7"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wywiadówka klas 7")
    check(page)
    other_context = browser.new_context(viewport=PHONE, locale="en-GB")
    other = other_context.new_page()
    try:
        assert father.user is not None
        sign_in_as(other, base, father.user.username)
        other.goto(page.url)
        expect(other.get_by_role("heading", level=1)).to_contain_text("Wywiadówka klas 7")
        page.get_by_role("button", name="16:00").click()
        other.get_by_role("button", name="16:10").click()
        for each, how in ((page, "Osobiście"), (other, "Przez telefon")):
            expect(each.get_by_role("heading", level=1)).to_contain_text("Spotkanie")
            each.get_by_label(how).check()
            each.get_by_role("button", name="Potwierdź spotkanie").click()
            expect(each.locator("main")).to_contain_text("Spotkanie jest umówione")
            check(each)
    finally:
        other_context.close()

    # 4. A comment on the teacher's post in the portfolio.
    page.goto(f"{base}/portal/?child={world.pupil.pk}")
    page.get_by_role("link", name="Model wulkanu").first.click()
    check(page)
    page.get_by_label("Twój komentarz").fill("Cudownie, dziękujemy!")
    page.get_by_role("button", name="Dodaj komentarz").click()
    expect(page.locator("main")).to_contain_text("Twój komentarz został dodany")
    check(page)

    # 5. The report: read and downloaded.
    page.goto(f"{base}/portal/?child={world.pupil.pk}")
    page.get_by_role("region", name="Czeka na Ciebie").get_by_role(
        "link", name=world.pupil.display_name
    ).last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Raport: {world.pupil.display_name}")
    check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz raport (PDF)").click()
    saved = tmp_path / "raport.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # What the school now has, once each.
    assert AbsenceReport.objects.filter(pupil=world.sibling, first_day=day).count() == 1
    assert ConsentAnswer.objects.filter(pupil=world.pupil, guardian=world.parent).count() == 1
    booked = Appointment.objects.filter(pupil=world.pupil, status=AppointmentStatus.BOOKED)
    assert sorted(a.guardian_id for a in booked) == sorted([world.parent.pk, father.pk])
    assert PortfolioComment.objects.filter(body="Cudownie, dziękujemy!").count() == 1
    assert blocked == []
