"""Forgot password: ask for a link by email, then choose a new password with it.

The request page says the same thing whether or not the address has an account, so it cannot
be used to find out who has one. The link is Django's one-time token: it expires after
PASSWORD_RESET_TIMEOUT and stops working once the password changes. Setting the password signs
nobody in, so staff still give their two-step code when they sign in with it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from schoolwindow.accounts import services
from schoolwindow.accounts.forms import PasswordResetRequestForm, SetPasswordForm
from schoolwindow.core.models import User

# The token moves from the address to the session so it does not linger in the address bar,
# browser history or a Referer header.
RESET_SESSION_KEY = "password_reset_token"
RESET_URL_TOKEN = "set-password"


def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"], request=request)
        # Post/redirect/get: a reload or a double tap does not send a second email.
        return redirect("password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


def user_from_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = user_from_uid(uidb64)
    if token != RESET_URL_TOKEN:
        if user is not None and default_token_generator.check_token(user, token):
            request.session[RESET_SESSION_KEY] = token
            return redirect("password_reset_confirm", uidb64=uidb64, token=RESET_URL_TOKEN)
        return render(request, "accounts/password_reset_invalid.html", status=404)
    session_token = request.session.get(RESET_SESSION_KEY, "")
    if user is None or not default_token_generator.check_token(user, session_token):
        return render(request, "accounts/password_reset_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.password_reset_complete(
            user=user, password=form.cleaned_data["password1"], request=request
        )
        del request.session[RESET_SESSION_KEY]
        messages.success(request, _("Your new password is set. Sign in with it now."))
        return redirect("login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form, "user": user})
