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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
