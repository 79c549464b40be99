from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "schoolwindow.support"
    label = "support"
    verbose_name = "Support for families"

    def ready(self) -> None:
        # Models are only importable once the registry is ready, hence here and not at the top.
        from schoolwindow.support.actions.registry import register_actions
        from schoolwindow.support.advocates.registry import register_advocates
        from schoolwindow.support.loans.audit_sentences import register_loans_audit_sentences
        from schoolwindow.support.loans.panels import register_loans_panels
        from schoolwindow.support.loans.policies import register_loans_policies
        from schoolwindow.support.needs.registry import register_needs
        from schoolwindow.support.outcomes.registry import register_outcomes
        from schoolwindow.support.parcels.registry import register_parcels
        from schoolwindow.support.studygroups.registry import register_studygroups
        from schoolwindow.support.visits.registry import register_visits

        register_visits()
        register_loans_policies()
        register_loans_panels()
        register_loans_audit_sentences()
        register_advocates()
        register_needs()
        register_studygroups()
        register_outcomes()
        register_actions()
        register_parcels()
