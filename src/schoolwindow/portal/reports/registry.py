"""Everything progress reports register when the app is ready."""

from __future__ import annotations


def register_reports() -> None:
    from schoolwindow.core.panels import PARENT_HOME, PARENT_WAITING, Panel
    from schoolwindow.core.policy import register
    from schoolwindow.portal.reports.audit_sentences import register_reports_audit_sentences
    from schoolwindow.portal.reports.home import parent_reports_section, parent_reports_waiting
    from schoolwindow.portal.reports.policies import (
        PupilReportPolicy,
        ReportRunPolicy,
        ReportTemplatePolicy,
    )

    register(ReportTemplatePolicy())
    register(ReportRunPolicy())
    register(PupilReportPolicy())
    register_reports_audit_sentences()
    PARENT_HOME.register(
        Panel(
            name="reports",
            template="portal/reports/_home.html",
            context=parent_reports_section,
            order=50,
            modes=frozenset({"guardian"}),
        )
    )
    PARENT_WAITING.register("reports", parent_reports_waiting)
