"""The parent's home on a 390 px phone, in Polish: a parent with children at two schools sees
what is waiting for them, switches child, and reports an absence from there — with JavaScript
and without it. Every page fits the screen, is axe-core clean, breaks no rule of the content
security policy and asks nothing of any other site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.browser.test_journeys import sign_in
from tests.browser.test_portal_events_journey import sign_in_as
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    from django.utils import timezone

    from schoolwindow.people.actors import actor_for
    from schoolwindow.support.loans.models import Item
    from schoolwindow.support.loans.services import loan_create

    built = build_world()
    item = Item.objects.create(
        school=built.secondary, asset_tag="SW-0001", kind="laptop", model_name="X1"
    )
    loan_create(
        actor=actor_for(built.user_for("office")),
        item_id=item.pk,
        pupil_id=built.pupil.pk,
        due_on=timezone.localdate() + dt.timedelta(days=30),
        condition="good",
    )
    return built


def in_polish(world: World) -> None:
    parent = world.user_for("parent")
    parent.language = "pl"
    parent.save(update_fields=["language"])


def check(page: Page) -> None:
    page.wait_for_load_state("load")
    assert_fits_the_screen(page)
    assert_accessible(page)


def other_hosts(page: Page, base: str) -> list[str]:
    """Every request the page makes to a host other than the school's own."""
    ours = urlparse(base).netloc
    found: list[str] = []
    page.on(
        "request",
        lambda request: (
            found.append(request.url)
            if urlparse(request.url).scheme in ("http", "https")
            and urlparse(request.url).netloc != ours
            else None
        ),
    )
    return found


def walk_the_home(page: Page, base: str, world: World, check: Callable[[Page], None]) -> None:
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.pupil.display_name)
    waiting = page.get_by_role("region", name="Czeka na Ciebie")
    expect(waiting).to_contain_text("Przeczytaj i zaakceptuj umowę")
    expect(page.get_by_role("heading", name="Ten tydzień")).to_be_visible()
    check(page)
    # The other child, at the other school: the same home, one tap away.
    children = page.get_by_role("navigation", name="Twoje dzieci")
    children.get_by_role("link", name=world.sibling.first_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.sibling.display_name)
    expect(children.get_by_role("link", name=world.sibling.first_name)).to_have_attribute(
        "aria-current", "page"
    )
    # What waits for the parent about the first child still shows.
    expect(page.get_by_role("region", name="Czeka na Ciebie")).to_contain_text(
        world.pupil.first_name
    )
    check(page)
    page.get_by_role("link", name="Zgłoś nieobecność").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Powiadom szkołę o nieobecności dziecka"
    )
    check(page)


def test_the_parent_home_in_polish_on_a_phone(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    elsewhere = other_hosts(page, live_server.url)
    sign_in(page, live_server.url, world, "parent")
    in_polish(world)
    walk_the_home(page, live_server.url, world, check)
    assert not blocked, blocked
    assert not elsewhere, elsewhere


def test_the_parent_home_works_with_javascript_off(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        # axe-core is a script: with scripts off, the pages are checked with it on above.
        sign_in_as(page, live_server.url, world.user_for("parent").username)
        in_polish(world)
        walk_the_home(page, live_server.url, world, lambda page: None)
    finally:
        context.close()
