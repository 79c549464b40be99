"""Who may see an absence report: staff who see reports at its school, and the child's own
parents — a guardian under a contact restriction for the child sees nothing (people/contact.py
says who that is). Roles come from core/capabilities.py only."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import CONFIRM_ABSENCES, SEE_ABSENCE_REPORTS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy
from schoolwindow.people.contact import contactable_links
from schoolwindow.portal.absence.models import AbsenceReport

CONFIRM = "confirm"


class AbsenceReportPolicy(Policy[AbsenceReport]):
    model = AbsenceReport

    def scope(self, actor: Actor) -> Q:
        # A member of staff may also be a parent in the trust: both ways in count.
        scope = Q(school_id__in=actor.schools_where(SEE_ABSENCE_REPORTS))
        if actor.is_guardian:
            children = contactable_links(guardian_id=actor.guardian_id).values("pupil_id")
            scope |= Q(pupil_id__in=children)
        return scope

    def may(self, actor: Actor, action: str, record: AbsenceReport) -> bool:
        if action == CONFIRM:
            return actor.can(CONFIRM_ABSENCES, record.school_id)
        return super().may(actor, action, record)
