"""What "did it work?" registers when the app is ready: the timeline sources for visits, loans,
study groups and advocates' contacts, the pupil-page panel and the audit sentences."""

from __future__ import annotations


def register_outcomes() -> None:
    from schoolwindow.core.panels import PUPIL_PAGE, Panel
    from schoolwindow.support.outcomes.audit_sentences import register_outcomes_audit_sentences
    from schoolwindow.support.outcomes.panels import pupil_outcomes_panel
    from schoolwindow.support.outcomes.sources import (
        advocate_entries,
        family_call_entries,
        loan_entries,
        study_group_entries,
        visit_entries,
    )
    from schoolwindow.support.timeline import register_timeline_source

    register_timeline_source("visits", visit_entries)
    register_timeline_source("loans", loan_entries)
    register_timeline_source("studygroups", study_group_entries)
    register_timeline_source("advocates", advocate_entries)
    register_timeline_source("family-calls", family_call_entries)
    register_outcomes_audit_sentences()
    PUPIL_PAGE.register(
        Panel(
            name="support-outcomes",
            template="support/outcomes/_pupil_outcomes.html",
            context=pupil_outcomes_panel,
            order=65,
        )
    )
