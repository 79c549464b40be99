"""What "did it work?" registers when the app is ready: the timeline sources for visits, loans,
study groups and advocates' contacts."""

from __future__ import annotations


def register_outcomes() -> None:
    from schoolwindow.support.outcomes.sources import (
        advocate_entries,
        loan_entries,
        study_group_entries,
        visit_entries,
    )
    from schoolwindow.support.timeline import register_timeline_source

    register_timeline_source("visits", visit_entries)
    register_timeline_source("loans", loan_entries)
    register_timeline_source("studygroups", study_group_entries)
    register_timeline_source("advocates", advocate_entries)
