"""Who may see the needs records: the school's staff who see needs (SEE_NEEDS)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from schoolwindow.core.capabilities import CHANGE_NEED_RULES, SEE_NEEDS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy
from schoolwindow.support.needs.models import NeedMet, NeedRule


class NeedMetPolicy(Policy[NeedMet]):
    model = NeedMet

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(SEE_NEEDS))

    def may(self, actor: Actor, action: str, record: Any) -> bool:
        return actor.can(SEE_NEEDS, record.school_id)


class NeedRulePolicy(Policy[NeedRule]):
    model = NeedRule

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(SEE_NEEDS))

    def may(self, actor: Actor, action: str, record: Any) -> bool:
        return actor.can(CHANGE_NEED_RULES, record.school_id)


def needs_policies() -> list[Policy[Any]]:
    return [NeedMetPolicy(), NeedRulePolicy()]
