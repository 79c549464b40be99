"""The 403, 404, 500 and expired-form pages: branded, in plain words, translated, with a way
back; a refusal is logged as one warning line, never with a traceback."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from schoolwindow.core.error_views import server_error
from schoolwindow.people.models import Role
from tests.conftest import signed_in_client
from tests.factories import SchoolFactory, staff_member

# Any: the client takes META keys as **extra: Any beside typed options a dict[str, str] could fill.
POLISH: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "pl"}


@pytest.mark.django_db
def test_a_missing_page_is_a_branded_404_with_a_way_back() -> None:
    response = Client().get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "find that page" in html
    assert 'class="brand"' in html
    assert 'href="/login/"' in html


@pytest.mark.django_db
def test_the_404_page_is_in_polish() -> None:
    response = Client().get("/no-such-page/", **POLISH)
    assert response.status_code == 404
    assert "Nie możemy znaleźć tej strony" in response.content.decode()


@pytest.mark.django_db
def test_a_refusal_is_a_403_in_plain_words_and_logs_no_traceback(caplog) -> None:
    teacher = staff_member(SchoolFactory(), Role.TEACHER)
    client = signed_in_client(teacher.user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/audit/", HTTP_REFERER="http://testserver/pupils/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "This page is not available to you" in html
    assert 'href="http://testserver/pupils/"' in html  # back where they came from
    assert 'href="/"' in html  # and home, as they are signed in
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert refusals, "the refusal is still logged, as a warning"
    assert all(r.levelno <= logging.WARNING for r in refusals)
    assert all(r.exc_info is None and not r.exc_text for r in refusals)
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_the_403_page_is_in_polish() -> None:
    teacher = staff_member(SchoolFactory(), Role.TEACHER)
    response = signed_in_client(teacher.user).get("/audit/", **POLISH)
    assert response.status_code == 403
    assert "Ta strona nie jest dla Ciebie dostępna" in response.content.decode()


@pytest.mark.django_db
def test_a_foreign_return_address_is_not_offered_as_the_way_back() -> None:
    response = Client().get("/no-such-page/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in response.content.decode()


@pytest.mark.django_db
def test_an_expired_form_gets_its_own_page_not_a_bare_403() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "That form had expired" in html
    assert "Nothing was saved" in html
    polish = client.post("/login/", {"username": "x"}, **POLISH)
    assert polish.status_code == 403
    assert "Ten formularz wygasł" in polish.content.decode()


@pytest.mark.django_db
def test_a_fault_of_ours_is_a_branded_500(settings) -> None:
    settings.ROOT_URLCONF = "tests.accounts.boom_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    polish = client.get("/boom/", **POLISH)
    assert "Coś poszło nie tak po naszej stronie" in polish.content.decode()


def test_the_500_page_needs_no_database_and_no_request_context() -> None:
    """No `db` fixture: pytest-django fails any query, so this proves the page makes none."""
    request = RequestFactory().get("/anything/")
    with translation.override("pl"):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert 'lang="pl"' in html
    assert "Coś poszło nie tak" in html
    assert "site.css" in html
