from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in (password, then a two-step code), the account page, invitations, the home page."""

    name = "schoolwindow.accounts"
    label = "accounts"
