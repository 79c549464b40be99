"""A family answers the home-learning survey on a 390 px phone, in Polish, screen by screen,
from their personal link with no account; then staff see the answers on the pupil page. Every
page is checked with axe-core and must not scroll sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from schoolwindow.homelife.links import survey_path
from schoolwindow.homelife.models import ProfileAnswer, Source, SurveyResponse, SurveyRound
from schoolwindow.people.models import Household
from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_page(page: Page) -> None:
    assert_accessible(page)
    assert_fits_the_screen(page)


def next_screen(page: Page) -> None:
    page.get_by_role("button", name="Dalej").click()


def test_a_parent_answers_the_survey_in_polish_and_staff_see_it(page: Page, live_server) -> None:
    world: World = build_world()
    household = Household.objects.create(trust=world.trust, name="Nowak household")
    world.pupil.household = household
    world.pupil.save()
    world.parent.household = household
    world.parent.save()
    # What the school knew: broadband, from last year's survey.
    ProfileAnswer.objects.create(
        school=world.secondary,
        household=household,
        question="internet",
        value="broadband",
        source=Source.PARENT_SURVEY,
        recorded_by_label="Agnieszka Nowak",
        recorded_at=timezone.now() - dt.timedelta(days=200),
    )
    today = timezone.localdate()
    survey_round = SurveyRound.objects.create(
        school=world.secondary,
        title="Spring",
        opened_on=today,
        closes_on=today + dt.timedelta(days=14),
    )
    page.set_viewport_size({"width": 390, "height": 844})
    csp = watch_csp(page)
    link = survey_path(guardian_id=world.parent.pk, round_id=survey_round.pk)
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="Nauka w domu")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Zacznij").click()

    # Devices: sending nothing explains what is missing, and loses nothing.
    expect(
        page.get_by_role("heading", name="Z jakich urządzeń Twoje dzieci mogą korzystać")
    ).to_be_visible()
    check_page(page)
    next_screen(page)
    expect(page.get_by_role("heading", name="Wystąpił problem")).to_be_visible()
    check_page(page)
    page.get_by_label("Laptop").check()
    page.get_by_label("Smartfon").check()
    next_screen(page)

    page.get_by_label("Z ilu urządzeń Twoje dzieci mogą korzystać do nauki?").fill("1")
    check_page(page)
    next_screen(page)

    page.get_by_label("Dzielą się nimi z dorosłymi, do pracy lub nauki").check()
    page.get_by_label("Kto z nich korzysta i kiedy? (nieobowiązkowe)").fill(
        "Mama pracuje na nim od 9 do 17"
    )
    check_page(page)
    next_screen(page)

    # Internet: prefilled with what the school knew; the family corrects it.
    expect(page.get_by_label("Internet stacjonarny lub Wi-Fi")).to_be_checked()
    page.get_by_label("Tylko dane komórkowe").check()
    page.get_by_label("Czy jest limit danych? (nieobowiązkowe)").fill("10 GB")
    check_page(page)
    next_screen(page)

    page.get_by_label("Nie", exact=True).check()  # no printer
    next_screen(page)
    page.get_by_label("Jakimi językami mówicie w domu?").fill("polski, angielski")
    next_screen(page)
    page.locator("input[name=answer][value=sms]").check()
    next_screen(page)

    expect(
        page.get_by_role("heading", name="Czy Kacper ma w domu spokojne miejsce do nauki?")
    ).to_be_visible()
    page.get_by_label("Nie", exact=True).check()
    check_page(page)
    next_screen(page)
    page.get_by_label("Czasami").check()
    next_screen(page)
    page.get_by_label("Nie", exact=True).check()
    next_screen(page)

    # Check your answers, change one, and send.
    expect(page.get_by_role("heading", name="Sprawdź swoje odpowiedzi")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Zmień Drukarka").click()
    page.get_by_label("Tak", exact=True).check()
    next_screen(page)
    expect(page.get_by_role("heading", name="Sprawdź swoje odpowiedzi")).to_be_visible()
    expect(page.locator(".summary-list").first).to_contain_text("Mama pracuje na nim od 9 do 17")
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_role("heading", name="Odpowiedzi wysłane")).to_be_visible()
    check_page(page)
    assert SurveyResponse.objects.count() == 1
    assert ProfileAnswer.objects.get(source=Source.PARENT_SURVEY, question="printer").value == "yes"

    # Staff see it on the pupil page, with the source and the date.
    page.context.clear_cookies()
    sign_in(page, live_server.url, world, "flo")
    page.goto(f"{live_server.url}/pupils/{world.pupil.pk}/")
    panel = page.locator("section.home-learning")
    expect(panel).to_contain_text("Mobile data only")
    expect(panel).to_contain_text("Mama pracuje na nim od 9 do 17")
    expect(panel).to_contain_text("parent survey")
    check_page(page)
    panel.get_by_role("link", name="Home-learning profile and its history").click()
    expect(page.get_by_role("heading", name="Learning at home: Kacper Nowak")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Broadband or Wi-Fi")  # the history
    check_page(page)
    assert not csp, csp
