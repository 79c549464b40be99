"""Reads for announcements: who may send them, which a member of staff may see, and each
announcement's status computed from its copies (each family counted once, by its furthest copy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from schoolwindow.core.capabilities import ANNOUNCE_TO_OWN_GROUPS, SEND_ANNOUNCEMENTS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.messaging.broadcasts.services import audience_resolve
from schoolwindow.messaging.delivery.services import channel_for
from schoolwindow.messaging.models import (
    Broadcast,
    BroadcastStatus,
    Delivery,
    DeliveryStatus,
)
from schoolwindow.people.models import Channel, Enrolment, Guardian, Pupil, PupilStatus
from schoolwindow.schools.models import GroupKind, YearGroup

# What became of each family's copy, in the order the figures show them. Every family is in
# exactly one of these, so they add up to the number of families.
STATS_STATUSES = (
    DeliveryStatus.QUEUED,
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.READ,
    DeliveryStatus.REPLIED,
    DeliveryStatus.BOUNCED,
    DeliveryStatus.FAILED,
    DeliveryStatus.LETTER,
)
# A family with several copies (an email that bounced, then a text) counts once, by the copy that
# got furthest: most telling first.
FAMILY_ORDER: dict[str, int] = {
    status: rank
    for rank, status in enumerate(
        (
            DeliveryStatus.REPLIED,
            DeliveryStatus.READ,
            DeliveryStatus.DELIVERED,
            DeliveryStatus.SENT,
            DeliveryStatus.QUEUED,
            DeliveryStatus.LETTER,
            DeliveryStatus.BOUNCED,
            DeliveryStatus.FAILED,
        )
    )
}
# Statuses counted as another: still to send, and a letter whether printed yet or not.
STATS_MERGE: dict[str, str] = {
    DeliveryStatus.SENDING: DeliveryStatus.QUEUED,
    DeliveryStatus.PRINTED: DeliveryStatus.LETTER,
}


# --- Who may send ----------------------------------------------------------------------------


def broadcast_schools(actor: Actor) -> list[int]:
    return sorted(
        school_id
        for school_id in actor.staff_ids
        if actor.can(SEND_ANNOUNCEMENTS, school_id) or actor.can(ANNOUNCE_TO_OWN_GROUPS, school_id)
    )


def may_broadcast(actor: Actor) -> bool:
    return bool(broadcast_schools(actor))


def broadcasts_visible(actor: Actor, school_id: int) -> QuerySet[Broadcast]:
    """The school's announcements the actor may see (see `BroadcastPolicy`)."""
    return policy_for(Broadcast).visible(actor).filter(school_id=school_id)


def broadcast_for(actor: Actor, broadcast_id: int) -> Broadcast:
    """One announcement; not found outside the actor's scope."""
    return policy_for(Broadcast).get(
        actor, pk=broadcast_id, queryset=Broadcast.objects.select_related("created_by")
    )


# --- Statistics ------------------------------------------------------------------------------


@dataclass
class Stats:
    """What became of an announcement: families by where their copy got to, and when the last
    copy left (sent, or given up on; a letter counts when printed, not here)."""

    counts: dict[str, int]
    total: int  # families, each once
    last_went: dt.datetime | None = None

    @property
    def waiting(self) -> int:
        """Families whose copy is still to go (waiting for its time, or being sent)."""
        return self.counts.get(DeliveryStatus.QUEUED, 0)

    @property
    def gone(self) -> int:
        return self.total - self.waiting

    @property
    def read(self) -> int:
        return self.counts.get(DeliveryStatus.READ, 0) + self.counts.get(DeliveryStatus.REPLIED, 0)

    @property
    def read_rate(self) -> int | None:
        """Percent of copies read (a reply counts as read); None before any copy."""
        if not self.total:
            return None
        return round(100 * self.read / self.total)

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        labels = dict(DeliveryStatus.choices)
        return [
            (status, str(labels[status]), self.counts.get(status, 0)) for status in STATS_STATUSES
        ]


def broadcast_stats(broadcast_ids: list[int]) -> dict[int, Stats]:
    """Families per status for each broadcast, in two queries however many there are.

    The first counts copies per status (and when the last left); the second reads only the
    families with more than one copy (a fallback followed the first) so that each family counts
    once, by the copy that got furthest. Waiting and sending count as queued; a printed letter
    counts as a letter; cancelled copies (a contact restriction since) are not counted."""
    stats = {pk: Stats(counts={}, total=0) for pk in broadcast_ids}
    copies = Delivery.objects.filter(message__broadcast_id__in=broadcast_ids).exclude(
        status=DeliveryStatus.CANCELLED
    )
    rows = (
        copies.values("message__broadcast_id", "status")
        .annotate(n=Count("id"), went=Max(Coalesce("sent_at", "bounced_at", "failed_at")))
        .order_by()
    )
    for row in rows:
        item = stats[row["message__broadcast_id"]]
        status = STATS_MERGE.get(row["status"], row["status"])
        item.counts[status] = item.counts.get(status, 0) + row["n"]
        item.total += row["n"]
        went = row["went"]
        if status != DeliveryStatus.LETTER and went is not None:
            item.last_went = max(item.last_went, went) if item.last_went else went
    followed = copies.filter(message__broadcast_id__in=broadcast_ids, fallback_of__isnull=False)
    chains: dict[tuple[int, int], list[str]] = {}
    for broadcast_id, guardian_id, status in (
        copies.filter(Q(fallback_of__isnull=False) | Q(pk__in=followed.values("fallback_of_id")))
        .values_list("message__broadcast_id", "guardian_id", "status")
        .order_by()
    ):
        chains.setdefault((broadcast_id, guardian_id), []).append(STATS_MERGE.get(status, status))
    for (broadcast_id, _guardian_id), statuses in chains.items():
        if len(statuses) < 2:
            continue
        item = stats[broadcast_id]
        for status in statuses:
            item.counts[status] -= 1
        best = min(statuses, key=lambda status: FAMILY_ORDER.get(status, len(FAMILY_ORDER)))
        item.counts[best] += 1
        item.total -= len(statuses) - 1
    for item in stats.values():
        item.counts = {status: n for status, n in item.counts.items() if n}
    return stats


