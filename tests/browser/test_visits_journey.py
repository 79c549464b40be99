"""The family liaison officer records a home visit on a phone (390 px) while the connection
drops: what was typed survives a reload, a send while offline is queued, and it is saved once
when the phone is back online. Checked with axe-core on each state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from schoolwindow.audit.models import AuditEvent
from schoolwindow.support.visits.models import HomeVisit, VisitAction, VisitStatus
from tests.browser.conftest import assert_accessible, open_menu
from tests.factories import PASSWORD, totp_code
from tests.pages.conftest import World
from tests.support.conftest import build_support_world, plan_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db: None) -> World:
    return build_support_world()


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[tuple[BrowserContext, Page]]:
    context = browser.new_context(viewport=PHONE, locale="en-GB")  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield context, page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def sign_in(page: Page, base: str, world: World, role: str) -> None:
    user = world.user(role)
    assert user is not None
    page.goto(f"{base}/login/")
    page.get_by_label("Email or username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Six-digit code").fill(totp_code(user))
    page.get_by_role("button", name="Continue").click()
    open_menu(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_visit_form_keeps_what_was_typed_and_sends_it_once_back_online(
    phone: tuple[BrowserContext, Page], live_server: LiveServer, world: World
) -> None:
    context, page = phone
    visit = plan_visit(world, days=-0.05)
    sign_in(page, live_server.url, world, "flo")
    page.goto(f"{live_server.url}/support/visits/{visit.pk}/record/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the visit")
    assert_accessible(page)
    no_sideways_scroll(page)

    devices = page.get_by_label(
        "Devices for schoolwork (what, how many, shared with whom and when)"
    )
    devices.fill("One laptop, used by mum for work 9 to 5")
    page.get_by_label("How is the family?").fill("Warm welcome. Mum works shifts.")
    page.locator("#id_action_0_text").fill("Lend a laptop")

    # The page is opened again (the phone's browser reloaded it): the draft comes back.
    page.reload()
    expect(page.get_by_text("We restored what you typed on this phone")).to_be_visible()
    expect(devices).to_have_value("One laptop, used by mum for work 9 to 5")
    assert_accessible(page)

    # The connection drops; sending is queued, nothing reaches the server.
    context.set_offline(True)
    page.get_by_label("A short reflection").fill("Ask about a dongle next time.")
    page.get_by_role("button", name="Save the visit").click()
    expect(
        page.get_by_text("You're offline — we'll send this when you're back online")
    ).to_be_visible()
    assert_accessible(page)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED

    # Back online: it goes by itself, once, and the visit's page says so.
    context.set_offline(False)
    expect(page.get_by_text("The visit is recorded.")).to_be_visible()
    expect(page.get_by_text("One laptop, used by mum for work 9 to 5")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert visit.reflection == "Ask about a dongle next time."
    assert VisitAction.objects.filter(visit=visit).count() == 1
    assert AuditEvent.objects.filter(action="visit.recorded").count() == 1
    assert HomeVisit.objects.count() == 1
    assert page.evaluate("window.localStorage.length") == 0


def test_planning_on_a_phone_refuses_one_person_and_keeps_the_form(
    phone: tuple[BrowserContext, Page], live_server: LiveServer, world: World
) -> None:
    _context, page = phone
    sign_in(page, live_server.url, world, "flo")
    page.goto(f"{live_server.url}/support/visits/plan/?pupil={world.ada.pk}")
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_label("Date and time").fill("2030-01-15T10:00")
    page.get_by_role("button", name="Plan the visit").click()
    expect(page.get_by_role("alert")).to_contain_text("A home visit always needs two people")
    assert_accessible(page)
    page.get_by_label("Or an interpreter from outside the school (name)").fill("Ewa Nowak")
    page.get_by_label("Language interpreted").fill("Polish")
    page.get_by_role("button", name="Plan the visit").click()
    expect(page.get_by_text("The visit is planned.")).to_be_visible()
    assert_accessible(page)
    assert HomeVisit.objects.get().interpreter_name == "Ewa Nowak"


def test_every_visit_page_fits_a_small_phone_and_passes_axe(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    """At 360 px: the planner's pages, the DSL's concern, and the parent's view and answer."""
    from schoolwindow.support.visits import services
    from tests.support.conftest import actor

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    done = plan_visit(world, days=-0.1)
    services.visit_record(
        actor=actor(world, "flo"),
        visit_id=done.pk,
        answers={"devices": "A phone each; no laptop"},
        wellbeing="Well.",
        actions=[services.ActionLine(text="Lend a laptop", owner_id=world.staff["flo"].pk)],
        reflection="",
        concern="A worry for the DSL only.",
    )
    coming = plan_visit(world, days=2, second_interprets=True, interpreter_language="Polish")
    services.visit_calendar_renew(actor=actor(world, "flo"), school_id=world.oakfield.pk)
    sign_in(page, live_server.url, world, "flo")
    for path in [
        "/support/visits/",
        "/support/visits/?when=past",
        "/support/visits/intake/",
        f"/support/visits/{done.pk}/",
        f"/support/visits/{coming.pk}/",
        f"/support/visits/{coming.pk}/change/",
        "/support/visits/calendar/",
        f"/pupils/{world.ada.pk}/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
        no_sideways_scroll(page)
    context.close()

    dsl = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    page = dsl.new_page()
    sign_in(page, live_server.url, world, "dsl")
    page.goto(f"{live_server.url}/support/visits/{done.pk}/concern/")
    expect(page.get_by_text("A worry for the DSL only.")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    dsl.close()

    parent = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    page = parent.new_page()
    user = world.user("parent")
    assert user is not None
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email or username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/pupils/{world.ada.pk}/")
    page.get_by_role("link", name=coming.starts_at.astimezone().strftime("%A")).first.click()
    expect(page.get_by_role("heading", name="A visit to your home")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_label("No, thank you").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("Thank you for letting us know. Nobody will come.")).to_be_visible()
    assert_accessible(page)
    parent.close()
    coming.refresh_from_db()
    assert coming.agreement == "declined"
