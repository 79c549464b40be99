"""Reading dates and times given on the command line, the same way in every command.

Each function raises `CliArgumentError` (a `ValueError`) whose text names the option and what
was wrong, ready for stderr. Imports nothing from the other schoolwindow apps, so the commands
of any app can use it.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from typing import ParamSpec

P = ParamSpec("P")


class CliArgumentError(ValueError):
    """A value given on the command line that could not be read: str() says which and why."""


def exits_2_on_bad_arguments(handler: Callable[P, int]) -> Callable[P, int]:
    """A command handler that prints a `CliArgumentError` to stderr and exits with 2."""

    @functools.wraps(handler)
    def run(*args: P.args, **kwargs: P.kwargs) -> int:
        try:
            return handler(*args, **kwargs)
        except CliArgumentError as error:
            print(error, file=sys.stderr)
            return 2

    return run


def date_arg(value: str | None, option: str) -> dt.date | None:
    """The date written in `value` (YYYY-MM-DD); None when the option was not given."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliArgumentError(f"{option}: {value!r} is not a date like 2026-11-23") from None


def date_arg_required(value: str | None, option: str, *, when: str = "") -> dt.date:
    """The date written in `value`; a `CliArgumentError` when it was not given."""
    day = date_arg(value, option)
    if day is None:
        raise CliArgumentError(f"{option} YYYY-MM-DD is required {when}".rstrip())
    return day


def date_arg_or_today(value: str | None, option: str) -> dt.date:
    """The date written in `value`, or today (in the site's time zone) when it was not given."""
    from django.utils import timezone

    day = date_arg(value, option)
    return timezone.localdate() if day is None else day


def moment_arg(value: str | None, option: str) -> dt.datetime | None:
    """The time written in `value` (2026-11-24T08:00, with or without an offset), aware: one
    without an offset is in the site's time zone. None when the option was not given."""
    from django.utils import timezone

    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CliArgumentError(f"{option}: {value!r} is not a time like 2026-11-24T08:00") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