@dataclass(frozen=True)
class Progress:
    """Where an announcement has got to, told truthfully: scheduled (and for when), sending
    (so many families of so many), or sent (when the last copy left)."""

    state: str  # "draft", "scheduled", "sending", "sent" or "cancelled"
    when: dt.datetime | None
    gone: int
    total: int


def broadcast_progress(
    broadcast: Broadcast, stats: Stats, now: dt.datetime | None = None
) -> Progress:
    now = now or timezone.now()
    if broadcast.status in (BroadcastStatus.DRAFT, BroadcastStatus.CANCELLED):
        return Progress(broadcast.status, None, 0, stats.total)
    if broadcast.scheduled_for is not None and broadcast.scheduled_for > now:
        return Progress("scheduled", broadcast.scheduled_for, 0, stats.total)
    if stats.waiting:
        return Progress("sending", None, stats.gone, stats.total)
    return Progress("sent", stats.last_went, stats.total, stats.total)


# --- Composing: who an announcement reaches, and finding pupils by name ----------------------

PUPIL_MATCHES = 20


@dataclass(frozen=True)
class Reach:
    families: int
    letters: int  # of those, families with no email, phone or app, or who prefer post


def audience_reach(
    *,
    school_id: int,
    audience: str,
    year_group_id: int | None = None,
    group_id: int | None = None,
    pupil_ids: Sequence[int] = (),
) -> Reach:
    """The families an announcement would reach, counted by the code the send itself runs
    (`audience_resolve`, then each family's channel by `channel_for`), so the number shown while
    writing is the number of copies queued."""
    resolved = audience_resolve(
        Broadcast(
            school_id=school_id,
            audience=audience,
            year_group_id=year_group_id,
            group_id=group_id,
            pupil_ids=list(pupil_ids),
        )
    )
    letters = sum(
        1
        for guardian in Guardian.objects.filter(pk__in=list(resolved.guardian_pupils)).only(
            "preferred_channel", "user_id", "phone", "email", "address"
        )
        if channel_for(guardian)[0] == Channel.LETTER
    )
    return Reach(families=resolved.size, letters=letters)


@dataclass(frozen=True)
class PupilChoice:
    pk: int
    name: str
    year: str
    form: str


def pupil_choices(
    *, school_id: int, search: str = "", chosen: Sequence[int] = ()
) -> tuple[list[PupilChoice], list[PupilChoice]]:
    """The pupils already chosen, and up to PUPIL_MATCHES others whose names match the search,
    each with their year and class so two of the same name can be told apart."""
    active = Pupil.objects.filter(school_id=school_id, status=PupilStatus.ACTIVE)
    picked = list(active.filter(pk__in=list(chosen)[:500]).order_by("legal_last_name", "pk"))
    matches: list[Pupil] = []
    words = search.split()[:4]
    if words:
        found = active.exclude(pk__in=[p.pk for p in picked])
        for word in words:
            found = found.filter(
                Q(legal_first_name__icontains=word)
                | Q(legal_last_name__icontains=word)
                | Q(preferred_first_name__icontains=word)
                | Q(preferred_last_name__icontains=word)
            )
        matches = list(found.order_by("legal_last_name", "legal_first_name", "pk")[:PUPIL_MATCHES])
    everyone = picked + matches
    years = dict(YearGroup.objects.filter(school_id=school_id).values_list("pk", "name"))
    forms = dict(
        Enrolment.objects.filter(
            school_id=school_id,
            pupil_id__in=[p.pk for p in everyone],
            active=True,
            group__kind=GroupKind.REGISTRATION,
        )
        .order_by("pupil_id", "group__name")
        .values_list("pupil_id", "group__name")
    )

    def choice(pupil: Pupil) -> PupilChoice:
        return PupilChoice(
            pk=pupil.pk,
            name=pupil.display_name,
            year=years.get(pupil.year_group_id or 0, ""),
            form=forms.get(pupil.pk, ""),
        )

    return [choice(p) for p in picked], [choice(p) for p in matches]
