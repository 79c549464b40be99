from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from schoolwindow.core.middleware import client_ip
from schoolwindow.core.models import User
from schoolwindow.core.permissions import Actor
from schoolwindow.core.requests import SchoolWindowRequest
from schoolwindow.people.actors import actor_for


class ActorMiddleware:
    """Attach request.actor, built lazily so static and anonymous pages pay nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def build() -> Actor:
            user = request.user
            return actor_for(
                user if isinstance(user, User) else None,
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )

        cast(SchoolWindowRequest, request).actor = cast(Actor, SimpleLazyObject(build))
        return self.get_response(request)
