"""The parent's home: the "Reports" section for the child shown, and a report to read and
acknowledge among the things waiting — each in one query whatever the number of reports."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schoolwindow.core.panels import PARENT_HOME, PARENT_WAITING, ParentHomeSubject
from schoolwindow.portal.reports import services
from schoolwindow.portal.reports.models import PupilReport
from tests.portal.reports.conftest import Reports, make_run, published


def subject(reports: Reports) -> ParentHomeSubject:
    world = reports.world
    return ParentHomeSubject(
        child=world.ada,
        children=[world.ada, world.ben],
        guardian_id=world.maria.pk,
        today=timezone.localdate(),
    )


def test_nothing_is_shown_before_a_report_is_published(reports: Reports) -> None:
    actor = reports.actor("parent")
    shown = PARENT_HOME.shown(actor=actor, subject=subject(reports), mode="guardian")
    assert [panel.name for panel in shown if panel.name == "reports"] == []
    items = PARENT_WAITING.items(actor=actor, subject=subject(reports))
    assert not [item for item in items if "report" in str(item.text)]


def test_the_latest_report_and_the_waiting_item_until_acknowledged(reports: Reports) -> None:
    report = published(reports)
    actor = reports.actor("parent")
    from schoolwindow.portal.reports.home import parent_reports_section, parent_reports_waiting

    with CaptureQueriesContext(connection) as captured:
        section = parent_reports_section(actor, subject(reports))
    assert len(captured) == 1
    assert section is not None and section["report"].pk == report.pk
    with CaptureQueriesContext(connection) as captured:
        waiting = parent_reports_waiting(actor, subject(reports))
    assert len(captured) == 1
    assert [str(item.text) for item in waiting] == [
        f"Read and acknowledge {reports.world.ada.display_name}'s report"
    ]
    services.report_acknowledge(actor=actor, report_id=report.pk)
    assert parent_reports_waiting(actor, subject(reports)) == []
    assert parent_reports_section(actor, subject(reports)) is not None


def test_the_waiting_list_costs_one_query_for_many_reports(reports: Reports) -> None:
    published(reports)
    for n in range(5):
        run = make_run(reports.world, reports.template, name=f"Extra {n}")
        PupilReport.objects.create(
            school=reports.world.oakfield,
            run=run,
            pupil=reports.world.ada,
            status="approved",
            published_at=timezone.now(),
        )
    from schoolwindow.portal.reports.home import parent_reports_waiting

    actor = reports.actor("parent")
    with CaptureQueriesContext(connection) as captured:
        waiting = parent_reports_waiting(actor, subject(reports))
    assert len(captured) == 1, [q["sql"][:200] for q in captured.captured_queries]
    assert len(waiting) == 6
