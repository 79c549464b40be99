"""Reads on kit and loans: querysets scoped by the policies, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from schoolwindow.core.capabilities import IMPORT_LOAN_INVENTORY, MANAGE_LOANS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.models import Pupil
from schoolwindow.people.selectors import pupil_name_query
from schoolwindow.schools.models import School
from schoolwindow.support.loans.models import Item, ItemEvent, ItemStatus, Kind, Loan
from schoolwindow.support.loans.services import tag_clean


def may_manage_loans(actor: Actor) -> bool:
    return actor.can_anywhere(MANAGE_LOANS)


def may_import_inventory(actor: Actor) -> bool:
    return actor.can_anywhere(IMPORT_LOAN_INVENTORY)


def loan_schools(actor: Actor) -> list[School]:
    return list(School.objects.filter(pk__in=actor.schools_where(MANAGE_LOANS)).order_by("name"))


def import_schools(actor: Actor) -> list[School]:
    return list(
        School.objects.filter(pk__in=actor.schools_where(IMPORT_LOAN_INVENTORY)).order_by("name")
    )


def open_loans_prefetch() -> Prefetch[str, QuerySet[Loan], str]:
    return Prefetch(
        "loans",
        queryset=Loan.objects.filter(returned_at__isnull=True).select_related("pupil"),
        to_attr="open_loans",
    )


def inventory_list(
    *, actor: Actor, query: str = "", kind: str = "", status: str = ""
) -> QuerySet[Item]:
    items = policy_for(Item).visible(actor)
    if query:
        words = query.split()
        match = Q(asset_tag__icontains=tag_clean(query)) | Q(serial__iexact=query.strip())
        by_model = Q()
        for word in words:
            by_model &= Q(model_name__icontains=word)
        items = items.filter(match | by_model)
    if kind in Kind.values:
        items = items.filter(kind=kind)
    if status in ItemStatus.values:
        items = items.filter(status=status)
    return items.prefetch_related(open_loans_prefetch()).order_by("asset_tag", "id")


def item_by_tag(*, actor: Actor, query: str) -> Item | None:
    """The one item whose tag is exactly what was typed (a label read aloud or scanned)."""
    tag = tag_clean(query)
    if not tag:
        return None
    found = list(policy_for(Item).visible(actor).filter(asset_tag=tag)[:2])
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class StockRow:
    kind: str
    label: str
    available: int
    on_loan: int
    in_repair: int
    gone: int  # lost or retired

    @property
    def total(self) -> int:
        return self.available + self.on_loan + self.in_repair + self.gone


def stock_levels(*, actor: Actor) -> list[StockRow]:
    """One grouped query: how many of each kind are in, out, in repair, lost or retired."""
    counts: dict[tuple[str, str], int] = {
        (row["kind"], row["status"]): row["n"]
        for row in policy_for(Item)
        .visible(actor)
        .values("kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = []
    for kind in Kind:
        row = StockRow(
            kind=kind.value,
            label=str(kind.label),
            available=counts.get((kind, ItemStatus.AVAILABLE), 0),
            on_loan=counts.get((kind, ItemStatus.ON_LOAN), 0),
            in_repair=counts.get((kind, ItemStatus.IN_REPAIR), 0),
            gone=counts.get((kind, ItemStatus.LOST), 0) + counts.get((kind, ItemStatus.RETIRED), 0),
        )
        if row.total:
            rows.append(row)
    return rows


def item_get(*, actor: Actor, item_id: int) -> Item:
    return policy_for(Item).get(
        actor,
        pk=item_id,
        queryset=Item.objects.select_related("school").prefetch_related(open_loans_prefetch()),
    )


def item_history(*, item: Item) -> QuerySet[ItemEvent]:
    return (
        ItemEvent.objects.filter(item=item).select_related("pupil", "loan").order_by("-at", "-id")
    )


class LoanState:
    OPEN = "open"
    OVERDUE = "overdue"
    WAITING = "waiting"
    RETURNED = "returned"
    DAMAGED = "damaged"
    ALL = "all"


def loans_list(*, actor: Actor, state: str = LoanState.OPEN, query: str = "") -> QuerySet[Loan]:
    """The loans of the actor's schools: open, overdue, agreement waiting, returned, damaged."""
    loans = policy_for(Loan).visible(actor).filter(school_id__in=actor.schools_where(MANAGE_LOANS))
    today = timezone.localdate()
    if state == LoanState.OPEN:
        loans = loans.filter(returned_at__isnull=True)
    elif state == LoanState.OVERDUE:
        loans = loans.filter(returned_at__isnull=True, due_on__lt=today)
    elif state == LoanState.WAITING:
        loans = loans.filter(
            returned_at__isnull=True, accepted_at__isnull=True, paper_signed_on__isnull=True
        )
    elif state == LoanState.RETURNED:
        loans = loans.filter(returned_at__isnull=False)
    elif state == LoanState.DAMAGED:
        loans = loans.filter(returned_at__isnull=False, condition_in__in=["damaged", "broken"])
    if query:
        loans = loans.filter(
            Q(item__asset_tag__icontains=tag_clean(query))
            | Q(pupil__in=Pupil.objects.filter(pupil_name_query(query)).values("pk"))
        )
    order = (
        ("due_on", "id") if state in (LoanState.OPEN, LoanState.OVERDUE) else ("-lent_at", "-id")
    )
    return loans.select_related("item", "pupil", "pupil__year_group").order_by(*order)


