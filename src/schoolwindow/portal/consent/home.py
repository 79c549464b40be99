"""What consent puts on the parent's home: "Give consent for … by <date>" among the things
waiting, for every child at once, and a small section about the child shown."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schoolwindow.core.panels import ParentHomeSubject, WaitingItem
from schoolwindow.core.permissions import Actor
from schoolwindow.portal.consent.selectors import Status, family_items

HOME_ROWS = 3


def consent_waiting(actor: Actor, subject: ParentHomeSubject) -> list[WaitingItem]:
    """Open requests this parent has not answered for a child still waiting (another parent's
    yes is enough when one answer will do), across all their children: three queries."""
    items = family_items(
        actor=actor, today=subject.today, pupil_ids=[child.pk for child in subject.children]
    )
    return [
        WaitingItem(
            text=_("Give consent for %(title)s (%(name)s) by %(date)s")
            % {
                "title": item.request.title,
                "name": item.pupil.display_name,
                "date": date_format(item.request.deadline, "j F"),
            },
            url=reverse(
                "portal_consent:answer",
                kwargs={"request_id": item.request.pk, "pupil_id": item.pupil.pk},
            ),
            pupil_id=item.pupil.pk,
            due=item.request.deadline,
            action=_("Answer"),
        )
        for item in items
        if item.is_open and item.mine is None and item.status == Status.WAITING
    ]


def consent_home_section(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    """Trips and consents for the child shown that are still open: at most three rows."""
    items = [
        item
        for item in family_items(actor=actor, today=subject.today, pupil_ids=[subject.child.pk])
        if item.is_open
    ]
    if not items:
        return None
    return {"consent_items": items[:HOME_ROWS], "consent_more": len(items) > HOME_ROWS}
