from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schoolwindow.schools"
    label = "schools"
