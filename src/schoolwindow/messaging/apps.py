from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "schoolwindow.messaging"
    label = "messaging"
    verbose_name = "Messages with families"

    def ready(self) -> None:
        # Models are only importable once the registry is ready, hence here and not at the top.
        from schoolwindow.messaging.audit_sentences import register_messaging_audit_sentences
        from schoolwindow.messaging.panels import register_messaging_panels
        from schoolwindow.messaging.policies import register_messaging_policies

        register_messaging_policies()
        register_messaging_audit_sentences()
        register_messaging_panels()
