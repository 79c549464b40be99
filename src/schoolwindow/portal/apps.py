from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "schoolwindow.portal"
    label = "portal"
    verbose_name = "The family portal"

    def ready(self) -> None:
        # Models are only importable once the registry is ready, hence here and not at the top.
        from schoolwindow.portal.absence.registry import register_absence
        from schoolwindow.portal.consent.registry import register_consent
        from schoolwindow.portal.details.registry import register_details
        from schoolwindow.portal.events.registry import register_events
        from schoolwindow.portal.portfolio.registry import register_portfolio
        from schoolwindow.portal.reports.registry import register_reports

        register_absence()
        register_details()
        register_consent()
        register_reports()
        register_portfolio()
        register_events()
