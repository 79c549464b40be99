"""What the parent's home shows.

The children are the parent's contactable links (people decides which: a guardian under a
contact restriction for a child never sees that child here). The page shows one child; the
things waiting for the parent are asked across all of them, so nothing is missed when the
parent looks at another child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from schoolwindow.core.errors import NotFound
from schoolwindow.core.panels import (
    PARENT_HOME,
    PARENT_WAITING,
    ParentHomeSubject,
    ShownPanel,
    WaitingItem,
)
from schoolwindow.core.permissions import Actor
from schoolwindow.people.selectors import ChildSummary, guardian_children_list


@dataclass(frozen=True)
class ParentHome:
    children: list[ChildSummary]
    child: ChildSummary | None
    subject: ParentHomeSubject | None

    @property
    def schools_differ(self) -> bool:
        return len({c.pupil.school_id for c in self.children}) > 1


@dataclass(frozen=True)
class ParentHomeSections:
    waiting: list[WaitingItem]
    panels: list[ShownPanel]


def chosen_child(children: list[ChildSummary], child_id: int | None) -> ChildSummary | None:
    """The child asked for, or the first; a child the parent may not see is not found (404),
    never silently swapped for another."""
    if child_id is None:
        return children[0] if children else None
    for child in children:
        if child.pupil.pk == child_id:
            return child
    raise NotFound


def parent_home_get(*, actor: Actor, child_id: int | None, today: dt.date) -> ParentHome:
    if actor.guardian_id is None:
        raise NotFound
    children = guardian_children_list(actor=actor)
    child = chosen_child(children, child_id)
    if child is None:
        return ParentHome(children=[], child=None, subject=None)
    subject = ParentHomeSubject(
        child=child.pupil,
        children=[c.pupil for c in children],
        guardian_id=actor.guardian_id,
        today=today,
    )
    return ParentHome(children=children, child=child, subject=subject)


def parent_home_sections(*, actor: Actor, subject: ParentHomeSubject) -> ParentHomeSections:
    """What every app has for this parent and child: things to do, and a section each."""
    return ParentHomeSections(
        waiting=PARENT_WAITING.items(actor=actor, subject=subject),
        panels=PARENT_HOME.shown(actor=actor, subject=subject, mode="guardian"),
    )
