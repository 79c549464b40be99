"""Writes for parcels: keep a packing list, ask for a parcel, pack it, plan a round, confirm
delivery (staff, or the driver from their link), cancel. Each locks what it checks, writes and
audits in one transaction; each create is safe to send twice (core/once.py)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Collection

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import MANAGE_PARCELS
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import once_claim, once_done
from schoolwindow.core.permissions import Actor, system_actor
from schoolwindow.core.policy import policy_for
from schoolwindow.engagement.models import Flag
from schoolwindow.people.contact import contactable_links, restricted_links
from schoolwindow.people.models import PupilStatus
from schoolwindow.people.selectors import pupils_visible
from schoolwindow.support.parcels.links import new_nonce
from schoolwindow.support.parcels.models import (
    DeliveryRound,
    PackingList,
    ParcelItem,
    ParcelKind,
    ParcelPupil,
    ParcelRequest,
    ParcelStatus,
)
from schoolwindow.support.parcels.selectors import (
    doors,
    postcode_key,
    pupils_prefetch,
    request_url,
    round_url,
    staff_contacts,
)

MAX_ITEMS = 60
MAX_STOPS = 40
# "2 x Rice 1kg", "2 * Rice", "2 Rice" or just "Rice" (one); the multiplication sign too.
ITEM_LINE = re.compile(r"^\s*(?:(\d{1,3})\s*(?:[x\u00d7*]\s*)?)?(.+?)\s*$", re.IGNORECASE)


def parse_items(text: str) -> list[tuple[str, int]]:
    """A list written one item a line, an optional quantity first. A bad line is named."""
    items: list[tuple[str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = ITEM_LINE.match(line)
        name = match.group(2).strip() if match else ""
        quantity = int(match.group(1)) if match and match.group(1) else 1
        if not name or name.isdigit():
            raise Invalid(
                _('Line %(line)d: write what the item is, e.g. "2 x Rice 1kg".') % {"line": number},
                field="items",
            )
        if not 1 <= quantity <= 99:
            raise Invalid(
                _("Line %(line)d: the quantity must be between 1 and 99.") % {"line": number},
                field="items",
            )
        items.append((name[:120], quantity))
    if len(items) > MAX_ITEMS:
        raise Invalid(_("A list can have at most %(n)d items.") % {"n": MAX_ITEMS}, field="items")
    return items


def _staff_id(actor: Actor, school_id: int) -> int:
    if not actor.can(MANAGE_PARCELS, school_id) or school_id not in actor.staff_ids:
        raise Refused
    return actor.staff_ids[school_id]


def packing_list_create(
    *,
    actor: Actor,
    school_id: int,
    name: str,
    kind: str,
    items: str,
    once: uuid.UUID | None = None,
) -> PackingList:
    _staff_id(actor, school_id)
    name = name.strip()
    if not name:
        raise Invalid(_("Give the list a name."), field="name")
    if kind not in ParcelKind.values:
        raise Invalid(_("Choose a food parcel or a care package."), field="kind")
    lines = parse_items(items)
    if not lines:
        raise Invalid(_("Write at least one item, one a line."), field="items")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This list was already saved."))
        if PackingList.objects.filter(school_id=school_id, name__iexact=name).exists():
            raise Invalid(_("There is already a list with this name."), field="name")
        try:
            with transaction.atomic():
                packing = PackingList.objects.create(
                    school_id=school_id,
                    name=name[:120],
                    kind=kind,
                    items=[{"name": item, "quantity": qty} for item, qty in lines],
                )
        except IntegrityError:
            raise Invalid(_("There is already a list with this name."), field="name") from None
        audit_record(actor=actor, action="parcel.list_create", target=packing)
        once_done(claim, "/support/parcels/lists/")
    return packing


def items_text(items: list[dict[str, object]]) -> str:
    """A list's items as the form shows them, one a line: what `parse_items` reads back."""
    return "\n".join(
        f"{item['quantity']} x {item['name']}" if item["quantity"] != 1 else str(item["name"])
        for item in items
    )


