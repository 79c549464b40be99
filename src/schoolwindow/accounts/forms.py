from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from schoolwindow.core.models import User


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with messages that say which box needs what."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The email or username, or the password, is not correct. Check both and try again."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your email or username.")
        self.fields["password"].error_messages["required"] = _("Enter your password.")

    def tried_a_password(self) -> bool:
        """Both boxes were filled in, so a wrong answer counts as a failed sign-in."""
        return bool(self.data.get("username", "").strip() and self.data.get("password"))


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Enter the email address you use with School Window."),
            "invalid": _("Enter an email address, like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class SetPasswordForm(forms.Form):
    """A new password, typed twice. With `user`, it is also checked against their details."""

    password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A few unrelated words make a good password."),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["password1"].error_messages["required"] = _("Enter a new password.")
        self.fields["password2"].error_messages["required"] = _("Enter the new password again.")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords are not the same."))
        if isinstance(first, str):
            validate_password(first, self.user)
        return data
