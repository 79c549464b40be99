"""Who may see and change home visits. Roles come from core/capabilities.py only."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from schoolwindow.core.capabilities import PLAN_HOME_VISITS, SEE_CASELOAD_VISITS
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import VIEW, Policy
from schoolwindow.people.contact import contactable
from schoolwindow.support.visits.models import HomeVisit

# Actions besides "view".
CHANGE = "change"  # reschedule, cancel, the family's answer
RECORD = "record"  # write what happened on the day
ANSWER = "answer"  # the family agrees or declines online


class HomeVisitPolicy(Policy[HomeVisit]):
    """Visit planners see every visit of their school; staff see the visits they go on;
    advocates the visits of their caseload; a parent the visits to their own children's home
    (never through a restricted link)."""

    model = HomeVisit

    def scope(self, actor: Actor) -> Q:
        scope = Q(pk__in=[])
        planners = actor.schools_where(PLAN_HOME_VISITS)
        if planners:
            scope |= Q(school_id__in=planners)
        staff_ids = list(actor.staff_ids.values())
        if staff_ids:
            scope |= Q(lead_id__in=staff_ids) | Q(second_id__in=staff_ids)
        advocating = actor.schools_where(SEE_CASELOAD_VISITS)
        if advocating:
            scope |= Q(
                school_id__in=advocating,
                pupil__advocacies__staff_id__in=[actor.staff_ids[sid] for sid in advocating],
                pupil__advocacies__ended__isnull=True,
            )
        if actor.guardian_id is not None:
            scope |= Q(pupil__guardian_links__guardian_id=actor.guardian_id) & contactable(
                "pupil__guardian_links__"
            )
        return scope

    def visible(
        self, actor: Actor, queryset: QuerySet[HomeVisit] | None = None
    ) -> QuerySet[HomeVisit]:
        # The joins through links and advocacies can repeat a visit.
        return super().visible(actor, queryset).distinct()

    def may(self, actor: Actor, action: str, record: HomeVisit) -> bool:
        if action == VIEW:
            return True
        staff_id = actor.staff_ids.get(record.school_id)
        on_visit = staff_id is not None and staff_id in (record.lead_id, record.second_id)
        if action == CHANGE:
            return actor.can(PLAN_HOME_VISITS, record.school_id)
        if action == RECORD:
            return actor.can(PLAN_HOME_VISITS, record.school_id) or on_visit
        if action == ANSWER:
            return actor.is_guardian
        return False
