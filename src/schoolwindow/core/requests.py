"""Small helpers every app's views share: who is asking, how (HTMX or not), and where to go next."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from schoolwindow.core.models import User
from schoolwindow.core.permissions import Actor

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails


class SchoolWindowRequest(HttpRequest):
    """A request as our middleware leaves it: who is acting, and whether HTMX asked.

    Views annotate `request: SchoolWindowRequest` (or call `actor_of`) instead of casting.
    `user` is the signed-in User on the views behind `signed_in`; elsewhere it may be anonymous.
    """

    actor: Actor
    user: User
    htmx: HtmxDetails


def actor_of(request: HttpRequest) -> Actor:
    return cast(SchoolWindowRequest, request).actor


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user, on a view behind `signed_in`."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("signed_in_user() is only for views behind signed_in")
    return user


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def wants_fragment(request: HttpRequest) -> bool:
    """An HTMX request for part of the page (not a history restore or a boosted link)."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.history_restore_request and not htmx.boosted


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    """The `next` address when it stays on this site, otherwise `fallback`."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
