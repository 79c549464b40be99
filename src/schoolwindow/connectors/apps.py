from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    name = "schoolwindow.connectors"
    label = "connectors"

    def ready(self) -> None:
        from schoolwindow.connectors.audit_sentences import register_connectors_audit_sentences
        from schoolwindow.connectors.home import register_connectors_panels
        from schoolwindow.connectors.selectors import ImportRunPolicy
        from schoolwindow.core.policy import register

        # Models are only importable once the registry is ready, hence here and not at the top.
        register(ImportRunPolicy())
        register_connectors_audit_sentences()
        register_connectors_panels()
