"""Everything the parent's home registers when the app is ready."""

from __future__ import annotations


def register_home() -> None:
    from schoolwindow.core.policy import register
    from schoolwindow.portal.home.audit_sentences import register_home_audit_sentences
    from schoolwindow.portal.home.panels import register_home_panels
    from schoolwindow.portal.home.policies import HeadMessagePolicy

    register(HeadMessagePolicy())
    register_home_audit_sentences()
    register_home_panels()
