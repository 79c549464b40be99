"""The permission policies of people's records, registered in PeopleConfig.ready()."""

from __future__ import annotations

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.capabilities import (
    SAFEGUARDING,
    SEE_CASELOAD,
    SEE_OWN_CLASSES,
    SEE_WHOLE_SCHOOL,
)
from schoolwindow.core.errors import Refused
from schoolwindow.core.models import User
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy, register
from schoolwindow.people.contact import contactable
from schoolwindow.people.models import Guardian, GuardianLink, Pupil, Staff


class PupilPolicy(Policy[Pupil]):
    """Whole-school roles see their school; teachers their classes; advocates their caseload;
    parents their own children (never through a restricted link); pupils themselves; trust
    officers only with pupil access."""

    model = Pupil

    def scope(self, actor: Actor) -> Q:
        scope = Q(pk__in=[])
        whole = actor.schools_where(SEE_WHOLE_SCHOOL)
        if whole:
            scope |= Q(school_id__in=whole)
        teaching = [sid for sid in actor.schools_where(SEE_OWN_CLASSES) if sid not in whole]
        if teaching:
            staff = [actor.staff_ids[sid] for sid in teaching]
            scope |= Q(
                school_id__in=teaching,
                enrolments__active=True,
                enrolments__group__teaching_assignments__staff_id__in=staff,
            )
        advocating = [sid for sid in actor.schools_where(SEE_CASELOAD) if sid not in whole]
        if advocating:
            staff = [actor.staff_ids[sid] for sid in advocating]
            scope |= Q(
                school_id__in=advocating,
                advocacies__staff_id__in=staff,
                advocacies__ended__isnull=True,
            )
        if actor.trust_pupil_access:
            scope |= Q(school__trust_id__in=actor.trust_pupil_access)
        if actor.guardian_id is not None:
            # A guardian under a contact restriction for a child does not see that child.
            scope |= Q(guardian_links__guardian_id=actor.guardian_id) & contactable(
                "guardian_links__"
            )
        if actor.pupil_id is not None:
            scope |= Q(pk=actor.pupil_id)
        return scope


class AuditEventPolicy(Policy[AuditEvent]):
    """The DSL reads the audit log of their schools.

    It lives here, not in `audit`, because guardians belong to the trust: their events carry no
    school and are matched through the guardian's links to pupils of the DSL's schools.
    """

    model = AuditEvent

    def scope(self, actor: Actor) -> Q:
        schools = actor.schools_where(SAFEGUARDING)
        if not schools:
            raise Refused
        guardian_ids = (
            GuardianLink.objects.filter(school_id__in=schools)
            .annotate(guardian_key=Cast("guardian_id", CharField()))
            .values("guardian_key")
        )
        # Sign-in events are about a log-in, which belongs to no school: the DSL sees those of
        # their schools' staff and of the parents linked to their pupils.
        staff_users = (
            Staff.objects.filter(school_id__in=schools, user__isnull=False)
            .annotate(user_key=Cast("user_id", CharField()))
            .values("user_key")
        )
        parent_users = (
            GuardianLink.objects.filter(school_id__in=schools, guardian__user__isnull=False)
            .annotate(user_key=Cast("guardian__user_id", CharField()))
            .values("user_key")
        )
        return (
            Q(school_id__in=schools)
            | Q(
                school__isnull=True,
                object_type=Guardian._meta.label,
                object_id__in=guardian_ids,
            )
            | Q(school__isnull=True, object_type=User._meta.label, object_id__in=staff_users)
            | Q(school__isnull=True, object_type=User._meta.label, object_id__in=parent_users)
        )


def register_people_policies() -> None:
    register(PupilPolicy())
    register(AuditEventPolicy())
