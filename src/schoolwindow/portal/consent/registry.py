"""Everything consent registers when the app is ready."""

from __future__ import annotations


def register_consent() -> None:
    from schoolwindow.core.panels import HOME, PARENT_HOME, PARENT_WAITING, Panel
    from schoolwindow.core.policy import register
    from schoolwindow.portal.consent.audit_sentences import register_consent_audit_sentences
    from schoolwindow.portal.consent.home import (
        consent_home_section,
        consent_waiting,
        staff_home_consent,
    )
    from schoolwindow.portal.consent.policies import ConsentRequestPolicy

    register(ConsentRequestPolicy())
    register_consent_audit_sentences()
    PARENT_WAITING.register("consent", consent_waiting)
    PARENT_HOME.register(
        Panel(
            name="consent",
            template="portal/consent/_home.html",
            context=consent_home_section,
            order=60,
            modes=frozenset({"guardian"}),
        )
    )
    HOME.register(
        Panel(
            name="portal-consent",
            template="portal/consent/_staff_home.html",
            context=staff_home_consent,
            order=70,
        )
    )
