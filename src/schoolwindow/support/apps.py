from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "schoolwindow.support"
    label = "support"
    verbose_name = "Support for pupils and families"

    def ready(self) -> None:
        # Models are only importable once the registry is ready, hence here and not at the top.
        from schoolwindow.support.advocates.registry import register_advocates

        register_advocates()
