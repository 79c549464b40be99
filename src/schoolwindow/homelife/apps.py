from django.apps import AppConfig


class HomelifeConfig(AppConfig):
    name = "schoolwindow.homelife"
    label = "homelife"
    verbose_name = "Home learning"

    def ready(self) -> None:
        from schoolwindow.core.policy import register
        from schoolwindow.homelife.audit_sentences import register_homelife_audit_sentences
        from schoolwindow.homelife.panels import register_homelife_panels
        from schoolwindow.homelife.policies import ProfileAnswerPolicy, SurveyRoundPolicy

        # Models are only importable once the registry is ready, hence here and not at the top.
        register(SurveyRoundPolicy())
        register(ProfileAnswerPolicy())
        register_homelife_panels()
        register_homelife_audit_sentences()
