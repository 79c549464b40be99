"""How fresh the parent's home is.

The home is read far more than anything on it changes, and it is the page every family opens:
its sections (the week, messages, what is waiting…) are kept for a short while per session,
child and language (`PARENT_HOME_CACHE_SECONDS`, 30 by default; 0 turns it off). What the
school changes shows within that time. What the parent changes shows at once: every form a
signed-in person sends successfully moves their session's version on, and the version is part
of the key. The session key is part of it too, so a cached form's CSRF token is always this
session's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

VERSION = "portal_home_version"


def cache_seconds() -> int:
    return int(getattr(settings, "PARENT_HOME_CACHE_SECONDS", 30))


def sections_key(request: HttpRequest, child_id: int, language: str) -> str | None:
    session_key = request.session.session_key
    if not session_key or cache_seconds() <= 0:
        return None
    version = request.session.get(VERSION, 0)
    return f"parent-home:{session_key}:{child_id}:{language}:{version}"


class ParentChangesMiddleware:
    """After a signed-in person's form went through (anything below 400), their home's cached
    sections are out of date."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code < 400
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and hasattr(request, "session")
        ):
            request.session[VERSION] = request.session.get(VERSION, 0) + 1
        return response
