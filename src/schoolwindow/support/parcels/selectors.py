"""Reads for parcels: the requests list, a request, the rounds, a round's stops with the door to
knock on, and the timeline's entries. Each answers in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.core.capabilities import MANAGE_PARCELS
from schoolwindow.core.errors import NotFound
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.contact import contactable_links, restricted_links
from schoolwindow.people.models import Guardian, Staff
from schoolwindow.support.parcels.models import (
    DeliveryRound,
    PackingList,
    ParcelPupil,
    ParcelRequest,
    ParcelStatus,
)
from schoolwindow.support.timeline import EntryStatus, SupportEntry, SupportKind

ALL = "all"
OPEN = "open"  # asked for, packed or out: still to be done


def may_manage(actor: Actor) -> bool:
    return actor.can_anywhere(MANAGE_PARCELS)


def schools_managed(actor: Actor) -> list[int]:
    """The schools where the actor handles parcels as a member of staff there."""
    return sorted(sid for sid in actor.schools_where(MANAGE_PARCELS) if sid in actor.staff_ids)


def request_url(request_id: int) -> str:
    return f"/support/parcels/{request_id}/"


def round_url(round_id: int) -> str:
    return f"/support/parcels/rounds/{round_id}/"


def pupils_prefetch() -> Prefetch[str, QuerySet[ParcelPupil], str]:
    return Prefetch(
        "pupils",
        queryset=ParcelPupil.objects.select_related("pupil")
        .only(
            "request_id",
            "pupil_id",
            "pupil__legal_first_name",
            "pupil__preferred_first_name",
            "pupil__legal_last_name",
            "pupil__preferred_last_name",
        )
        .order_by("id"),
    )


def requests_list(*, actor: Actor, status: str = OPEN, query: str = "") -> QuerySet[ParcelRequest]:
    """The parcels the actor may handle, newest first; `query` matches a pupil's name, the
    household or the postcode. Two queries whatever the page's length (plus the count)."""
    rows = policy_for(ParcelRequest).visible(actor)
    if status == OPEN:
        rows = rows.filter(
            status__in=[ParcelStatus.REQUESTED, ParcelStatus.PACKED, ParcelStatus.OUT]
        )
    elif status in ParcelStatus.values:
        rows = rows.filter(status=status)
    query = query.strip()
    if query:
        matches = Q(household__name__icontains=query) | Q(household__postcode__icontains=query)
        for word in query.split():
            matches |= Q(
                pk__in=ParcelPupil.objects.filter(
                    Q(pupil__legal_first_name__icontains=word)
                    | Q(pupil__legal_last_name__icontains=word)
                    | Q(pupil__preferred_first_name__icontains=word)
                    | Q(pupil__preferred_last_name__icontains=word)
                ).values("request_id")
            )
        rows = rows.filter(matches)
    return (
        rows.select_related("household", "round", "requested_by")
        .prefetch_related(pupils_prefetch())
        .order_by("-requested_at", "-id")
    )


