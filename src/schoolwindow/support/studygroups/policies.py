"""Who sees a study group: staff who may lead groups see those they lead, and those who see the
whole school every group of it; a pupil sees the groups they belong to, nobody else's."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import LEAD_STUDY_GROUPS, SEE_WHOLE_SCHOOL
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import VIEW, Policy
from schoolwindow.support.studygroups.models import StudyGroup, StudyGroupMember


def whole_school_ids(actor: Actor) -> list[int]:
    see_all = set(actor.schools_where(SEE_WHOLE_SCHOOL))
    return [sid for sid in actor.schools_where(LEAD_STUDY_GROUPS) if sid in see_all]


class StudyGroupPolicy(Policy[StudyGroup]):
    model = StudyGroup

    def scope(self, actor: Actor) -> Q:
        found = Q(school_id__in=whole_school_ids(actor)) | Q(
            lead_id__in=list(actor.staff_ids.values())
        )
        if actor.pupil_id is not None:
            # A subquery, so a pupil's groups never come back twice through the join.
            mine = StudyGroupMember.objects.filter(pupil_id=actor.pupil_id).values("group_id")
            found |= Q(pk__in=mine, active=True)
        return found

    def may(self, actor: Actor, action: str, record: StudyGroup) -> bool:
        if action == VIEW:
            return True
        # Changing a group (adding members) is for its lead and the school's managers.
        return record.lead_id in actor.staff_ids.values() or record.school_id in whole_school_ids(
            actor
        )
