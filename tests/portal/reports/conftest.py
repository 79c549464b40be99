"""Progress reports in the portal's world (tests/portal/conftest.py): Oakfield's Year 7 run.

Ada (7R, taught by the teacher) and Cara (7S) are in it. Maria is Ada's mother; Piotr, Ada's
father, is under a contact restriction and has a log-in; Carol is Cara's mother."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from schoolwindow.core.permissions import Actor
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Pupil
from schoolwindow.portal.reports import services
from schoolwindow.portal.reports.models import PupilReport, ReportRun, ReportTemplate
from tests.pages.conftest import World
from tests.portal.conftest import build_portal_world

SUBJECTS = ["English", "Maths", "Science"]


@dataclass
class Reports:
    world: World
    template: ReportTemplate
    run: ReportRun

    def actor(self, role: str) -> Actor:
        user = self.world.user(role) if role != "restricted" else self.world.piotr.user
        assert user is not None
        return actor_for(user)


def full_lines(template: ReportTemplate, comment: str = "Works hard.") -> dict[str, Any]:
    return {s: {"attainment": 2, "effort": 3, "comment": comment} for s in template.subjects}


def make_template(world: World, name: str = "Key Stage 3") -> ReportTemplate:
    return ReportTemplate.objects.create(
        school=world.oakfield,
        name=name,
        subjects=SUBJECTS,
        attainment_scale=["Working towards", "Expected", "Beyond"],
        effort_scale=["Needs to try harder", "Good", "Excellent"],
    )


def make_run(world: World, template: ReportTemplate, name: str = "Autumn 1") -> ReportRun:
    today = timezone.localdate()
    run = ReportRun.objects.create(
        school=world.oakfield,
        template=template,
        name=name,
        writing_opens=today - dt.timedelta(days=7),
        writing_closes=today + dt.timedelta(days=7),
        publish_on=today + dt.timedelta(days=10),
    )
    run.year_groups.set([world.year7])
    return run


def approved(reports: Reports, pupil: Pupil, comment: str = "A good half-term.") -> PupilReport:
    leader = reports.actor("leader")
    report = services.report_save(
        actor=leader,
        run_id=reports.run.pk,
        pupil_id=pupil.pk,
        lines=full_lines(reports.template),
        general_comment=comment,
        submit=True,
    )
    return services.report_approve(actor=leader, report_id=report.pk)


def published(reports: Reports) -> PupilReport:
    """Both pupils approved and the run published; Ada's report."""
    approved(reports, reports.world.ada)
    approved(reports, reports.world.cara)
    services.run_publish(actor=reports.actor("leader"), run_id=reports.run.pk)
    services.reports_tell(run_id=reports.run.pk)  # the worker's part, after the commit
    return PupilReport.objects.get(run=reports.run, pupil=reports.world.ada)


@pytest.fixture
def reports(db: None) -> Reports:
    world = build_portal_world()
    template = make_template(world)
    return Reports(world=world, template=template, run=make_run(world, template))
