"""Who may see a consent request: staff who manage consent at its school, and parents asked
about one of their children — a holder of parental responsibility the school may contact
(people/contact.py decides; a guardian under a contact restriction for the child is never
asked and sees nothing). Roles come from core/capabilities.py only."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import CONSENT_MANAGE, CONSENT_RECORD
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy
from schoolwindow.people.contact import contactable_links
from schoolwindow.portal.consent.models import ConsentPupil, ConsentRequest

MANAGE = "manage"
RECORD = "record"


def askable_children(guardian_id: int | None) -> Q:
    """Pupil ids this guardian is asked about: parental responsibility, not restricted."""
    return Q(
        pupil_id__in=contactable_links(
            guardian_id=guardian_id or 0, parental_responsibility=True
        ).values("pupil_id")
    )


class ConsentRequestPolicy(Policy[ConsentRequest]):
    model = ConsentRequest

    def scope(self, actor: Actor) -> Q:
        scope = Q(school_id__in=actor.schools_where(CONSENT_MANAGE))
        if actor.is_guardian:
            asked = ConsentPupil.objects.filter(askable_children(actor.guardian_id))
            scope |= Q(pk__in=asked.values("request_id"))
        return scope

    def may(self, actor: Actor, action: str, record: ConsentRequest) -> bool:
        if action == MANAGE:
            return actor.can(CONSENT_MANAGE, record.school_id)
        if action == RECORD:
            return actor.can(CONSENT_RECORD, record.school_id)
        return super().may(actor, action, record)