def packing_list_update(
    *,
    actor: Actor,
    list_id: int,
    name: str,
    items: str,
    active: bool,
) -> PackingList:
    """Change a list's name and items, or retire it (or bring it back). A retired list is not
    offered for new requests; parcels already asked for keep the items copied onto them, so a
    change here never changes a parcel. A bad line is named and nothing is written."""
    name = name.strip()
    if not name:
        raise Invalid(_("Give the list a name."), field="name")
    lines = parse_items(items)
    if not lines:
        raise Invalid(_("Write at least one item, one a line."), field="items")
    with transaction.atomic():
        packing = policy_for(PackingList).get(
            actor, pk=list_id, queryset=PackingList.objects.select_for_update()
        )
        _staff_id(actor, packing.school_id)
        taken = PackingList.objects.filter(school_id=packing.school_id, name__iexact=name)
        if taken.exclude(pk=packing.pk).exists():
            raise Invalid(_("There is already a list with this name."), field="name")
        new_items = [{"name": item, "quantity": qty} for item, qty in lines]
        new_name = name[:120]
        changed: dict[str, list[object]] = {}
        if packing.name != new_name:
            changed["name"] = [packing.name, new_name]
        if packing.items != new_items:
            changed["items"] = [len(packing.items), len(new_items)]
        if packing.active != active:
            changed["active"] = [packing.active, active]
        if not changed:
            return packing
        packing.name, packing.items, packing.active = new_name, new_items, active
        try:
            with transaction.atomic():
                packing.save(update_fields=["name", "items", "active"])
        except IntegrityError:
            raise Invalid(_("There is already a list with this name."), field="name") from None
        action = "parcel.list_update"
        if "active" in changed:
            action = "parcel.list_retire" if not active else "parcel.list_restore"
        audit_record(actor=actor, action=action, target=packing, detail={"changed": changed})
    return packing


def parcel_request(
    *,
    actor: Actor,
    pupil_ids: Collection[int],
    kind: str,
    reason: str,
    packing_list_id: int | None = None,
    extra_items: str = "",
    dietary_notes: str = "",
    delivery_notes: str = "",
    flag_id: int | None = None,
    once: uuid.UUID | None = None,
) -> ParcelRequest:
    """Ask for a parcel for a family: one or more pupils of one home, at one school.

    The packing list is copied onto the request. A family nobody may be contacted about gets
    no parcel (there is no door to take it to): the person is told to talk to the DSL.
    """
    if kind not in ParcelKind.values:
        raise Invalid(_("Choose a food parcel or a care package."), field="kind")
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Say in a few words why the family needs it."), field="reason")
    extra = parse_items(extra_items)
    ids = sorted({int(pid) for pid in pupil_ids})
    if not ids:
        raise Invalid(_("Choose the pupil the parcel is for."), field="pupil")
    pupils = list(
        pupils_visible(actor=actor).filter(pk__in=ids, status=PupilStatus.ACTIVE).distinct()
    )
    if len(pupils) != len(ids):
        raise NotFound
    school_ids = {p.school_id for p in pupils}
    if len(school_ids) != 1:
        raise Invalid(_("Ask for one school's pupils at a time."), field="pupil")
    school_id = school_ids.pop()
    staff_id = _staff_id(actor, school_id)
    households = {p.household_id for p in pupils}
    if len(households) != 1:
        raise Invalid(_("These pupils do not live in the same home."), field="pupil")
    household_id = households.pop()
    packing = None
    if packing_list_id is not None:
        packing = PackingList.objects.filter(
            pk=packing_list_id, school_id=school_id, active=True
        ).first()
        if packing is None:
            raise Invalid(_("Choose one of this school's packing lists."), field="packing_list")
    items = [(str(i["name"]), int(i["quantity"])) for i in (packing.items if packing else [])]
    items += extra
    if not items:
        raise Invalid(
            _("Choose a packing list or write what goes in the parcel."), field="extra_items"
        )
    if (
        flag_id is not None
        and not Flag.objects.filter(pk=flag_id, school_id=school_id, pupil_id__in=ids).exists()
    ):
        raise Invalid(_("This flag is not about the pupils the parcel is for."), field="pupil")
    barred = set(restricted_links(pupil_id__in=ids).values_list("guardian_id", flat=True))
    contact = (
        contactable_links(pupil_id__in=ids)
        .exclude(guardian_id__in=barred)
        .order_by("contact_priority", "guardian_id")
        .first()
    )
    if contact is None:
        raise Invalid(
            _(
                "Nobody in this family can be contacted by the school, so there is no one to "
                "take a parcel to. Talk to the designated safeguarding lead."
            ),
            field="pupil",
        )
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This parcel was already asked for."))
        req = ParcelRequest.objects.create(
            school_id=school_id,
            household_id=household_id,
            contact_id=contact.guardian_id,
            flag_id=flag_id,
            kind=kind,
            packing_list=packing,
            reason=reason[:2000],
            dietary_notes=dietary_notes.strip()[:300],
            delivery_notes=delivery_notes.strip()[:300],
            requested_by_id=staff_id,
        )
        ParcelPupil.objects.bulk_create(
            [ParcelPupil(school_id=school_id, request=req, pupil_id=pid) for pid in ids]
        )
        ParcelItem.objects.bulk_create(
            [
                ParcelItem(school_id=school_id, request=req, position=n, name=name, quantity=qty)
                for n, (name, qty) in enumerate(items)
            ]
        )
        audit_record(
            actor=actor,
            action="parcel.request",
            target=req,
            detail={"pupil_id": ids[0], "pupil_ids": ids, "kind": kind},
        )
        once_done(claim, request_url(req.pk))
    return req


