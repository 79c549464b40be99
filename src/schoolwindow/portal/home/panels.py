"""The portal's own section on the parent's home: the head's latest message."""

from __future__ import annotations

from typing import Any

from schoolwindow.core.panels import PARENT_HOME, Panel, ParentHomeSubject
from schoolwindow.core.permissions import Actor
from schoolwindow.portal.home.selectors import head_message_latest


def parent_home_head_message(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    message = head_message_latest(
        actor=actor, school_id=subject.child.school_id, today=subject.today
    )
    if message is None:
        return None
    return {"message": message, "school": subject.child.school}


def register_home_panels() -> None:
    PARENT_HOME.register(
        Panel(
            name="portal-head-message",
            template="portal/home/_head_message.html",
            context=parent_home_head_message,
            order=30,
            modes=frozenset({"guardian"}),
        )
    )
