"""The parent's home: a "Reports" section for the child shown, and a report to read and
acknowledge among the things waiting for the parent. Each a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwindow.core.panels import ParentHomeSubject, WaitingItem
from schoolwindow.core.permissions import Actor
from schoolwindow.portal.reports import selectors


def parent_reports_section(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    report = selectors.latest_report(guardian_id=subject.guardian_id, pupil_id=subject.child.pk)
    if report is None:
        return None
    return {"report": report, "child": subject.child}


def parent_reports_waiting(actor: Actor, subject: ParentHomeSubject) -> Sequence[WaitingItem]:
    reports = selectors.reports_to_acknowledge(
        guardian_id=subject.guardian_id,
        pupil_ids=[child.pk for child in subject.children],
        today=subject.today,
    )
    return [
        WaitingItem(
            text=_("Read and acknowledge %(name)s's report") % {"name": report.pupil.display_name},
            url=reverse("portal_reports:family_report", kwargs={"report_id": report.pk}),
            pupil_id=report.pupil_id,
            action=_("Read the report"),
        )
        for report in reports
    ]
