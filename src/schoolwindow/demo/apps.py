from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "schoolwindow.demo"
    label = "demo"
