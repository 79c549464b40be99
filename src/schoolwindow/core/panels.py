"""Pages composed from panels that apps contribute.

A page that shows one pupil (or, later, one family) from many angles does not import the apps
that know those angles. Each app registers a `Panel` on the page's slot in its
`AppConfig.ready()`; the page's view asks the slot for the panels this actor may see and renders
them in order. `people` owns the pupil page and never imports engagement, messaging or the apps
to come.

A panel's `context` function receives the actor and the subject (the pupil) the page already
checked the actor may see, and returns the template's context, or None to show nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from schoolwindow.core.permissions import Actor

PanelContext = Callable[[Actor, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: PanelContext
    order: int = 100
    # Which versions of the page show it ("staff", "guardian", "self").
    modes: frozenset[str] = frozenset({"staff"})


@dataclass(frozen=True)
class ShownPanel:
    name: str
    template: str
    context: dict[str, Any]


class PanelSlot:
    def __init__(self, name: str) -> None:
        self.name = name
        self._panels: dict[str, Panel] = {}

    def register(self, panel: Panel) -> None:
        self._panels[panel.name] = panel

    def shown(self, *, actor: Actor, subject: Any, mode: str) -> list[ShownPanel]:
        shown = []
        for panel in sorted(self._panels.values(), key=lambda p: (p.order, p.name)):
            if mode not in panel.modes:
                continue
            context = panel.context(actor, subject)
            if context is not None:
                shown.append(ShownPanel(name=panel.name, template=panel.template, context=context))
        return shown


PUPIL_PAGE = PanelSlot("pupil page")

# A watchlist flag's page (owned by `engagement`, which sits below the apps that help): apps
# above it show what they did about the flag here. The subject is the `engagement.Flag` the
# page already checked the actor may see, as the page holds it (engagement's `FlagInfo`: `pk`,
# `school_id`, `pupil_id`, `status`, `opened_on`, … with the same names as on `Flag`).
FLAG_PAGE = PanelSlot("flag page")


# --- The home page ("my morning") -------------------------------------------------------------
#
# The home page is owned by `accounts`, which sits below engagement, messaging and connectors.
# Each of those registers its blocks on `HOME` (the subject is today's date); a block's context
# function decides from the actor's capabilities whether it shows, and returns None when not.
# Modes: "staff" (anyone with a role at a school), "trust" (trust officers), "pupil".
#
# Every block is bounded: counts, the first few rows, and a link to the full, paged list — so
# the page costs the same number of queries however large the school.
HOME = PanelSlot("home")

# How many rows a home block lists before its "see all" link.
HOME_TOP = 5


# --- The parent's home ----------------------------------------------------------------------
#
# Owned by `portal` (the top layer). The page shows one child at a time (links switch child, so
# it works with JavaScript off); each app registers sections for that child on `PARENT_HOME`
# (mode "guardian"; the subject is a `ParentHomeSubject`) and the things the parent has to do on
# `PARENT_WAITING`. Both are asked only for children the portal has already checked the parent
# may see (never a child under a contact restriction for this guardian). Every section costs a
# fixed number of queries whatever the number of children, posts or messages.


@dataclass(frozen=True)
class ParentHomeSubject:
    child: Any  # people.Pupil, with school and year_group loaded
    children: Sequence[Any]  # every child this parent may see, across the trust's schools
    guardian_id: int  # this parent (a Guardian belongs to the trust: one row across its schools)
    today: dt.date


PARENT_HOME = PanelSlot("parent home")


@dataclass(frozen=True)
class WaitingItem:
    """One thing a parent has to do ("Give consent for the trip to the museum by 12 March")."""

    text: str | Promise
    url: str
    pupil_id: int | None = None
    due: dt.date | None = None
    action: str | Promise = ""  # the button's words; default "Open"


WaitingItems = Callable[[Actor, ParentHomeSubject], Sequence[WaitingItem]]


class WaitingSlot:
    def __init__(self, name: str) -> None:
        self.name = name
        self._sources: dict[str, WaitingItems] = {}

    def register(self, name: str, items: WaitingItems) -> None:
        self._sources[name] = items

    def items(self, *, actor: Actor, subject: ParentHomeSubject) -> list[WaitingItem]:
        found = [
            item for _, items in sorted(self._sources.items()) for item in items(actor, subject)
        ]
        # One thing to do once, though it concerns two children (an invitation to both).
        unique = list({item.url: item for item in reversed(found)}.values())[::-1]
        return sorted(unique, key=lambda item: (item.due is None, item.due or dt.date.max))


PARENT_WAITING = WaitingSlot("waiting for the parent")


SchoolFigures = Callable[[Sequence[int], dt.date], Mapping[int, str]]


@dataclass(frozen=True)
class SchoolFigure:
    """One column of the trust officer's schools-side-by-side table.

    `values(school_ids, today)` returns the figure as shown, per school, in a fixed number of
    queries for all the schools together.
    """

    name: str
    label: str | Promise
    values: SchoolFigures
    order: int = 100


class FigureSlot:
    def __init__(self, name: str) -> None:
        self.name = name
        self._figures: dict[str, SchoolFigure] = {}

    def register(self, figure: SchoolFigure) -> None:
        self._figures[figure.name] = figure

    def figures(self) -> list[SchoolFigure]:
        return sorted(self._figures.values(), key=lambda f: (f.order, f.name))


SCHOOL_FIGURES = FigureSlot("school figures")
