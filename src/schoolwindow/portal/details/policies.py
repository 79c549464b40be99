"""Who may see details families sent: staff who review them at the school, and the parent who
sent them — for a child's notes only while the parent may still see that child (a guardian
under a contact restriction sees nothing of the child; people/contact.py says who that is).
A medical note is decided only by staff who may see medical notes. Roles come from
core/capabilities.py only."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import DETAILS_REVIEW, DETAILS_SEE_MEDICAL, DETAILS_SETTINGS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy, register
from schoolwindow.people.contact import contactable_links
from schoolwindow.portal.details.models import (
    DetailsChange,
    DetailsCheck,
    DetailsSettings,
    MedicalAlert,
)

DECIDE = "decide"
CHANGE = "change"


def family_scope(actor: Actor, *, contact_fields: bool) -> Q:
    """A parent's own rows: their contact details, and notes about children they may see."""
    if not actor.is_guardian:
        return Q(pk__in=[])
    children = contactable_links(guardian_id=actor.guardian_id).values("pupil_id")
    mine = Q(guardian_id=actor.guardian_id)
    if contact_fields:
        return mine & (Q(pupil__isnull=True) | Q(pupil_id__in=children))
    return mine & Q(pupil_id__in=children)


class DetailsChangePolicy(Policy[DetailsChange]):
    model = DetailsChange

    def scope(self, actor: Actor) -> Q:
        # A member of staff may also be a parent in the trust: both ways in count.
        return Q(school_id__in=actor.schools_where(DETAILS_REVIEW)) | family_scope(
            actor, contact_fields=True
        )

    def may(self, actor: Actor, action: str, record: DetailsChange) -> bool:
        if action == DECIDE:
            if record.is_medical and not actor.can(DETAILS_SEE_MEDICAL, record.school_id):
                return False
            return actor.can(DETAILS_REVIEW, record.school_id)
        return super().may(actor, action, record)


class DetailsCheckPolicy(Policy[DetailsCheck]):
    model = DetailsCheck

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(DETAILS_REVIEW)) | family_scope(
            actor, contact_fields=False
        )


class DetailsSettingsPolicy(Policy[DetailsSettings]):
    model = DetailsSettings

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(DETAILS_REVIEW))

    def may(self, actor: Actor, action: str, record: DetailsSettings) -> bool:
        if action == CHANGE:
            return actor.can(DETAILS_SETTINGS, record.school_id)
        return super().may(actor, action, record)


class MedicalAlertPolicy(Policy[MedicalAlert]):
    """An alert is for the member of staff it names, while they may see medical notes there."""

    model = MedicalAlert

    def scope(self, actor: Actor) -> Q:
        allowed = set(actor.schools_where(DETAILS_SEE_MEDICAL))
        mine = [staff for school, staff in actor.staff_ids.items() if school in allowed]
        return Q(staff_id__in=mine)


def register_details_policies() -> None:
    register(DetailsChangePolicy())
    register(DetailsCheckPolicy())
    register(DetailsSettingsPolicy())
    register(MedicalAlertPolicy())