def _locked(actor: Actor, request_id: int) -> ParcelRequest:
    return policy_for(ParcelRequest).get(
        actor,
        pk=request_id,
        action="manage",
        queryset=ParcelRequest.objects.select_for_update(),
    )


def parcel_pack(
    *, actor: Actor, request_id: int, packed_item_ids: Collection[int], finished: bool
) -> ParcelRequest:
    """Tick what is in the box; `finished` marks the parcel packed, once every item is ticked."""
    with transaction.atomic():
        req = _locked(actor, request_id)
        if req.status not in (ParcelStatus.REQUESTED, ParcelStatus.PACKED):
            raise Invalid(_("This parcel has already left or is closed."), field="items")
        if req.status == ParcelStatus.PACKED and req.round_id is not None:
            raise Invalid(_("This parcel is on a round already."), field="items")
        items = list(ParcelItem.objects.select_for_update().filter(request=req))
        ticked = {int(pk) for pk in packed_item_ids}
        changed = [item for item in items if item.packed != (item.pk in ticked)]
        for item in changed:
            item.packed = item.pk in ticked
        ParcelItem.objects.bulk_update(changed, ["packed"])
        missing = [item for item in items if not item.packed]
        if finished and missing:
            raise Invalid(
                _("Tick every item before marking the parcel packed (%(n)d still to pack).")
                % {"n": len(missing)},
                field="items",
            )
        now_packed = not missing
        if finished and req.status == ParcelStatus.REQUESTED:
            req.status = ParcelStatus.PACKED
            req.packed_by_id = actor.staff_ids.get(req.school_id)
            req.packed_at = timezone.now()
            req.save(update_fields=["status", "packed_by", "packed_at", "updated_at"])
            audit_record(actor=actor, action="parcel.packed", target=req)
        elif req.status == ParcelStatus.PACKED and not now_packed:
            # An item taken out again: the parcel is no longer ready to go.
            req.status = ParcelStatus.REQUESTED
            req.packed_at = None
            req.save(update_fields=["status", "packed_at", "updated_at"])
            audit_record(actor=actor, action="parcel.unpacked", target=req)
    return req


def round_plan(
    *,
    actor: Actor,
    school_id: int,
    day: dt.date,
    driver_name: str,
    driver_phone: str,
    staff_contact_id: int,
    request_ids: Collection[int],
    once: uuid.UUID | None = None,
) -> DeliveryRound:
    """Put packed parcels on a volunteer driver's round for a day, the stops in postcode order.

    Two people planning rounds from the same parcels at once: the parcels are locked, and the
    second is told which are already on a round (nothing of theirs is written).
    """
    staff_id = _staff_id(actor, school_id)
    driver_name = driver_name.strip()
    if not driver_name:
        raise Invalid(_("Write the driver's name."), field="driver_name")
    if day < timezone.localdate():
        raise Invalid(_("Choose today or a day to come."), field="day")
    if not staff_contacts(school_id=school_id).filter(pk=staff_contact_id).exists():
        raise Invalid(_("Choose who the driver rings if something is wrong."), field="staff")
    ids = sorted({int(pk) for pk in request_ids})
    if not ids:
        raise Invalid(_("Choose at least one packed parcel."), field="requests")
    if len(ids) > MAX_STOPS:
        raise Invalid(
            _("A round can have at most %(n)d stops.") % {"n": MAX_STOPS}, field="requests"
        )
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This round was already planned."))
        locked = list(
            policy_for(ParcelRequest)
            .visible(actor, ParcelRequest.objects.select_for_update())
            .filter(pk__in=ids, school_id=school_id)
        )
        if len(locked) != len(ids):
            raise NotFound
        taken = [req for req in locked if req.status != ParcelStatus.PACKED or req.round_id]
        if taken:
            raise Invalid(
                _(
                    "%(n)d of the chosen parcels are no longer waiting for a round (planned by "
                    "someone else, or changed). Choose again."
                )
                % {"n": len(taken)},
                field="requests",
            )
        delivery_round = DeliveryRound.objects.create(
            school_id=school_id,
            day=day,
            driver_name=driver_name[:120],
            driver_phone=driver_phone.strip()[:32],
            staff_contact_id=staff_contact_id,
            planned_by_id=staff_id,
            link_nonce=new_nonce(),
        )
        with_pupils = list(
            ParcelRequest.objects.filter(pk__in=ids).prefetch_related(pupils_prefetch())
        )
        found = doors(with_pupils)
        ordered = sorted(with_pupils, key=lambda req: (postcode_key(found[req.pk]), req.pk))
        for number, req in enumerate(ordered, start=1):
            req.round = delivery_round
            req.stop_number = number
            req.status = ParcelStatus.OUT
        ParcelRequest.objects.bulk_update(ordered, ["round", "stop_number", "status"])
        audit_record(
            actor=actor,
            action="parcel.round_plan",
            target=delivery_round,
            detail={"stops": len(ordered), "day": day.isoformat()},
        )
        once_done(claim, round_url(delivery_round.pk))
    return delivery_round


