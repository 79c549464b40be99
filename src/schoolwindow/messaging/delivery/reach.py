"""Families we can't reach: no working channel, copies that keep bouncing, or letters waiting.

Each family is listed with why, and what a member of staff can do about it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwindow.core.capabilities import PRINT_LETTERS
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.models import (
    Delivery,
    DeliveryStatus,
)
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Guardian, Pupil, PupilStatus

# How far back "recent copies" reach when deciding that a family's channels all fail.
RECENT_DAYS = 60
FAILED = (DeliveryStatus.BOUNCED, DeliveryStatus.FAILED)
# Copies whose fate is known (waiting, cancelled and letters say nothing about a channel).
SETTLED = (
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.READ,
    DeliveryStatus.REPLIED,
    DeliveryStatus.BOUNCED,
    DeliveryStatus.FAILED,
)

REASONS = {
    "no_channel": _("No email address, no mobile number and no School Window log-in."),
    "failing": _("Every recent email or text to this family bounced or failed."),
    "letters": _("Messages are waiting to be printed and posted as letters."),
}
ADVICE = {
    "no_channel": _(
        "Ask the family for an email address or mobile number next time they are in touch, "
        "or invite them to School Window."
    ),
    "failing": _(
        "Check the phone number and email address with the family — call, or ask at the "
        "school gate."
    ),
    "letters": _("Print the letters below, and consider a home visit if nobody replies."),
}


@dataclass
class UnreachableFamily:
    guardian: Guardian
    pupils: list[Pupil] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    letters_waiting: int = 0
    failed_recently: int = 0
    last_failure: dt.datetime | None = None

    @property
    def reason_texts(self) -> list[tuple[str, str]]:
        return [(str(REASONS[reason]), str(ADVICE[reason])) for reason in self.reasons]


def unreachable_families(
    school_id: int,
    *,
    pupil_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> list[UnreachableFamily]:
    """Guardians of active pupils here with no working channel, in three queries."""
    now = now or timezone.now()
    links = (
        contactable_links(school_id=school_id, pupil__status=PupilStatus.ACTIVE)
        .defer("restriction_reason")
        .select_related("guardian", "pupil")
        .order_by("guardian__last_name", "guardian__first_name", "guardian_id", "pupil_id")
    )
    if pupil_ids is not None:
        links = links.filter(pupil_id__in=pupil_ids)
    families: dict[int, UnreachableFamily] = {}
    for link in links:
        family = families.setdefault(link.guardian_id, UnreachableFamily(guardian=link.guardian))
        family.pupils.append(link.pupil)
    if not families:
        return []
    copies = (
        Delivery.objects.filter(school_id=school_id, guardian_id__in=list(families))
        .filter(
            Q(status=DeliveryStatus.LETTER) | Q(queued_at__gte=now - dt.timedelta(days=RECENT_DAYS))
        )
        .values("guardian_id")
        .annotate(
            letters=Count("id", filter=Q(status=DeliveryStatus.LETTER)),
            settled=Count(
                "id",
                filter=Q(status__in=SETTLED, queued_at__gte=now - dt.timedelta(days=RECENT_DAYS)),
            ),
            failed=Count(
                "id",
                filter=Q(status__in=FAILED, queued_at__gte=now - dt.timedelta(days=RECENT_DAYS)),
            ),
            last_failure=Max("bounced_at"),
            last_failed=Max("failed_at"),
        )
    )
    for row in copies:
        family = families[row["guardian_id"]]
        family.letters_waiting = row["letters"]
        family.failed_recently = row["failed"]
        if row["settled"] and row["failed"] == row["settled"]:
            family.reasons.append("failing")
            moments = [m for m in (row["last_failure"], row["last_failed"]) if m is not None]
            family.last_failure = max(moments) if moments else None
    result = []
    for family in families.values():
        guardian = family.guardian
        if not guardian.email and not guardian.phone and guardian.user_id is None:
            family.reasons.insert(0, "no_channel")
        if family.letters_waiting:
            family.reasons.append("letters")
        if family.reasons:
            result.append(family)
    return result


def may_see_unreachable(actor: Actor) -> bool:
    return actor.can_anywhere(PRINT_LETTERS)