def request_get(*, actor: Actor, request_id: int) -> ParcelRequest:
    found = (
        policy_for(ParcelRequest)
        .visible(actor)
        .select_related(
            "household", "round", "requested_by", "packed_by", "confirmed_by", "packing_list"
        )
        .prefetch_related(pupils_prefetch(), "items")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise NotFound
    return found


def packing_lists(*, actor: Actor, active_only: bool = True) -> QuerySet[PackingList]:
    rows = policy_for(PackingList).visible(actor)
    return rows.filter(active=True) if active_only else rows


def packing_list_get(*, actor: Actor, list_id: int) -> PackingList:
    """A list of a school where the actor handles parcels (else not found)."""
    return policy_for(PackingList).get(actor, pk=list_id)


def rounds_list(*, actor: Actor) -> QuerySet[DeliveryRound]:
    """Rounds newest first, with how many stops each has and how many are answered."""
    return (
        policy_for(DeliveryRound)
        .visible(actor)
        .select_related("staff_contact")
        .annotate(
            stop_count=Count("stops"),
            answered=Count(
                "stops",
                filter=Q(stops__status__in=[ParcelStatus.DELIVERED, ParcelStatus.NOT_DELIVERED]),
            ),
        )
        .order_by("-day", "-id")
    )


def round_get(*, actor: Actor, round_id: int) -> DeliveryRound:
    found = (
        policy_for(DeliveryRound)
        .visible(actor)
        .select_related("staff_contact", "planned_by")
        .filter(pk=round_id)
        .first()
    )
    if found is None:
        raise NotFound
    return found


def staff_contacts(*, school_id: int) -> QuerySet[Staff]:
    """Who a driver may be told to ring: the school's staff who handle parcels."""
    return (
        Staff.objects.filter(school_id=school_id, active=True, roles__role__in=list(MANAGE_PARCELS))
        .distinct()
        .order_by("last_name", "first_name", "id")
    )


# The door a parcel is taken to.


@dataclass(frozen=True)
class Door:
    name: str  # the guardian's name, for the door
    address: list[str]
    postcode: str
    phone: str


@dataclass
class Stop:
    request: ParcelRequest
    door: Door | None  # None: nobody the school may contact; the sheet says ask the school
    first_names: list[str] = field(default_factory=list)


def _door_of(guardian: Guardian) -> Door:
    address, postcode = guardian.address.strip(), guardian.postcode.strip()
    if not address and guardian.household is not None:
        address, postcode = guardian.household.address.strip(), guardian.household.postcode.strip()
    lines = [part.strip() for part in address.replace(";", "\n").splitlines() if part.strip()]
    return Door(name=guardian.display_name, address=lines, postcode=postcode, phone=guardian.phone)


def doors(requests: Iterable[ParcelRequest]) -> dict[int, Door | None]:
    """For each request, where the parcel goes: its chosen contact, or the first other guardian
    the school may contact — never a guardian under a contact restriction for any pupil the
    parcel is for (asked of `people.contact`, checked now, not when it was asked for). Three
    queries for any number of requests; each request's `pupils` must be prefetched."""
    requests = list(requests)
    pupils_of = {req.pk: [link.pupil_id for link in req.pupils.all()] for req in requests}
    all_pupils = {pid for ids in pupils_of.values() for pid in ids}
    if not all_pupils:
        return dict.fromkeys((req.pk for req in requests), None)
    barred: dict[int, set[int]] = defaultdict(set)  # pupil → guardians not to contact
    for pupil_id, guardian_id in restricted_links(pupil_id__in=all_pupils).values_list(
        "pupil_id", "guardian_id"
    ):
        barred[pupil_id].add(guardian_id)
    candidates: dict[int, list[Guardian]] = defaultdict(list)  # pupil → contactable, in order
    for link in (
        contactable_links(pupil_id__in=all_pupils)
        .select_related("guardian__household")
        .order_by("contact_priority", "guardian_id")
    ):
        candidates[link.pupil_id].append(link.guardian)
    found: dict[int, Door | None] = {}
    for req in requests:
        pupil_ids = pupils_of[req.pk]
        not_to = set().union(*(barred[pid] for pid in pupil_ids)) if pupil_ids else set()
        choices = [g for pid in pupil_ids for g in candidates[pid] if g.pk not in not_to]
        chosen = next((g for g in choices if g.pk == req.contact_id), None)
        if chosen is None and choices:
            chosen = choices[0]
        found[req.pk] = _door_of(chosen) if chosen is not None else None
    return found


def postcode_key(door: Door | None) -> tuple[int, str]:
    """Stops in postcode order (nearby doors together); those with no door last."""
    if door is None or not door.postcode:
        return (1, "")
    return (0, door.postcode.replace(" ", "").upper())


def round_stops(delivery_round: DeliveryRound) -> list[Stop]:
    """A round's stops in order, each with its door. Four queries whatever the round's size."""
    requests = list(
        ParcelRequest.objects.filter(round=delivery_round)
        .prefetch_related(pupils_prefetch())
        .order_by("stop_number", "id")
    )
    found = doors(requests)
    return [
        Stop(
            request=req,
            door=found[req.pk],
            first_names=[link.pupil.first_name for link in req.pupils.all()],
        )
        for req in requests
    ]


def packed_waiting(*, actor: Actor, school_id: int, limit: int = 200) -> list[Stop]:
    """Packed parcels of a school on no round yet, in postcode order, for planning a round."""
    requests = list(
        policy_for(ParcelRequest)
        .visible(actor)
        .filter(school_id=school_id, status=ParcelStatus.PACKED, round__isnull=True)
        .select_related("household")
        .prefetch_related(pupils_prefetch())
        .order_by("requested_at", "id")[:limit]
    )
    found = doors(requests)
    stops = [
        Stop(
            request=req,
            door=found[req.pk],
            first_names=[link.pupil.first_name for link in req.pupils.all()],
        )
        for req in requests
    ]
    stops.sort(key=lambda stop: postcode_key(stop.door))
    return stops


# The support timeline (support/timeline.py).

TIMELINE_STATUS = {
    ParcelStatus.REQUESTED: EntryStatus.PLANNED,
    ParcelStatus.PACKED: EntryStatus.PLANNED,
    ParcelStatus.OUT: EntryStatus.IN_PROGRESS,
    ParcelStatus.DELIVERED: EntryStatus.DONE,
    ParcelStatus.NOT_DELIVERED: EntryStatus.DONE,
    ParcelStatus.CANCELLED: EntryStatus.CANCELLED,
}


def outcome_of(req: ParcelRequest) -> str:
    if req.status == ParcelStatus.DELIVERED:
        said = _("Delivered")
    elif req.status == ParcelStatus.NOT_DELIVERED:
        said = _("Not delivered")
    else:
        return ""
    return f"{said}: {req.confirmation_note}" if req.confirmation_note else said


def timeline_entries(
    *, school_id: int, pupil_ids: Collection[int] | None = None, since: dt.date | None = None
) -> list[SupportEntry]:
    """Every parcel of these pupils as timeline entries, one per pupil it was for. One query."""
    links = ParcelPupil.objects.filter(school_id=school_id).select_related(
        "request__requested_by", "request__round"
    )
    if pupil_ids is not None:
        links = links.filter(pupil_id__in=list(pupil_ids))
    if since is not None:
        links = links.filter(request__requested_at__date__gte=since)
    kinds = {"food": _("Food parcel"), "care": _("Care package")}
    entries = []
    for link in links.order_by("request__requested_at", "id"):
        req = link.request
        entries.append(
            SupportEntry(
                kind=SupportKind.PARCEL,
                ref=f"parcel:{req.pk}",
                pupil_id=link.pupil_id,
                on=timezone.localtime(req.requested_at).date(),
                title=kinds.get(req.kind, req.kind),
                owner=req.requested_by.display_name,
                due=req.round.day if req.round is not None else None,
                status=TIMELINE_STATUS.get(ParcelStatus(req.status), EntryStatus.PLANNED),
                outcome=outcome_of(req),
                flag_id=req.flag_id,
                url=request_url(req.pk),
            )
        )
    return entries
