"""Who may see and change advocacy records: the school's pastoral leaders (MANAGE_ADVOCACY) at
their schools, and an advocate the contacts they made themselves."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from schoolwindow.core.capabilities import MANAGE_ADVOCACY
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy
from schoolwindow.support.advocates.models import (
    AdvocacySettings,
    AdvocateContact,
    CaseloadLimit,
    PupilCadence,
    VulnerableDesignation,
)


class ManagedBySchoolPolicy(Policy[Any]):
    """Records only the school's managers of advocacy see and change."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(MANAGE_ADVOCACY))

    def may(self, actor: Actor, action: str, record: Any) -> bool:
        return actor.can(MANAGE_ADVOCACY, record.school_id)


class AdvocateContactPolicy(Policy[AdvocateContact]):
    model = AdvocateContact

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(MANAGE_ADVOCACY)) | Q(
            staff_id__in=list(actor.staff_ids.values())
        )


def advocacy_policies() -> list[Policy[Any]]:
    return [
        AdvocateContactPolicy(),
        ManagedBySchoolPolicy(VulnerableDesignation),
        ManagedBySchoolPolicy(AdvocacySettings),
        ManagedBySchoolPolicy(CaseloadLimit),
        ManagedBySchoolPolicy(PupilCadence),
    ]
