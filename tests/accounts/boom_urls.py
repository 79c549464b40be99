"""The site's URLs plus one page that fails, to see the 500 page as a person would."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from schoolwindow.config import urls as site
from schoolwindow.config.urls import handler403, handler404, handler500

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault of ours")


urlpatterns: list[URLPattern | URLResolver] = [*site.urlpatterns, path("boom/", boom)]
