"""A pastoral lead on a small phone: the phrasebook (Arabic and Urdu right to left), then a
phrase picked into the message box with htmx and previewed in the family's language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> World:
    return build_world()


def test_phrasebook_reads_right_to_left_and_a_phrase_is_picked_and_previewed(
    page: Page,
    live_server,
    world: World,
) -> None:
    base = live_server.url
    sign_in(page, base, world, "pastoral")
    page.goto(f"{base}/phrasebook/")
    expect(page.get_by_role("heading", name="Phrasebook", level=1)).to_be_visible()
    assert_accessible(page)
    card = page.locator("#phrase-praise\\.great_work")
    arabic = card.locator('.phrase-translation[lang="ar"] dd')
    expect(arabic).to_have_text("كان عمل {child} اليوم رائعاً. نحن فخورون جداً بطفلكم.")
    assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"
    urdu = card.locator('.phrase-translation[lang="ur"] dd')
    assert urdu.evaluate("el => getComputedStyle(el).direction") == "rtl"
    polish = card.locator('.phrase-translation[lang="pl"] dd')
    assert polish.evaluate("el => getComputedStyle(el).direction") == "ltr"
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The picker, on the preview page: a category, a phrase, then what the family receives.
    page.goto(f"{base}/phrasebook/preview/?pupil={world.pupil.pk}")
    assert_accessible(page)
    page.get_by_role("link", name="Praise and positive notes").click()
    choice = page.get_by_role(
        "button", name="Kacper did some great work today. We are very proud of them."
    )
    expect(choice).to_be_visible()
    choice.click()
    box = page.get_by_label("Message", exact=True)
    expect(box).to_have_value("Kacper did some great work today. We are very proud of them.")
    expect(box).to_be_focused()
    assert page.locator("#id_body-phrase-key").input_value() == "praise.great_work"
    assert_accessible(page)
    page.get_by_role("link", name="Preview what the family receives").click()
    preview = page.locator("#id_body-preview")
    expect(preview).to_contain_text("Polski · Checked translation from the phrasebook")
    expect(preview.locator('[lang="pl"]')).to_have_text(
        "Kacper ma dziś za sobą świetnie wykonaną pracę. Jesteśmy bardzo dumni z Państwa dziecka."
    )
    # In Arabic, by the plain form (no JavaScript needed for this part).
    page.get_by_label("Family's language").select_option("ar")
    page.get_by_role("button", name="Preview", exact=True).click()
    result = page.locator('#phrase-preview .preview-text[lang="ar"]')
    expect(result).to_have_text("كان عمل Kacper اليوم رائعاً. نحن فخورون جداً بطفلكم.")
    assert result.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert_accessible(page)
