from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "schoolwindow.engagement"
    label = "engagement"
    verbose_name = "Engagement and early warning"
