"""Who may see and do what with progress reports. Staff: teachers write the reports of the
pupils they may see (people's pupil policy decides: their classes), leaders every report of
their school and they alone approve, publish and resend. Families: the published reports of
their own children — a guardian under a contact restriction for the child sees nothing
(people/contact.py says who that is). Roles come from core/capabilities.py only."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import REPORTS_MANAGE, REPORTS_WRITE
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy, policy_for
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Pupil
from schoolwindow.portal.reports.models import PupilReport, ReportRun, ReportTemplate

MANAGE = "manage"
WRITE = "write"


class ReportTemplatePolicy(Policy[ReportTemplate]):
    model = ReportTemplate

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(REPORTS_WRITE))

    def may(self, actor: Actor, action: str, record: ReportTemplate) -> bool:
        if action == MANAGE:
            return actor.can(REPORTS_MANAGE, record.school_id)
        return super().may(actor, action, record)


class ReportRunPolicy(Policy[ReportRun]):
    model = ReportRun

    def scope(self, actor: Actor) -> Q:
        return Q(school_id__in=actor.schools_where(REPORTS_WRITE))

    def may(self, actor: Actor, action: str, record: ReportRun) -> bool:
        if action == MANAGE:
            return actor.can(REPORTS_MANAGE, record.school_id)
        return super().may(actor, action, record)


class PupilReportPolicy(Policy[PupilReport]):
    model = PupilReport

    def scope(self, actor: Actor) -> Q:
        # A member of staff may also be a parent in the trust: both ways in count.
        scope = Q(school_id__in=actor.schools_where(REPORTS_MANAGE))
        writing = actor.schools_where(REPORTS_WRITE)
        if writing:
            pupils = policy_for(Pupil).visible(actor).values("pk")
            scope |= Q(school_id__in=writing, pupil_id__in=pupils)
        if actor.is_guardian:
            children = contactable_links(guardian_id=actor.guardian_id).values("pupil_id")
            scope |= Q(pupil_id__in=children, published_at__isnull=False)
        return scope

    def may(self, actor: Actor, action: str, record: PupilReport) -> bool:
        if action == WRITE:
            return actor.can(REPORTS_WRITE, record.school_id)
        if action == MANAGE:
            return actor.can(REPORTS_MANAGE, record.school_id)
        return super().may(actor, action, record)