def round_new_link(*, actor: Actor, round_id: int) -> DeliveryRound:
    """A new driver's link; every earlier one stops working (a lost phone, the wrong number)."""
    with transaction.atomic():
        delivery_round = policy_for(DeliveryRound).get(
            actor,
            pk=round_id,
            action="manage",
            queryset=DeliveryRound.objects.select_for_update(),
        )
        delivery_round.link_nonce = new_nonce()
        delivery_round.save(update_fields=["link_nonce"])
        audit_record(actor=actor, action="parcel.round_link", target=delivery_round)
    return delivery_round


def _confirm(
    req: ParcelRequest,
    *,
    actor: Actor,
    delivered: bool,
    note: str,
    by_name: str,
    driver: str = "",
) -> ParcelRequest:
    req.status = ParcelStatus.DELIVERED if delivered else ParcelStatus.NOT_DELIVERED
    req.confirmed_by_id = actor.staff_ids.get(req.school_id)
    req.confirmed_by_name = by_name[:160]
    req.confirmed_at = timezone.now()
    req.confirmation_note = note.strip()[:300]
    req.save(
        update_fields=[
            "status",
            "confirmed_by",
            "confirmed_by_name",
            "confirmed_at",
            "confirmation_note",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="parcel.delivered" if delivered else "parcel.not_delivered",
        target=req,
        detail={"round_id": req.round_id, **({"driver": driver} if driver else {})},
    )
    return req


def parcel_confirm(
    *, actor: Actor, request_id: int, delivered: bool, note: str = ""
) -> ParcelRequest:
    """Staff after the round: delivered or not. Staff may also put right what was said."""
    with transaction.atomic():
        req = _locked(actor, request_id)
        if req.status not in (ParcelStatus.OUT, ParcelStatus.DELIVERED, ParcelStatus.NOT_DELIVERED):
            raise Invalid(_("Only a parcel that went out on a round can be confirmed."))
        staff = actor.user.get_full_name() if actor.user is not None else ""
        return _confirm(req, actor=actor, delivered=delivered, note=note, by_name=staff)


def driver_confirm(
    *,
    delivery_round: DeliveryRound,
    request_id: int,
    delivered: bool,
    note: str = "",
    once: uuid.UUID | None = None,
) -> tuple[ParcelRequest, bool]:
    """The driver's one tap at a door, from their link (no account): (the parcel, changed).

    The driver may change their own answer (a mistaken tap); once staff have confirmed a
    stop, the driver's link no longer changes it.
    """
    driver = system_actor(_("volunteer driver %(name)s") % {"name": delivery_round.driver_name})
    with transaction.atomic():
        req = (
            ParcelRequest.objects.select_for_update()
            .filter(pk=request_id, round_id=delivery_round.pk)
            .first()
        )
        if req is None:
            raise NotFound
        claim = once_claim(once, actor=driver, repeated=_("This stop was already answered."))
        if req.status == ParcelStatus.CANCELLED or req.confirmed_by_id is not None:
            raise Invalid(_("The school has already dealt with this stop."))
        wanted = ParcelStatus.DELIVERED if delivered else ParcelStatus.NOT_DELIVERED
        if req.status == wanted and req.confirmation_note == note.strip()[:300]:
            return req, False
        by_name = _("%(name)s (driver)") % {"name": delivery_round.driver_name}
        _confirm(
            req,
            actor=driver,
            delivered=delivered,
            note=note,
            by_name=by_name,
            driver=delivery_round.driver_name,
        )
        once_done(claim, "")
    return req, True


def parcel_cancel(*, actor: Actor, request_id: int, reason: str = "") -> ParcelRequest:
    """No longer needed (or not wanted): off its round, if it was on one, and closed."""
    with transaction.atomic():
        req = _locked(actor, request_id)
        if req.status in (ParcelStatus.DELIVERED, ParcelStatus.CANCELLED):
            raise Invalid(_("This parcel is already delivered or cancelled."))
        req.status = ParcelStatus.CANCELLED
        req.round = None
        req.stop_number = None
        req.cancel_reason = reason.strip()[:300]
        req.save(update_fields=["status", "round", "stop_number", "cancel_reason", "updated_at"])
        audit_record(actor=actor, action="parcel.cancel", target=req)
    return req
