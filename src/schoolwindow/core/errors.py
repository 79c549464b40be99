"""The few errors services and selectors raise, and the one place they become responses.

- `NotFound`: the record does not exist *or the actor may not know it does* (a 404, so
  existence never leaks).
- `Refused`: the actor may see the record but not do this to it (a 403).
- `Invalid`: the request cannot be carried out as asked; `field` names the form field at fault.

`NotFound` and `Refused` are Django's `Http404` and `PermissionDenied`, so a view that does not
catch them gets the right status and page. A view that wants to report an `Invalid` or `Refused`
back to the person on the same page runs the service through `attempt()`, or, when the page
shows a form, `attempt_form()` (the problem goes on the form, with the status to answer with).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django import forms
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
    result, problem = attempt_quietly(action, *args, **kwargs)
    if problem:
        messages.error(request, problem)
    return result


def attempt_quietly(
    action: Callable[P, T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> tuple[T | None, str]:
    """Run a service: (its result, "") or (None, what to tell the person) for an Invalid or a
    refusal, for a page that says so in a place of its own (a status line)."""
    try:
        return action(*args, **kwargs), ""
    except PermissionDenied as refusal:
        return None, str(refusal) or _("You may not do that here.")
    except ValueError as problem:
        return None, str(problem)


def attempt_form(
    form: forms.BaseForm,
    action: Callable[P, T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> tuple[T | None, int]:
    """Run a service for a form page: (its result, 200), or (None, status) with the problem on
    the form — an Invalid on its field (400), a refusal on the whole form (403).

    A `NotFound` is not caught: the page itself is then not found.
    """
    try:
        return action(*args, **kwargs), 200
    except PermissionDenied as refusal:
        form.add_error(None, str(refusal) or _("You may not do that here."))
        return None, 403
    except Invalid as problem:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        return None, 400
    except ValueError as problem:
        form.add_error(None, str(problem))
        return None, 400
