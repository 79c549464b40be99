"""Real Chromium (Debian's) driven by Playwright against Django's live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize, sync_playwright

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SMALL_PHONE: ViewportSize = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/test.sh, which installs it")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=SMALL_PHONE, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.x A/AA violations on the page as it stands."""
    results = _axe.run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            },
            "resultTypes": ["violations"],
        },
    )
    assert results.violations_count == 0, results.generate_report()


def open_menu(page: Page) -> None:
    """On a phone the main links are behind the "Menu" button: open it if it is closed."""
    menu = page.locator("details.menu")
    if menu.count() and menu.get_attribute("open") is None:
        summary = page.locator("details.menu > summary")
        if summary.is_visible():
            summary.click()


def nav_click(page: Page, name: str) -> None:
    """Follow one of the main menu's links, opening the menu first on a phone."""
    open_menu(page)
    page.locator(".site-header nav").get_by_role("link", name=name, exact=True).click()


def assert_fits_the_screen(page: Page) -> None:
    """Nothing makes the page scroll sideways (tables scroll inside their own region)."""
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]}px wide on a {widths[1]}px screen"
    # On a phone a table of records is a card per row: no column is cut off inside its box.
    cut = page.evaluate(
        """() => window.innerWidth > 640 ? [] : [...document.querySelectorAll("table.stack")]
            .filter(t => t.scrollWidth > t.parentElement.clientWidth)
            .map(t => (t.caption ? t.caption.textContent : t.id) || "a table")"""
    )
    assert not cut, f"{page.url}: columns cut off on a phone in {cut}"
    # …and each value on a card says which column it is (a row of bare numbers means nothing).
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll("table.stack tbody tr")]
            .filter(row => row.querySelectorAll("td").length > 1)
            .flatMap(row => [...row.querySelectorAll("td:not([data-label])")])
            .filter(cell => cell.textContent.trim() !== "")
            .map(cell => cell.closest("table").caption?.textContent.trim() || "a table")"""
    )
    assert not unnamed, f"{page.url}: values with no column name on a phone in {set(unnamed)}"


def watch_csp(page: Page) -> list[str]:
    """Collects the console's Content-Security-Policy complaints (blocked inline styles or
    scripts) for the life of the page."""
    found: list[str] = []

    def note(message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            found.append(f"{page.url}: {text}")

    page.on("console", note)
    return found
