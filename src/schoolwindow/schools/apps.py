from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schoolwindow.schools"
    label = "schools"

    def ready(self) -> None:
        from schoolwindow.core.policy import register
        from schoolwindow.schools.selectors import GroupPolicy

        # Models are only importable once the registry is ready, hence here and not at the top.
        register(GroupPolicy())
