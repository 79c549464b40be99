"""Races on PostgreSQL (SQLite's in-memory test database refuses a second writer instead of
queueing it): two leaders publishing the same run, two workers telling its families, both
parents' taps on "I have read this report" at once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.once import AlreadyDone
from schoolwindow.messaging.models import Message
from schoolwindow.people.actors import actor_for
from schoolwindow.portal.reports import services
from schoolwindow.portal.reports.models import PupilReport, ReportReading
from schoolwindow.portal.reports.selectors import run_pupils
from tests.factories import PupilFactory, guardian_of, staff_member
from tests.portal.conftest import build_portal_world
from tests.portal.reports.conftest import Reports, approved, make_run, make_template

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def at_once(work: list[Callable[[], str]]) -> list[str]:
    barrier = threading.Barrier(len(work))
    results: list[str] = []

    def run(job: Callable[[], str]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(job())
        except AlreadyDone:
            results.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def built() -> Reports:
    world = build_portal_world()
    template = make_template(world)
    return Reports(world=world, template=template, run=make_run(world, template))


def test_two_leaders_publishing_at_once_publish_once() -> None:
    reports = built()
    approved(reports, reports.world.ada)
    approved(reports, reports.world.cara)
    deputy = staff_member(reports.world.oakfield, "leader")
    leaders = [reports.actor("leader"), actor_for(deputy.user)]

    def publish(index: int) -> Callable[[], str]:
        def job() -> str:
            services.run_publish(actor=leaders[index], run_id=reports.run.pk)
            return "published"

        return job

    assert at_once([publish(0), publish(1)]) == ["already", "published"]
    assert AuditEvent.objects.filter(action="reports.published").count() == 1


def test_two_workers_tell_each_family_once() -> None:
    reports = built()
    for n in range(12):
        pupil = PupilFactory(
            school=reports.world.oakfield, legal_first_name=f"P{n}", year_group=reports.world.year7
        )
        guardian_of(pupil, first_name=f"Parent{n}", with_login=False)
    for pupil in run_pupils(reports.run):
        approved(reports, pupil)
    services.run_publish(actor=reports.actor("leader"), run_id=reports.run.pk)
    # The test settings run the worker's task at the commit: as if it had not run yet.
    before = Message.objects.count()
    PupilReport.objects.update(reach="", message_id=None)

    def tell() -> str:
        return str(services.reports_tell(run_id=reports.run.pk, batch=3).told)

    told = at_once([tell, tell])
    assert sum(int(n) for n in told) == 14
    assert Message.objects.count() == before + 14


def test_acknowledging_twice_at_once_counts_once() -> None:
    reports = built()
    approved(reports, reports.world.ada)
    approved(reports, reports.world.cara)
    services.run_publish(actor=reports.actor("leader"), run_id=reports.run.pk)
    report = PupilReport.objects.get(pupil=reports.world.ada)
    parent = reports.actor("parent")

    def acknowledge() -> str:
        services.report_acknowledge(actor=parent, report_id=report.pk)
        return "acknowledged"

    assert at_once([acknowledge, acknowledge]) == ["acknowledged", "already"]
    assert ReportReading.objects.filter(acknowledged_at__isnull=False).count() == 1
