"""Who may see and act on kit and loans, asked by capability (core/capabilities.py)."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import IMPORT_LOAN_INVENTORY, MANAGE_LOANS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import VIEW, Policy, policy_for, register
from schoolwindow.people.models import Pupil
from schoolwindow.support.loans.models import Item, Loan

MANAGE = "manage"
IMPORT = "import"
ACCEPT = "accept"


class ItemPolicy(Policy[Item]):
    """The inventory belongs to the staff who lend: office, leaders, pastoral, family liaison."""

    model = Item

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(MANAGE_LOANS))

    def may(self, actor: Actor, action: str, record: Item) -> bool:
        if action in (VIEW, MANAGE):
            return actor.can(MANAGE_LOANS, record.school_id)
        if action == IMPORT:
            return actor.can(IMPORT_LOAN_INVENTORY, record.school_id)
        return False


class LoanPolicy(Policy[Loan]):
    """Lending staff see their school's loans; a parent sees the loans of their own children
    (through the pupil policy, so a contact restriction hides them too) and may accept the
    agreement; nobody else."""

    model = Loan

    def scope(self, actor: Actor) -> Q:
        scope = Q(school_id__in=actor.schools_where(MANAGE_LOANS))
        if actor.guardian_id is not None:
            children = policy_for(Pupil).visible(actor).values("pk")
            scope |= Q(pupil_id__in=children)
        return scope

    def may(self, actor: Actor, action: str, record: Loan) -> bool:
        staff = actor.can(MANAGE_LOANS, record.school_id)
        if action in (VIEW, MANAGE):
            return staff if action == MANAGE else True
        if action == ACCEPT:
            return actor.guardian_id is not None and not staff
        return False


def register_loans_policies() -> None:
    register(ItemPolicy())
    register(LoanPolicy())
