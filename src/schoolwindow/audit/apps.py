from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "schoolwindow.audit"
    label = "audit"
