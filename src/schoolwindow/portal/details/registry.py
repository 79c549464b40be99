"""Everything details registers when the app is ready."""

from __future__ import annotations


def register_details() -> None:
    from schoolwindow.core.panels import HOME, PARENT_HOME, PARENT_WAITING, PUPIL_PAGE, Panel
    from schoolwindow.portal.details import panels
    from schoolwindow.portal.details.audit_sentences import register_details_audit_sentences
    from schoolwindow.portal.details.policies import register_details_policies

    register_details_policies()
    register_details_audit_sentences()
    PARENT_WAITING.register("details", panels.parent_waiting)
    PARENT_HOME.register(
        Panel(
            name="details",
            template="portal/details/_parent_home.html",
            context=panels.parent_home_section,
            order=90,
            modes=frozenset({"guardian"}),
        )
    )
    HOME.register(
        Panel(
            name="details-medical-alerts",
            template="portal/details/_home_alerts.html",
            context=panels.home_medical_alerts,
            order=15,
        )
    )
    HOME.register(
        Panel(
            name="details-waiting",
            template="portal/details/_home_waiting.html",
            context=panels.home_details_waiting,
            order=60,
        )
    )
    PUPIL_PAGE.register(
        Panel(
            name="details-notes",
            template="portal/details/_pupil_panel.html",
            context=panels.pupil_details_panel,
            order=40,
        )
    )
