from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "schoolwindow.people"
    label = "people"

    def ready(self) -> None:
        from schoolwindow.people.audit_sentences import register_people_audit_sentences
        from schoolwindow.people.policies import register_people_policies

        # Models are only importable once the registry is ready, hence here and not at the top.
        register_people_policies()
        register_people_audit_sentences()
