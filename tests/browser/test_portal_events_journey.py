"""On 390 px phones, in Polish: the two separated parents of one child each open the parents'
evening at the same moment in their own browser and book their own time with the child's
teacher — neither overwrites the other — and the second sees the first's booking. Every page
fits the screen and is axe-core clean."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.factories import PASSWORD, guardian_of
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


def sign_in_as(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def test_two_parents_book_their_own_times_at_once_in_polish(
    page: Page, browser: Browser, live_server: LiveServer, world: World
) -> None:
    from schoolwindow.people.actors import actor_for
    from schoolwindow.portal.events import services
    from schoolwindow.portal.events.models import Appointment, AppointmentStatus, Mode

    father = guardian_of(
        world.pupil,
        first_name="Marek",
        last_name="Nowak",
        email="marek@example.org",
        lives_with_pupil=False,
        preferred_language="pl",
    )
    for user in (world.user_for("parent"), father.user):
        assert user is not None
        user.language = "pl"
        user.save(update_fields=["language"])
    evening = services.evening_create(
        actor=actor_for(world.user_for("leader")),
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
        modes=[Mode.IN_PERSON, Mode.PHONE, Mode.VIDEO],
        video_url="https://meet.hill.example/room",
    )
    url = f"{live_server.url}/portal/events/evening/{evening.pk}/?child={world.pupil.pk}"

    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    sign_in_as(page, live_server.url, world.user_for("parent").username)
    other_context = browser.new_context(viewport=PHONE, locale="en-GB")
    other = other_context.new_page()
    try:
        sign_in_as(other, live_server.url, father.user.username)  # type: ignore[union-attr]
        for each in (page, other):
            each.goto(url)
            expect(each.get_by_role("heading", level=1)).to_have_text("Wywiadówka klas 7")
            check(each)
        # Both press a time at the same moment: 16:00 and 16:10. (On SQLite the test server's
        # shared in-memory database refuses a second writer instead of queueing it, as in the
        # other concurrency tests, so there the second press waits for the first.)
        at_once = connection.vendor == "postgresql"
        page.get_by_role("button", name="16:00").click(no_wait_after=at_once)
        other.get_by_role("button", name="16:10").click(no_wait_after=at_once)
        for each, how in ((page, "Osobiście"), (other, "Przez telefon")):
            expect(each.get_by_role("heading", level=1)).to_contain_text("Spotkanie")
            check(each)
            each.get_by_label(how).check()
        other.get_by_label("Potrzebuję tłumacza").check()
        other.get_by_role("button", name="Potwierdź spotkanie").click()
        # Without a language the father is told so; nothing he chose is lost.
        expect(other.get_by_role("alert")).to_contain_text("Napisz, w jakim języku")
        check(other)
        other.get_by_label("Język tłumacza").fill("polski")
        other.get_by_role("button", name="Potwierdź spotkanie").click()
        page.get_by_role("button", name="Potwierdź spotkanie").click()
        for each in (page, other):
            expect(each.locator("main")).to_contain_text("Spotkanie jest umówione")
            check(each)
        # The father sees the mother's time as hers, with the offer to join it.
        other.goto(url)
        expect(other.locator("main")).to_contain_text("umówione przez drugiego rodzica")
        expect(other.locator("main")).to_contain_text("Twoje spotkanie")
        check(other)
    finally:
        other_context.close()
    booked = Appointment.objects.filter(pupil=world.pupil, status=AppointmentStatus.BOOKED)
    assert sorted(a.guardian_id for a in booked) == sorted([world.parent.pk, father.pk])
    assert {a.interpreter_language for a in booked} == {"", "polski"}
    assert blocked == []


def test_staff_pages_fit_a_small_phone_and_are_accessible(
    page: Page, live_server: LiveServer, world: World
) -> None:
    """The leader sets up nothing by hand here: an evening with one booking, then the teacher's
    schedule, the evening page, the families with no appointment and the calendar page, each
    on the smallest phone, axe-core clean."""
    from schoolwindow.people.actors import actor_for
    from schoolwindow.portal.events import services
    from schoolwindow.portal.events.models import Slot
    from tests.browser.test_journeys import sign_in

    evening = services.evening_create(
        actor=actor_for(world.user_for("leader")),
        school_id=world.secondary.pk,
        title="Year 7 evening",
        date=timezone.localdate() + dt.timedelta(days=5),
        starts=dt.time(16, 0),
        ends=dt.time(16, 30),
        slot_minutes=10,
        opens_at=timezone.now() - dt.timedelta(hours=1),
        close_minutes=60,
        staff_ids=[world.staff["teacher"].pk],
        year_group_ids=[world.year7.pk],
    )
    parent = actor_for(world.user_for("parent"))
    slot = Slot.objects.filter(evening=evening).first()
    assert slot is not None
    held = services.appointment_hold(actor=parent, slot_id=slot.pk, pupil_id=world.pupil.pk)
    services.appointment_confirm(actor=parent, appointment_id=held.pk, mode="in_person")
    sign_in(page, live_server.url, world, "leader")
    for path in (
        "/portal/events/staff/",
        f"/portal/events/staff/evening/{evening.pk}/",
        f"/portal/events/staff/evening/{evening.pk}/schedule/?staff={world.staff['teacher'].pk}",
        f"/portal/events/staff/evening/{evening.pk}/unbooked/",
        "/portal/events/staff/event/new/",
        "/portal/events/staff/evening/new/",
        "/portal/events/calendar/",
    ):
        page.goto(f"{live_server.url}{path}")
        check(page)
    page.goto(
        f"{live_server.url}/portal/events/staff/evening/{evening.pk}/schedule/"
        f"?staff={world.staff['teacher'].pk}"
    )
    expect(page.locator("main")).to_contain_text(world.pupil.display_name)
