"""Who may see and change calls, referrals and the help linked to a flag. Roles come from
core/capabilities.py only; the pupil policy decides which pupils (an advocate: their caseload)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from schoolwindow.core.capabilities import SUPPORT_ACTIONS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import VIEW, Policy, policy_for
from schoolwindow.people.models import Pupil
from schoolwindow.support.actions.models import FlagLink, SupportAction

CHANGE = "change"  # status, outcome, due date, owner


def _pupils_q(actor: Actor, path: str) -> Q:
    schools = actor.schools_where(SUPPORT_ACTIONS)
    if not schools:
        return Q(pk__in=[])
    # A subquery: the pupil policy's joins never repeat a row here.
    pupils = policy_for(Pupil).visible(actor).filter(school_id__in=schools).values("pk")
    return Q(school_id__in=schools, **{f"{path}__in": pupils})


class SupportActionPolicy(Policy[SupportAction]):
    model = SupportAction

    def scope(self, actor: Actor) -> Q:
        return _pupils_q(actor, "pupil_id")

    def may(self, actor: Actor, action: str, record: Any) -> bool:
        if action in (VIEW, CHANGE):
            return actor.can(SUPPORT_ACTIONS, record.school_id)
        return False


class FlagLinkPolicy(Policy[FlagLink]):
    model = FlagLink

    def scope(self, actor: Actor) -> Q:
        return _pupils_q(actor, "flag__pupil_id")


def actions_policies() -> list[Policy[Any]]:
    return [SupportActionPolicy(), FlagLinkPolicy()]
