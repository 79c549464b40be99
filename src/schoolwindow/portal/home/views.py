"""The parent's home page."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.gzip import gzip_page

from schoolwindow.core.access import signed_in
from schoolwindow.core.errors import NotFound
from schoolwindow.core.requests import actor_of
from schoolwindow.portal.home import selectors
from schoolwindow.portal.home.freshness import cache_seconds, sections_key


def child_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("child", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise NotFound
    return int(raw)


def rendered_sections(request: HttpRequest, home: selectors.ParentHome) -> dict[str, object]:
    """The waiting list and the sections' HTML, from the short-lived cache when it has them
    (portal/home/freshness.py says how fresh that is)."""
    assert home.subject is not None
    key = sections_key(request, home.subject.child.pk, translation.get_language() or "")
    if key is not None and (found := cache.get(key)) is not None:
        return dict(found)
    sections = selectors.parent_home_sections(actor=actor_of(request), subject=home.subject)
    made = {
        "waiting": [{"text": str(item.text), "url": item.url} for item in sections.waiting],
        "panels": [render_to_string(p.template, p.context, request) for p in sections.panels],
    }
    if key is not None:
        cache.set(key, made, cache_seconds())
    return made


# Compressed, as the whole first load must be small. BREACH is answered twice over: Django
# masks the CSRF token afresh in every answer, and its gzip pads each answer at random.
@gzip_page
@signed_in
def parent_home(request: HttpRequest) -> HttpResponse:
    home = selectors.parent_home_get(
        actor=actor_of(request), child_id=child_param(request), today=timezone.localdate()
    )
    context: dict[str, object] = {"home": home, "waiting": [], "panels": []}
    if home.subject is not None:
        context.update(rendered_sections(request, home))
    response = render(request, "portal/home/home.html", context)
    # A parent's page about their children: never kept by a shared computer's cache.
    response["Cache-Control"] = "private, no-store"
    return response