def loan_get(*, actor: Actor, loan_id: int) -> Loan:
    return policy_for(Loan).get(
        actor,
        pk=loan_id,
        queryset=Loan.objects.select_related(
            "item", "pupil", "lent_by", "returned_to", "accepted_by", "paper_recorded_by"
        ),
    )


def pupil_loans_open(*, actor: Actor, pupil: Pupil) -> list[Loan]:
    """Items out with a pupil, for the pupil page (which already checked the pupil is seen)."""
    return list(
        Loan.objects.filter(pupil=pupil, returned_at__isnull=True)
        .select_related("item")
        .order_by("due_on", "id")
    )


def pupil_loan_history(*, actor: Actor, pupil_id: int) -> tuple[Pupil, QuerySet[Loan]]:
    pupil = policy_for(Pupil).get(actor, pk=pupil_id)
    loans = (
        policy_for(Loan)
        .visible(actor)
        .filter(pupil=pupil)
        .select_related("item")
        .order_by("-lent_at", "-id")
    )
    return pupil, loans


def guardian_loans(*, actor: Actor) -> QuerySet[Loan]:
    """A parent's own children's loans (the loan policy goes through the pupil policy)."""
    if actor.guardian_id is None:
        return Loan.objects.none()
    return (
        policy_for(Loan)
        .visible(actor)
        .select_related("item", "pupil")
        .order_by("returned_at", "-lent_at", "-id")
    )


@dataclass(frozen=True)
class LoansAtAGlance:
    overdue: int
    waiting: int
    first_overdue: list[Loan]


def loans_at_a_glance(*, actor: Actor, today: dt.date, top: int) -> LoansAtAGlance:
    open_loans = (
        policy_for(Loan)
        .visible(actor)
        .filter(school_id__in=actor.schools_where(MANAGE_LOANS), returned_at__isnull=True)
    )
    figures = open_loans.aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)),
        waiting=Count("id", filter=Q(accepted_at__isnull=True, paper_signed_on__isnull=True)),
    )
    first = list(
        open_loans.filter(due_on__lt=today).select_related("item", "pupil").order_by("due_on")[:top]
    )
    return LoansAtAGlance(
        overdue=figures["overdue"] or 0, waiting=figures["waiting"] or 0, first_overdue=first
    )
