from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from schoolwindow.core.permissions import Actor, actor_for


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ActorMiddleware:
    """Attach request.actor, built lazily so static and anonymous pages pay nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def build() -> Actor:
            return actor_for(
                request.user,  # type: ignore[arg-type]
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )

        request.actor = SimpleLazyObject(build)  # type: ignore[attr-defined]
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        language = getattr(user, "language", "") if user.is_authenticated else ""
        if not language:
            return self.get_response(request)
        # override() puts the previous language back, so nothing leaks to the thread's next request.
        with translation.override(language):
            request.LANGUAGE_CODE = language
            return self.get_response(request)
