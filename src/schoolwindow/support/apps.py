from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "schoolwindow.support"
    label = "support"
    verbose_name = "Support for families"

    def ready(self) -> None:
        # Models are only importable once the registry is ready, hence here and not at the top.
        from schoolwindow.support.advocates.registry import register_advocates
        from schoolwindow.support.visits.registry import register_visits

        register_visits()
        register_advocates()
