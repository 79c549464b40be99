"""Small helpers every app's views share: who is asking, how (HTMX or not), and where to go next."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from schoolwindow.core.permissions import Actor
from schoolwindow.schools.models import School


def actor_of(request: HttpRequest) -> Actor:
    return cast(Actor, request.actor)  # type: ignore[attr-defined]


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def wants_fragment(request: HttpRequest) -> bool:
    """An HTMX request for part of the page (not a history restore or a boosted link)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted  # type: ignore[union-attr]


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    """The `next` address when it stays on this site, otherwise `fallback`."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def school_choice(request: HttpRequest, allowed: list[int]) -> tuple[School, list[School]]:
    """The school asked for (?school=), else the first the actor works at; 403 if none."""
    schools = list(School.objects.filter(pk__in=allowed).order_by("name"))
    if not schools:
        raise PermissionDenied
    wanted = request.GET.get("school", "") or request.POST.get("school", "")
    for school in schools:
        if str(school.pk) == wanted:
            return school, schools
    return schools[0], schools
