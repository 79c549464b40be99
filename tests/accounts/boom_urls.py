"""The site's URLs plus one page that fails, to see the 500 page as a person would."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from schoolwindow.config.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault of ours")


urlpatterns = [*urlpatterns, path("boom/", boom)]
