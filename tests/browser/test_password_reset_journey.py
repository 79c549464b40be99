"""Forgot password in a real browser: ask, get the email through a real SMTP server, follow the
link, choose a password, sign in, give the two-step code. Checked with axe-core at phone width."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.conftest import reset_link
from tests.browser.conftest import SMALL_PHONE, assert_accessible, open_menu
from tests.factories import SchoolFactory, staff_member, totp_code
from tests.messaging.outbox_support import SmtpSink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "harbour kettle violet 58"


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    yield sink
    sink.stop()


def fits_the_phone(page: Page) -> None:
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def test_forgotten_password_to_signed_in_with_code(
    page: Page,
    live_server,
    smtp: SmtpSink,
) -> None:
    staff = staff_member(SchoolFactory(), "teacher")
    assert staff.user is not None
    base = live_server.url
    page.goto(f"{base}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the email address")
    fits_the_phone(page)
    page.get_by_label("Your email address").fill(staff.user.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    fits_the_phone(page)

    link = reset_link(smtp, staff.user.email)
    page.goto(base + urlsplit(link).path)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    fits_the_phone(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save new password").click()

    expect(page.get_by_text("Your new password is set")).to_be_visible()
    fits_the_phone(page)
    page.get_by_label("Email or username").fill(staff.user.username)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Six-digit code").fill(totp_code(staff.user))
    page.get_by_role("button", name="Continue").click()
    open_menu(page)  # on a phone the main links are behind "Menu"
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # The link was spent by the new password.
    page.goto(base + urlsplit(link).path)
    expect(
        page.get_by_role("heading", name="This link has expired or was already used")
    ).to_be_visible()
    fits_the_phone(page)


def test_error_and_lock_out_pages_fit_and_pass_axe(
    page: Page,
    live_server,
    settings: Any,
) -> None:
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", name="find that page")).to_be_visible()
    fits_the_phone(page)
    settings.AXES_ENABLED = True
    staff = staff_member(SchoolFactory(), "teacher")
    assert staff.user is not None
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Email or username").fill(staff.user.username)
        page.get_by_label("Password").fill("wrong password here")
        page.get_by_role("button", name="Sign in").click()
        if page.get_by_role("alert").count():
            fits_the_phone(page)
    expect(page.get_by_role("heading", name="signing in is paused")).to_be_visible()
    expect(page.locator("main")).to_contain_text("You can try again after")
    fits_the_phone(page)
