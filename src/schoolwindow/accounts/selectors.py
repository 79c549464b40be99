from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.models import AdvocateAssignment, Pupil, PupilStatus, TeachingAssignment
from schoolwindow.schools.models import School


def home_context(*, actor: Actor) -> dict[str, Any]:
    """What the staff home page shows: my schools, my classes, my caseload."""
    schools = (
        School.objects.filter(pk__in=actor.school_ids)
        .annotate(on_roll=Count("pupils", filter=Q(pupils__status=PupilStatus.ACTIVE)))
        .order_by("name")
    )
    staff_ids = list(actor.staff_ids.values())
    my_groups = (
        TeachingAssignment.objects.filter(staff_id__in=staff_ids, group__active=True)
        .select_related("group", "group__school")
        .annotate(size=Count("group__enrolments", filter=Q(group__enrolments__active=True)))
        .order_by("group__school__name", "group__name")
    )
    caseload = (
        AdvocateAssignment.objects.filter(staff_id__in=staff_ids, ended__isnull=True)
        .select_related("pupil", "pupil__year_group")
        .order_by("pupil__legal_last_name")
    )
    school_roles = [(school, sorted(actor.roles_at(school.pk))) for school in schools]
    trust_schools = (
        School.objects.filter(trust_id__in=actor.trust_ids)
        .annotate(on_roll=Count("pupils", filter=Q(pupils__status=PupilStatus.ACTIVE)))
        .order_by("name")
        if actor.is_trust_officer
        else School.objects.none()
    )
    return {
        "school_roles": school_roles,
        "my_groups": list(my_groups),
        "caseload": list(caseload),
        "trust_schools": list(trust_schools),
        "visible_pupils": policy_for(Pupil).visible(actor).distinct().count()
        if actor.is_staff_member
        else 0,
    }
