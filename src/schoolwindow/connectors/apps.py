from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "schoolwindow.connectors"
    label = "connectors"
