"""The demo's loans: the secondary's inventory of about sixty items (laptops, tablets, dongles,
SIM cards, instruments), with items out now, some overdue, some returned damaged, agreements
accepted online, signed on paper and still waiting — and the demo parent's child with a laptop
whose agreement is waiting, so the parent's side can be tried at once.

Rows are written directly with past times (the services stamp "now"), deterministically from a
`random.Random` of the part's own, after messaging so no other part's data moves.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import DEMO_DOMAIN
from schoolwindow.demo.parts import DemoPart
from schoolwindow.people.models import GuardianLink, Pupil, Staff
from schoolwindow.support.loans.agreements import default_agreement
from schoolwindow.support.loans.models import (
    Condition,
    EventKind,
    Item,
    ItemEvent,
    ItemStatus,
    Kind,
    Loan,
)

SEED = 1111
STOCK = [
    (Kind.LAPTOP, "LAP", "Lenovo 100e Gen 4", 26),
    (Kind.TABLET, "TAB", "iPad 10.2in (9th gen)", 10),
    (Kind.DONGLE, "DON", "Huawei E8372 4G", 8),
    (Kind.SIM, "SIM", "Vodafone data SIM", 8),
    (Kind.INSTRUMENT, "INS", "Stentor Student violin 3/4", 5),
    (Kind.OTHER, "KIT", "Graphics calculator Casio fx-CG50", 3),
]


@dataclass(frozen=True)
class LoanCounts:
    items: int
    out: int
    overdue: int
    waiting: int
    returned_damaged: int


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def loans_demo_build(ctx: DemoContext) -> None:
    rng = random.Random(SEED)
    school = ctx.secondary
    today = ctx.today
    office = (
        Staff.objects.filter(school=school, roles__role="office", user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    lender_label = (office.user.get_full_name() if office and office.user else "") or "Office"
    items = []
    for kind, prefix, model, count in STOCK:
        for n in range(1, count + 1):
            items.append(
                Item(
                    school=school,
                    asset_tag=f"{prefix}-{n:03d}",
                    kind=kind,
                    model_name=model,
                    serial=f"{prefix[0]}{rng.randrange(10**7, 10**8)}",
                    condition=Condition.GOOD if rng.random() < 0.8 else Condition.FAIR,
                    data_plan="10 GB a month" if kind in (Kind.DONGLE, Kind.SIM) else "",
                    expires_on=today + dt.timedelta(days=rng.randrange(30, 300))
                    if kind in (Kind.DONGLE, Kind.SIM)
                    else None,
                )
            )
    Item.objects.bulk_create(items)
    items = list(Item.objects.filter(school=school).order_by("asset_tag"))
    # The demo parent's child first, then disadvantaged pupils, the most likely to need kit.
    parent_children = list(
        GuardianLink.objects.filter(
            school=school, guardian__user__username=f"parent@{DEMO_DOMAIN}"
        ).values_list("pupil_id", flat=True)
    )
    needy = list(
        Pupil.objects.filter(school=school, disadvantaged=True)
        .exclude(pk__in=parent_children)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    others = list(
        Pupil.objects.filter(school=school, disadvantaged=False)
        .exclude(pk__in=parent_children)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng.shuffle(needy)
    rng.shuffle(others)
    borrowers = parent_children[:1] + needy[:24] + others[:12]
    first_names = dict(
        GuardianLink.objects.filter(school=school, pupil_id__in=borrowers, contact_priority=1)
        .order_by("pk")
        .values_list("pupil_id", "guardian__first_name")
    )
    last_names = dict(
        GuardianLink.objects.filter(school=school, pupil_id__in=borrowers, contact_priority=1)
        .order_by("pk")
        .values_list("pupil_id", "guardian__last_name")
    )
    lendable = [item for item in items if item.kind != Kind.OTHER]
    out = overdue = waiting = damaged = 0
    loans: list[Loan] = []
    events: list[ItemEvent] = []
    for n, pupil_id in enumerate(borrowers):
        item = lendable[n]
        lent_day = today - dt.timedelta(days=rng.randrange(5, 80))
        due_on = lent_day + dt.timedelta(days=56)
        returned = n >= 28  # the last few came back
        if n in (3, 7, 11, 15, 19):
            due_on = today - dt.timedelta(days=rng.randrange(2, 15))  # overdue
        if not returned and due_on < today:
            due_on = due_on if n in (3, 7, 11, 15, 19) else today + dt.timedelta(days=14)
        loan = Loan(
            school=school,
            item=item,
            pupil_id=pupil_id,
            lent_by=office,
            lent_at=at(lent_day, 10),
            due_on=due_on,
            condition_out=item.condition,
            agreement_text=default_agreement(item.kind),
        )
        # The demo parent's child and every fourth loan: the agreement is still waiting.
        if n == 0 or (n % 4 == 1 and not returned):
            loan.agreement_reminded_at = at(lent_day, 10)
            loan.agreement_reminders = 1 if n % 8 == 1 else 0
            waiting += not returned
        elif n % 5 == 2:
            loan.paper_signed_on = lent_day + dt.timedelta(days=1)
            loan.paper_recorded_by = office
        else:
            loan.accepted_at = at(lent_day + dt.timedelta(days=1), 19)
            typed = f"{first_names.get(pupil_id, 'Parent')} {last_names.get(pupil_id, '')}"
            loan.accepted_name = typed.strip()
        if returned:
            back = min(today - dt.timedelta(days=1), due_on)
            loan.returned_at = at(back, 15)
            loan.returned_to = office
            loan.condition_in = Condition.DAMAGED if n % 3 == 0 else Condition.GOOD
            if n == 31:
                loan.condition_in = Condition.BROKEN
                loan.notes_in = "Screen cracked across the middle; it still starts."
            damaged += loan.condition_in in (Condition.DAMAGED, Condition.BROKEN)
            item.status = (
                ItemStatus.IN_REPAIR
                if loan.condition_in in (Condition.DAMAGED, Condition.BROKEN)
                else ItemStatus.AVAILABLE
            )
            item.condition = loan.condition_in
        else:
            item.status = ItemStatus.ON_LOAN
            out += 1
            overdue += due_on < today
        loans.append(loan)
    Loan.objects.bulk_create(loans)
    for loan in Loan.objects.filter(school=school).select_related("item"):
        events.append(
            ItemEvent(
                school=school,
                item=loan.item,
                loan=loan,
                pupil_id=loan.pupil_id,
                kind=EventKind.LENT,
                at=loan.lent_at,
                by_label=lender_label,
                condition=loan.condition_out,
            )
        )
        if loan.accepted_at:
            events.append(
                ItemEvent(
                    school=school,
                    item=loan.item,
                    loan=loan,
                    pupil_id=loan.pupil_id,
                    kind=EventKind.AGREED,
                    at=loan.accepted_at,
                    by_label=loan.accepted_name,
                    note=loan.accepted_name,
                )
            )
        if loan.returned_at:
            events.append(
                ItemEvent(
                    school=school,
                    item=loan.item,
                    loan=loan,
                    pupil_id=loan.pupil_id,
                    kind=EventKind.RETURNED,
                    at=loan.returned_at,
                    by_label=lender_label,
                    condition=loan.condition_in,
                    note=loan.notes_in,
                )
            )
    ItemEvent.objects.bulk_create(events)
    Item.objects.bulk_update(items, ["status", "condition"])
    ctx.counts["loans"] = LoanCounts(
        items=len(items), out=out, overdue=overdue, waiting=waiting, returned_damaged=damaged
    )
    ctx.say(
        f"  loans: {len(items)} items, {out} out ({overdue} overdue, {waiting} agreements "
        f"waiting), {damaged} returned damaged"
    )


PART = DemoPart(name="support.loans", build=loans_demo_build, history=True)
