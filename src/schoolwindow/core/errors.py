"""The few errors services and selectors raise, and the one place they become responses.

- `NotFound`: the record does not exist *or the actor may not know it does* (a 404, so
  existence never leaks).
- `Refused`: the actor may see the record but not do this to it (a 403).
- `Invalid`: the request cannot be carried out as asked; `field` names the form field at fault.

`NotFound` and `Refused` are Django's `Http404` and `PermissionDenied`, so a view that does not
catch them gets the right status and page. A view that wants to report an `Invalid` or `Refused`
back to the person on the same page runs the service through `attempt()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

P = ParamSpec("P")
T = TypeVar("T")


class NotFound(Http404):
    pass


class Refused(PermissionDenied):
    pass


class Invalid(ValueError):
    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


def attempt(
    request: HttpRequest,
    action: Callable[P, T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T | None:
    """Run a service for a page; report an Invalid or a refusal on the page and return None.

    A `NotFound` is not caught: the page itself is then not found.
    """
    try:
        return action(*args, **kwargs)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal) or _("You may not do that here."))
    except ValueError as problem:
        messages.error(request, str(problem))
    return None
