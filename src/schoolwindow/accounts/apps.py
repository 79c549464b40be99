from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in (password, then a two-step code), the account page, invitations, the home page."""

    name = "schoolwindow.accounts"
    label = "accounts"

    def ready(self) -> None:
        from schoolwindow.accounts.audit_sentences import register_accounts_audit_sentences

        # Models are only importable once the registry is ready, hence here and not at the top.
        register_accounts_audit_sentences()
