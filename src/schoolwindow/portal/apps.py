from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "schoolwindow.portal"
    label = "portal"
    verbose_name = "The family portal"

    def ready(self) -> None:
        # Models are only importable once the registry is ready, hence here and not at the top.
        from schoolwindow.portal.absence.registry import register_absence
        from schoolwindow.portal.events.registry import register_events

        register_absence()
        register_events()
