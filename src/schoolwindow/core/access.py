"""View decorators: who may reach a page at all. Record-level checks live in selectors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from schoolwindow.core.permissions import Actor
from schoolwindow.core.requests import actor_of

View = Callable[..., HttpResponse]


def two_factor_passed(user: object) -> bool:
    """django-otp's middleware gives the request's user an is_verified() method."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def signed_in(view: View) -> View:
    """Require a log-in; staff and trust officers must also have passed two-factor."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.needs_two_factor and not two_factor_passed(user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def actor_passes(test: Callable[[Actor], bool]) -> Callable[[View], View]:
    """Signed in, and the actor passes `test`; otherwise 403."""

    def decorator(view: View) -> View:
        @signed_in
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not test(actor_of(request)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_only = actor_passes(lambda actor: actor.is_staff_member)
