"""The parent's home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.gzip import gzip_page

from schoolwindow.core.access import signed_in
from schoolwindow.core.errors import NotFound
from schoolwindow.core.requests import actor_of
from schoolwindow.portal.home import selectors


def child_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("child", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise NotFound
    return int(raw)


# Compressed, as the whole first load must be small. BREACH is answered twice over: Django
# masks the CSRF token afresh in every answer, and its gzip pads each answer at random.
@gzip_page
@signed_in
def parent_home(request: HttpRequest) -> HttpResponse:
    home = selectors.parent_home_get(
        actor=actor_of(request), child_id=child_param(request), today=timezone.localdate()
    )
    panels = [render_to_string(p.template, p.context, request) for p in home.panels]
    response = render(request, "portal/home/home.html", {"home": home, "panels": panels})
    # A parent's page about their children: never kept by a shared computer's cache.
    response["Cache-Control"] = "private, no-store"
    return response
