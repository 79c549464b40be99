"""The demo trust: two schools, about 1,500 pupils and their families, staff in every role.

`demo_build()` is what `schoolwindow demo` runs. It is idempotent (when the demo trust exists it
builds nothing and returns the same log-ins) and deterministic (one seeded random generator).
It runs the parts listed in demo/parts/__init__.py, in order, in one transaction, on one
`DemoContext`: the roster (schools and calendars, pupils and families, staff, then the accounts,
written with bulk_create in dependency order; every account shares one password hash, computed
once, because argon2 is slow on purpose), then a year and a term of engagement history
(attendance, online activity, homework, messages home), the daily facts, risk models and flags
for the demo's "today", and then the last weeks' messaging with families
(conversations, contact log, positive notes, announcements, weekly summaries).

The demo's "today" is the day it is built (the real local date) unless `today` is given: the
calendars are placed around it (demo/calendars.py) and every part reads `ctx.today`, so the pages,
which read the real clock, never contradict the data. Tests pass `today` to build the demo on a
weekday, a Saturday or in the summer holiday.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from schoolwindow.core.db import database_analyze
from schoolwindow.demo.calendars import DemoCalendar, clock_at
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import (
    DEMO_PASSWORD,
    DEMO_TRUST_NAME,
    DEMO_TRUST_SLUG,
    DemoResult,
    demo_logins_text,
    demo_result,
)
from schoolwindow.demo.parts import demo_parts
from schoolwindow.schools.models import Trust

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_TRUST_SLUG",
    "DemoResult",
    "demo_build",
    "demo_context_build",
    "demo_logins_text",
]


def demo_build(
    *,
    stdout: TextIO | None = None,
    scale: float = 1.0,
    history: bool = True,
    today: dt.date | None = None,
) -> DemoResult:
    """Build the demo trust unless it exists; return its log-ins either way.

    `scale` shrinks the number of pupils (tests use 0.1 to 0.2); staff and groups stay whole.
    `history=False` leaves out the engagement history (signals, daily facts, flags) and
    everything built on it: only for tests that look at the roster alone.
    """
    started = time.perf_counter()

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")
            stdout.flush()

    trust = Trust.objects.filter(slug=DEMO_TRUST_SLUG).first()
    if trust is not None:
        say(f"{DEMO_TRUST_NAME} is already here: nothing to build.")
        return demo_result(trust, created=False, seconds=time.perf_counter() - started)
    with transaction.atomic():
        trust = demo_context_build(scale=scale, say=say, history=history, today=today).trust
    database_analyze()
    seconds = time.perf_counter() - started
    say(f"Built in {seconds:.1f} s.")
    return demo_result(trust, created=True, seconds=seconds)


def demo_context_build(
    *,
    scale: float = 1.0,
    say: Callable[[str], None] | None = None,
    history: bool = True,
    today: dt.date | None = None,
) -> DemoContext:
    """Run the demo's parts, in order, on a new context; return it (inside the caller's
    transaction: demo_build's)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    ctx = DemoContext(
        say=say or (lambda message: None),
        calendar=DemoCalendar(today or timezone.localdate()),
        scale=scale,
        password_hash=make_password(DEMO_PASSWORD),
    )
    # Whatever the parts write through Django is stamped at the demo's morning (auto_now
    # fields, services that read the clock), not at the hour the build happens to run.
    with clock_at(ctx.calendar.morning):
        for part in demo_parts():
            if history or not part.history:
                part.build(ctx)
    return ctx
