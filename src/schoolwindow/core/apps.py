from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schoolwindow.core"
    label = "core"
    verbose_name = "Core"
