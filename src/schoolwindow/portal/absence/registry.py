"""Everything absence reporting registers when the app is ready."""

from __future__ import annotations


def register_absence() -> None:
    from schoolwindow.core.policy import register
    from schoolwindow.portal.absence.audit_sentences import register_absence_audit_sentences
    from schoolwindow.portal.absence.policies import AbsenceReportPolicy

    register(AbsenceReportPolicy())
    register_absence_audit_sentences()
