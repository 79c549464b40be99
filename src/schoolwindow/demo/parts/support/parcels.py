"""The demo's care packages and food parcels at the secondary school.

Two packing lists ("Food parcel - family of 4", "Care package - study kit"); a dozen parcels
asked for over the last term by the family liaison officer for families of flagged or
disadvantaged pupils (never one whose only guardian may not be contacted); two delivery rounds
done and confirmed (one stop found nobody in), one planned for the next school day with its
stops out for delivery, one parcel packed and waiting, one still to pack and one cancelled.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.engagement.models import Flag
from schoolwindow.people.contact import contactable_links, restricted_links
from schoolwindow.people.models import Pupil, PupilStatus, Staff
from schoolwindow.support.models import (
    DeliveryRound,
    PackingList,
    ParcelItem,
    ParcelPupil,
    ParcelRequest,
)
from schoolwindow.support.parcels.links import new_nonce
from schoolwindow.support.parcels.models import ParcelStatus

FOOD = [
    ("Pasta 500g", 2),
    ("Rice 1kg", 1),
    ("Tinned tomatoes", 4),
    ("Baked beans", 4),
    ("Cereal", 2),
    ("UHT milk 1l", 4),
    ("Tinned fish", 2),
    ("Fruit", 6),
    ("Toothpaste", 1),
]
CARE = [
    ("Exercise books", 3),
    ("Pens and pencils", 1),
    ("Calculator", 1),
    ("Headphones", 1),
    ("Snacks for the week", 1),
    ("Toiletries", 1),
]
REASONS = [
    "Mum's hours were cut; money is short until the end of the month.",
    "Dad is in hospital and the family are finding the weekly shop hard.",
    "New to the area, waiting for benefits to start.",
    "The family asked at parents' evening whether the school could help.",
    "Rent went up; the family have been skipping meals.",
    "No quiet place or kit for homework; a study kit will help.",
]
DIETS = ["", "", "Halal", "Vegetarian", "No nuts (allergy)", ""]
NOTES = ["", "Ring the side door", "Flat 3, buzzer broken: phone on arrival", "", "Dog in garden"]
DRIVERS = [("Pat Hughes", "07700 900301"), ("Jan Kowal", "07700 900302")]


def staff_of(school_id: int, role: str) -> Staff | None:
    return (
        Staff.objects.filter(school_id=school_id, user__username=LOGIN_USERNAMES[role]).first()
        or Staff.objects.filter(school_id=school_id, roles__role=role, active=True)
        .order_by("pk")
        .first()
    )


def next_school_day(ctx: DemoContext) -> dt.date:
    day = ctx.today + dt.timedelta(days=1)
    while day.weekday() >= 5 or not ctx.calendar.in_term(day):
        day += dt.timedelta(days=1)
        if day > ctx.today + dt.timedelta(days=30):  # a holiday ahead: the next weekday
            day = ctx.today + dt.timedelta(days=1)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            break
    return day


def families(school_id: int, limit: int) -> list[Pupil]:
    """Flagged pupils first, then disadvantaged ones: one pupil per home, each with someone the
    school may contact."""
    flagged = list(
        Flag.objects.filter(school_id=school_id, pupil__status=PupilStatus.ACTIVE)
        .order_by("pk")
        .values_list("pupil_id", flat=True)
    )
    poorer = list(
        Pupil.objects.filter(school_id=school_id, disadvantaged=True, status=PupilStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ordered = list(dict.fromkeys([*flagged, *poorer]))[: limit * 4]
    barred = set(restricted_links(pupil_id__in=ordered).values_list("pupil_id", flat=True))
    reachable = set(contactable_links(pupil_id__in=ordered).values_list("pupil_id", flat=True))
    pupils = Pupil.objects.in_bulk([pid for pid in ordered if pid in reachable - barred])
    chosen: list[Pupil] = []
    homes: set[int] = set()
    for pid in ordered:
        pupil = pupils.get(pid)
        if pupil is None or pupil.household_id is None or pupil.household_id in homes:
            continue
        homes.add(pupil.household_id)
        chosen.append(pupil)
        if len(chosen) == limit:
            break
    return chosen


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def parcels_demo_build(ctx: DemoContext) -> None:
    ctx.say("Parcels: packing lists, a dozen parcels and three delivery rounds…")
    rng = random.Random(1111)
    school = ctx.secondary
    flo, office = staff_of(school.pk, "flo"), staff_of(school.pk, "office")
    if flo is None or office is None:
        return
    food = PackingList.objects.create(
        school=school,
        name="Food parcel - family of 4",
        kind="food",
        items=[{"name": n, "quantity": q} for n, q in FOOD],
    )
    care = PackingList.objects.create(
        school=school,
        name="Care package - study kit",
        kind="care",
        items=[{"name": n, "quantity": q} for n, q in CARE],
    )
    pupils = families(school.pk, 12)
    today = ctx.today
    first_contact = {
        link.pupil_id: link.guardian_id
        for link in contactable_links(pupil_id__in=[p.pk for p in pupils]).order_by(
            "-contact_priority", "-guardian_id"
        )
    }
    # A flagged pupil's parcel answers their flag (the newest), so "did it work?" can use it.
    flags = dict(
        Flag.objects.filter(school=school, pupil_id__in=[p.pk for p in pupils])
        .order_by("opened_on", "pk")
        .values_list("pupil_id", "pk")
    )
    rounds = [
        DeliveryRound.objects.create(
            school=school,
            day=day,
            driver_name=DRIVERS[n % 2][0],
            driver_phone=DRIVERS[n % 2][1],
            staff_contact=flo,
            planned_by=office,
            link_nonce=new_nonce(),
        )
        for n, day in enumerate(
            [today - dt.timedelta(days=33), today - dt.timedelta(days=12), next_school_day(ctx)]
        )
    ]
    # Which parcel goes where: four on the first round, three on the second, two planned.
    plan: list[tuple[DeliveryRound | None, str]] = [
        *((rounds[0], ParcelStatus.DELIVERED) for _ in range(3)),
        (rounds[0], ParcelStatus.NOT_DELIVERED),
        *((rounds[1], ParcelStatus.DELIVERED) for _ in range(3)),
        *((rounds[2], ParcelStatus.OUT) for _ in range(2)),
        (None, ParcelStatus.PACKED),
        (None, ParcelStatus.REQUESTED),
        (None, ParcelStatus.CANCELLED),
    ]
    stop_numbers: dict[int, int] = {}
    made = 0
    for n, (pupil, (delivery_round, status)) in enumerate(zip(pupils, plan, strict=False)):
        packing = care if n % 4 == 3 else food
        asked_on = (
            delivery_round.day - dt.timedelta(days=rng.randrange(3, 9))
            if delivery_round is not None
            else today - dt.timedelta(days=rng.randrange(1, 6))
        )
        stop = None
        if delivery_round is not None:
            stop = stop_numbers[delivery_round.pk] = stop_numbers.get(delivery_round.pk, 0) + 1
        done = status in (ParcelStatus.DELIVERED, ParcelStatus.NOT_DELIVERED)
        by_driver = done and n % 2 == 0
        packed = status not in (ParcelStatus.REQUESTED, ParcelStatus.CANCELLED)
        req = ParcelRequest.objects.create(
            school=school,
            household_id=pupil.household_id,
            contact_id=first_contact.get(pupil.pk),
            flag_id=flags.get(pupil.pk),
            kind=packing.kind,
            packing_list=packing,
            reason=REASONS[n % len(REASONS)],
            dietary_notes=DIETS[n % len(DIETS)] if packing is food else "",
            delivery_notes=NOTES[n % len(NOTES)],
            status=status,
            requested_by=flo,
            packed_by=office if packed else None,
            packed_at=at(asked_on + dt.timedelta(days=1), 15) if packed else None,
            round=delivery_round,
            stop_number=stop,
            confirmed_by=None if by_driver or not done else flo,
            confirmed_by_name=(
                f"{delivery_round.driver_name} (driver)"
                if by_driver and delivery_round is not None
                else (flo.display_name if done else "")
            ),
            confirmed_at=at(delivery_round.day, 17) if done and delivery_round else None,
            confirmation_note=(
                "Nobody in; card left, the family will collect from school"
                if status == ParcelStatus.NOT_DELIVERED
                else ("Thanked us" if done and n % 3 == 0 else "")
            ),
            cancel_reason="The family moved away" if status == ParcelStatus.CANCELLED else "",
        )
        ParcelRequest.objects.filter(pk=req.pk).update(requested_at=at(asked_on, 10))
        ParcelPupil.objects.create(school=school, request=req, pupil=pupil)
        ParcelItem.objects.bulk_create(
            [
                ParcelItem(
                    school=school,
                    request=req,
                    position=i,
                    name=str(item["name"]),
                    quantity=int(item["quantity"]),
                    packed=packed or i < 2,
                )
                for i, item in enumerate(packing.items)
            ]
        )
        made += 1
    ctx.counts["parcels"] = made
    ctx.counts["delivery rounds"] = len(rounds)


PART = DemoPart(name="support.parcels", build=parcels_demo_build, history=True)
