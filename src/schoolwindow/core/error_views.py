"""The pages a person sees when something goes wrong: not found, refused, an expired form, or a
fault of ours. Each says what happened in plain words and offers a way back."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def came_from(request: HttpRequest) -> str:
    """The page before this one, when it was on this site (a link back that needs no script)."""
    referer = str(request.META.get("HTTP_REFERER", ""))
    if referer and url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def error_page(request: HttpRequest, template: str, status: int, **extra: object) -> HttpResponse:
    signed_in = bool(getattr(request, "user", None) and request.user.is_authenticated)
    context = {"back": came_from(request), "signed_in": signed_in, **extra}
    return render(request, template, context, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "core/errors/404.html", 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A refusal raised with a message (e.g. "must not be contacted") was written for people.
    reason = str(exception) if exception is not None and exception.args else ""
    return error_page(request, "core/errors/403.html", 403, reason=reason)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, "core/errors/csrf.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered with no context at all: the database or the request may be what failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())
