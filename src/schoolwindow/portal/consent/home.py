"""What consent puts on the home pages: on the parent's, "Give consent for … by <date>" among
the things waiting (every child at once) and a small section about the child shown; on the
staff home, the requests still open, as the way in to the consent pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schoolwindow.core.capabilities import CONSENT_MANAGE
from schoolwindow.core.panels import HOME_TOP, ParentHomeSubject, WaitingItem
from schoolwindow.core.permissions import Actor
from schoolwindow.portal.consent.selectors import Status, family_items, staff_requests

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


def staff_home_consent(actor: Actor, today: dt.date) -> dict[str, Any] | None:
    """Staff who manage consent: the requests still open for answers (at most a few, one
    query), with a link to all of them — the way in from the staff home page."""
    if not actor.is_staff_member or not actor.can_anywhere(CONSENT_MANAGE):
        return None
    open_now = list(
        staff_requests(actor=actor)
        .filter(deadline__gte=today)
        .order_by("deadline", "id")[: HOME_TOP + 1]
    )
    return {"open_requests": open_now[:HOME_TOP], "more": len(open_now) > HOME_TOP}
