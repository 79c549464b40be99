"""Reads about what became of the copies sent to families.

(The families we can't reach are in `reach`; the letters waiting in `letters`.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.models import Delivery
from schoolwindow.people.models import Guardian, GuardianLink
from schoolwindow.people.selectors import pupils_visible


@dataclass(frozen=True)
class ReadCounts:
    """Messages that reached a family in a period, and how many of those they read.

    Counted per message, not per copy: an email that fell back to a text is one message, read
    when any of its copies to the family was read.
    """

    sent: int
    read: int


def family_read_counts(
    *,
    actor: Actor,
    guardian_id: int | None = None,
    household_id: int | None = None,
    since: dt.datetime,
    until: dt.datetime,
) -> ReadCounts:
    """What one guardian, or every guardian of one household, was sent in [since, until) (by
    when each copy left the outbox) and has read.

    Staff may count for guardians of pupils they may see, and only the copies from those
    pupils' schools; a parent only for themselves. Anything else is `PermissionDenied`.
    """
    if guardian_id is not None and household_id is None:
        guardian_ids = {guardian_id}
    elif household_id is not None and guardian_id is None:
        guardian_ids = set(
            Guardian.objects.filter(household_id=household_id).values_list("pk", flat=True)
        )
    else:
        raise ValueError("Give a guardian or a household.")
    copies = Delivery.objects.filter(
        guardian_id__in=guardian_ids, sent_at__gte=since, sent_at__lt=until
    )
    if actor.is_staff_member:
        links = list(
            GuardianLink.objects.filter(
                guardian_id__in=guardian_ids, pupil__in=pupils_visible(actor=actor)
            ).values_list("guardian_id", "school_id")
        )
        seen = {g for g, _school in links}
        if not guardian_ids or seen != guardian_ids:
            raise PermissionDenied
        copies = copies.filter(school_id__in={school for _g, school in links})
    elif actor.guardian_id is None or guardian_ids != {actor.guardian_id}:
        raise PermissionDenied
    counts = copies.aggregate(
        sent=Count("message", distinct=True),
        read=Count("message", distinct=True, filter=Q(read_at__isnull=False)),
    )
    return ReadCounts(sent=counts["sent"], read=counts["read"])
