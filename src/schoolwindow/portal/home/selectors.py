"""What the parent's home shows.

The children are the parent's contactable links (people decides which: a guardian under a
contact restriction for a child never sees that child here). The page shows one child; the
things waiting for the parent are asked across all of them, so nothing is missed when the
parent looks at another child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from schoolwindow.core.capabilities import POST_HEAD_MESSAGES
from schoolwindow.core.errors import NotFound
from schoolwindow.core.panels import (
    PARENT_HOME,
    PARENT_WAITING,
    ParentHomeSubject,
    ShownPanel,
    WaitingItem,
)
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.selectors import ChildSummary, guardian_children_list
from schoolwindow.portal.home.models import HeadMessage
from schoolwindow.schools.models import School


@dataclass(frozen=True)
class ParentHome:
    children: list[ChildSummary]
    child: ChildSummary | None
    waiting: list[WaitingItem]
    panels: list[ShownPanel]

    @property
    def schools_differ(self) -> bool:
        return len({c.pupil.school_id for c in self.children}) > 1


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
        return ParentHome(children=[], child=None, waiting=[], panels=[])
    subject = ParentHomeSubject(
        child=child.pupil,
        children=[c.pupil for c in children],
        guardian_id=actor.guardian_id,
        today=today,
    )
    return ParentHome(
        children=children,
        child=child,
        waiting=PARENT_WAITING.items(actor=actor, subject=subject),
        panels=PARENT_HOME.shown(actor=actor, subject=subject, mode="guardian"),
    )


HEAD_MESSAGE_FRESH_DAYS = 60


def head_message_latest(*, actor: Actor, school_id: int, today: dt.date) -> HeadMessage | None:
    """The school's newest message from the head, while it is still news (two months)."""
    since = today - dt.timedelta(days=HEAD_MESSAGE_FRESH_DAYS)
    return (
        policy_for(HeadMessage)
        .visible(actor)
        .filter(school_id=school_id, withdrawn_at__isnull=True, posted_at__date__gte=since)
        .only("id", "title", "body", "video_url", "posted_at", "school_id")
        .first()
    )


def head_message_get(*, actor: Actor, message_id: int) -> HeadMessage:
    return policy_for(HeadMessage).get(
        actor, pk=message_id, queryset=HeadMessage.objects.select_related("school", "posted_by")
    )


def head_messages_for_staff(*, actor: Actor) -> QuerySet[HeadMessage]:
    """The messages of the schools where this person may post them, newest first."""
    return HeadMessage.objects.filter(
        school_id__in=actor.schools_where(POST_HEAD_MESSAGES)
    ).select_related("school", "posted_by")


def head_message_schools(*, actor: Actor) -> QuerySet[School]:
    return School.objects.filter(pk__in=actor.schools_where(POST_HEAD_MESSAGES)).order_by("name")
