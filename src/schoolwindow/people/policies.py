"""The permission policies of people's records, registered in PeopleConfig.ready()."""

from __future__ import annotations

from django.db.models import CharField, Q
from django.db.models.functions import Cast

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.capabilities import SAFEGUARDING
from schoolwindow.core.errors import Refused
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy, register
from schoolwindow.people.models import Guardian, GuardianLink, Pupil


class PupilPolicy(Policy[Pupil]):
    """Whole-school roles see their school; teachers their classes; advocates their caseload;
    parents their own children (never through a restricted link); pupils themselves; trust
    officers only with pupil access."""

    model = Pupil

    def scope(self, actor: Actor) -> Q:
        return actor.pupil_scope()


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
        return Q(school_id__in=schools) | Q(
            school__isnull=True,
            object_type=Guardian._meta.label,
            object_id__in=guardian_ids,
        )


def register_people_policies() -> None:
    register(PupilPolicy())
    register(AuditEventPolicy())
