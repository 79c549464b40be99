"""Who may see and handle parcels: staff with MANAGE_PARCELS at the parcel's school, nobody else
(a family is never shown the request, its reason or the round). Roles come from
core/capabilities.py only."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import MANAGE_PARCELS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy
from schoolwindow.support.parcels.models import DeliveryRound, PackingList, ParcelRequest

MANAGE = "manage"


class ParcelRequestPolicy(Policy[ParcelRequest]):
    model = ParcelRequest

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(MANAGE_PARCELS))

    def may(self, actor: Actor, action: str, record: ParcelRequest) -> bool:
        # Whoever sees a parcel may handle it: asking, packing and delivering are one team's.
        return actor.can(MANAGE_PARCELS, record.school_id)


class DeliveryRoundPolicy(Policy[DeliveryRound]):
    model = DeliveryRound

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(MANAGE_PARCELS))

    def may(self, actor: Actor, action: str, record: DeliveryRound) -> bool:
        return actor.can(MANAGE_PARCELS, record.school_id)


class PackingListPolicy(Policy[PackingList]):
    model = PackingList

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(MANAGE_PARCELS))

    def may(self, actor: Actor, action: str, record: PackingList) -> bool:
        return actor.can(MANAGE_PARCELS, record.school_id)
