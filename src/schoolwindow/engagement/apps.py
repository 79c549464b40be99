from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "schoolwindow.engagement"
    label = "engagement"
    verbose_name = "Engagement and early warning"

    def ready(self) -> None:
        from schoolwindow.core.policy import register
        from schoolwindow.engagement.audit_sentences import register_engagement_audit_sentences
        from schoolwindow.engagement.panels import register_engagement_panels
        from schoolwindow.engagement.selectors import FlagPolicy

        # Models are only importable once the registry is ready, hence here and not at the top.
        register(FlagPolicy())
        register_engagement_panels()
        register_engagement_audit_sentences()
