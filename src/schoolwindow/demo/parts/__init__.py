"""The demo's parts, in the order they run: one list, and what a part is.

`schoolwindow demo` builds the demo trust by running each part named in `DEMO_PARTS`, in order,
on one `DemoContext` (demo/context.py): the roster first (schools, families, staff, the
accounts), then the engagement history, then messaging. The builder (demo/builder.py) knows the
parts only through this list; a part never imports the builder, nor the modules of parts after
it.

A part is a module with a `PART = DemoPart(name=..., build=...)`: `build(ctx)` writes the part's
rows, reading what earlier parts left on the context (`ctx.trust`, `ctx.primary`,
`ctx.secondary`, `ctx.children`, `ctx.special`, `ctx.plan`, `ctx.today`, `ctx.rng`, …) and
printing its progress with `ctx.say`. `history=True` marks a part that writes the demo's past
(signals, facts, messages, and anything built on them): `demo_build(history=False)`, which tests
of the roster use, leaves those out.

To add an app's demo data: write `src/schoolwindow/<app>/demo_part.py` (or a module under
`demo/parts/<app>/`) with its `PART`, and add its dotted path to `DEMO_PARTS` after the parts it
reads from — nothing else changes. Keep the demo deterministic: draw from `ctx.rng` only if
every later part's data may change (the demo's fingerprint changes with it), otherwise seed a
`random.Random` of your own; use `ctx.today` for "now"; write with bulk_create or through the
app's services, and add a line to `ctx.counts` if tests or benchmarks should see what you wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from schoolwindow.demo.context import DemoContext

DEMO_PARTS: tuple[str, ...] = (
    "schoolwindow.demo.parts.roster.schools",
    "schoolwindow.demo.parts.roster.families",
    "schoolwindow.demo.parts.roster.staff",
    "schoolwindow.demo.parts.roster.write",
    "schoolwindow.demo.parts.engagement.part",
    "schoolwindow.demo.parts.messaging.part",
    "schoolwindow.demo.parts.homelife",
    "schoolwindow.demo.parts.visits",
    "schoolwindow.demo.parts.support.loans",
    "schoolwindow.demo.parts.support.advocates",
    "schoolwindow.demo.parts.support.needs",
    "schoolwindow.demo.parts.support.studygroups",
    "schoolwindow.demo.parts.support.outcomes",
    "schoolwindow.demo.parts.support.actions",
    "schoolwindow.demo.parts.support.parcels",
    "schoolwindow.demo.parts.portal",
    "schoolwindow.demo.parts.portal_details",
    "schoolwindow.demo.parts.portal_consent",
    "schoolwindow.demo.parts.portal_reports",
    "schoolwindow.demo.parts.portal_portfolio",
    "schoolwindow.demo.parts.portal_events",
)


@dataclass(frozen=True)
class DemoPart:
    name: str  # "roster.schools", "messaging", …
    build: Callable[[DemoContext], None]
    history: bool = False  # left out by demo_build(history=False)


def demo_parts(paths: tuple[str, ...] = DEMO_PARTS) -> list[DemoPart]:
    """The parts named in `paths` (by default `DEMO_PARTS`), in order."""
    parts: list[DemoPart] = []
    for path in paths:
        part = getattr(import_module(path), "PART", None)
        if not isinstance(part, DemoPart):
            raise TypeError(f"{path} has no PART = DemoPart(...)")
        parts.append(part)
    return parts
