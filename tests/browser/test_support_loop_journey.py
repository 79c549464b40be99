"""Know → act → see, in one go on a 390 px phone, checked with axe-core on every page.

Kacper is on the watchlist. The family liaison officer records the home visit on her phone and
the connection drops as she saves; back online it is sent once. The visit's answers (a phone is
the only device) make a need on the needs board; she lends him a laptop from it. His mother
accepts the loan agreement online; Kacper checks in with his study group; the pastoral lead
resolves his flag from the watchlist with the visit, the loan and the group linked as the help
that was given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from schoolwindow.engagement.models import Flag, FlagStatus
from schoolwindow.engagement.rules import make_reason
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Household
from schoolwindow.support.actions.models import FlagLink
from schoolwindow.support.loans.models import Item, Kind, Loan
from schoolwindow.support.studygroups import services as groups
from schoolwindow.support.studygroups.models import CheckIn
from schoolwindow.support.visits import services as visits
from schoolwindow.support.visits.models import HomeVisit, VisitStatus
from tests.browser.conftest import assert_accessible, assert_fits_the_screen, nav_click, watch_csp
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def phone(browser: Browser) -> Iterator[tuple[BrowserContext, Page]]:
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield context, page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def check(page: Page) -> None:
    assert_accessible(page)
    assert_fits_the_screen(page)


def flagged(world: World) -> tuple[Flag, HomeVisit]:
    """Kacper's flag, ten days old; a visit planned from it for an hour ago; a study group."""
    today = timezone.localdate()
    pupil = world.pupil
    if pupil.household_id is None:
        pupil.household = Household.objects.create(trust=pupil.school.trust, name="Nowak")
        pupil.save(update_fields=["household"])
    reason = make_reason(
        "no_online",
        1,
        {
            "days": 6,
            "last_active": (today - dt.timedelta(days=12)).isoformat(),
            "usual": 4.0,
            "silent_days": [],
            "excused_days": [],
        },
    )
    flag = Flag.objects.create(
        school=pupil.school,
        pupil=pupil,
        opened_on=today - dt.timedelta(days=10),
        last_evaluated_on=today,
        reasons=[reason],
        severity=reason["severity"],
    )
    flo = world.staff["flo"]
    visit = visits.visit_plan(
        actor=actor_for(flo.user),
        pupil_id=pupil.pk,
        starts_at=timezone.now() - dt.timedelta(hours=1),
        duration_minutes=45,
        lead_id=flo.pk,
        second_id=world.staff["pastoral"].pk,
        flag_id=flag.pk,
    )
    teacher = actor_for(world.staff["teacher"].user)
    group = groups.study_group_create(actor=teacher, school_id=pupil.school_id, name="Maths club")
    groups.study_group_member_add(actor=teacher, group_id=group.pk, pupil_id=pupil.pk)
    Item.objects.create(school=pupil.school, asset_tag="LAP-9", kind=Kind.LAPTOP, model_name="X")
    return flag, visit


def test_from_a_home_visit_to_a_resolved_flag(
    phone: tuple[BrowserContext, Page], live_server, world: World
) -> None:
    flag, visit = flagged(world)
    pupil = world.pupil
    context, page = phone
    base = live_server.url
    blocked = watch_csp(page)

    # 1. The visit, recorded on a phone whose connection drops as it is saved.
    sign_in(page, base, world, "flo")
    page.goto(f"{base}/support/visits/{visit.pk}/record/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the visit")
    check(page)
    page.locator("#home-devices-smartphone").check()
    page.get_by_label("How is the family?").fill("Kind welcome. Kacper does homework on a phone.")
    context.set_offline(True)
    page.get_by_label("A short reflection").fill("A laptop would change a lot.")
    page.get_by_role("button", name="Save the visit").click()
    expect(
        page.get_by_text("You're offline — we'll send this when you're back online")
    ).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    context.set_offline(False)
    expect(page.get_by_text("The visit is recorded.")).to_be_visible()
    check(page)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE

    # 2. The need appears on the board; one click to lend a laptop.
    nav_click(page, "Needs")
    device = page.locator('#needs-totals tr[data-need="device"]')
    expect(device.locator('[data-count="waiting"]')).to_have_text("1")
    check(page)
    page.locator(f'li[data-pupil="{pupil.pk}"]').get_by_role("link", name="Lend a laptop").click()
    page.get_by_role("link", name="Lend LAP-9").click()
    expect(page.get_by_text("Lending to")).to_contain_text(pupil.display_name)
    check(page)
    page.get_by_role("button", name="Lend it").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("LAP-9")
    loan = Loan.objects.get(pupil=pupil, returned_at__isnull=True)

    # 3. The parent accepts the agreement online.
    context.clear_cookies()
    sign_in(page, base, world, "parent")
    nav_click(page, "Things lent by school")
    page.get_by_role("link", name="Read and accept the agreement").click()
    check(page)
    page.get_by_label("I have read the agreement and accept it").check()
    page.get_by_label("Type your full name to sign").fill("Agnieszka Nowak")
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.locator("#accepted")).to_contain_text("Accepted by “Agnieszka Nowak”")
    check(page)
    loan.refresh_from_db()
    assert loan.accepted_at is not None

    # 4. The pupil checks in with the study group.
    context.clear_cookies()
    sign_in(page, base, world, "pupil")
    page.goto(f"{base}/support/groups/today/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check in for today")
    check(page)
    page.get_by_role("button", name="On it").click()
    expect(page.locator("main")).to_contain_text("Today you said: On it")
    check(page)
    assert CheckIn.objects.filter(pupil=pupil).count() == 1

    # 5. The flag is resolved from the watchlist with the help that was given.
    context.clear_cookies()
    sign_in(page, base, world, "pastoral")
    nav_click(page, "Watchlist")
    page.get_by_role("link", name=f"Details and history for {pupil.first_name}").click()
    panel = page.locator(
        "section", has=page.get_by_role("heading", name="Help since this flag opened")
    )
    expect(panel).to_contain_text("Home visit")
    expect(panel).to_contain_text("LAP-9")
    expect(panel).to_contain_text("Maths club")
    check(page)
    panel.get_by_role("link", name="Resolve with the help that was given").click()
    expect(page.get_by_label("Home visit", exact=False).first).to_be_checked()  # planned from it
    page.get_by_label("LAP-9", exact=False).check()
    page.get_by_label("Maths club", exact=False).check()
    page.get_by_label("Support in place").check()
    page.get_by_label("Note (optional)").fill("Laptop at home, in the maths club every day.")
    check(page)
    page.get_by_role("button", name="Resolve the flag").click()
    expect(page.get_by_text("The flag is resolved, with 3 pieces of help linked.")).to_be_visible()
    check(page)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED and flag.outcome == "support_in_place"
    refs = set(FlagLink.objects.filter(flag=flag).values_list("ref", flat=True))
    assert len(refs) == 3 and f"loan:{loan.pk}" in refs and f"visit:{visit.pk}" in refs
    assert not blocked
