"""Signing in (password, then TOTP for staff), the home page, account and language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.accounts import services
from schoolwindow.accounts.forms import CodeForm, LanguageForm, SetPasswordForm, SignInForm
from schoolwindow.accounts.selectors import home_get, pupil_home_get
from schoolwindow.core.access import signed_in
from schoolwindow.core.models import User
from schoolwindow.core.panels import ShownPanel
from schoolwindow.core.requests import actor_of, safe_next, signed_in_user
from schoolwindow.people import services as people_services

PENDING_USER = "two_factor_pending_user"
PENDING_BACKEND = "two_factor_pending_backend"
PENDING_NEXT = "two_factor_next"
# "Too many requests", as django-axes answers by default.
LOCKED_OUT_STATUS = 429
# Warn from this many tries left before the pause (the last two of five).
WARN_WHEN_TRIES_LEFT = 2


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


def failed_sign_in(request: HttpRequest, form: SignInForm) -> None:
    """Record a wrong password and, when the pause is near, say how many tries are left.

    django-axes counts failures per username and address while checking the password; it
    leaves the count on the request, and replaces this page with the lock-out page when the
    limit is reached."""
    attempt: int | None = getattr(request, "axes_failures_since_start", None)
    limit = int(settings.AXES_FAILURE_LIMIT)
    services.sign_in_failed(
        username=form.data.get("username", ""),
        request=request,
        attempt=attempt,
        locked=attempt == limit and bool(getattr(request, "axes_locked_out", False)),
    )
    left = limit - attempt if attempt is not None else 0
    if 0 < left <= WARN_WHEN_TRIES_LEFT:
        form.add_error(
            None,
            ngettext(
                "%(left)d try left before signing in is paused for %(minutes)d minutes.",
                "%(left)d tries left before signing in is paused for %(minutes)d minutes.",
                left,
            )
            % {"left": left, "minutes": services.lockout_minutes()},
        )


def login_password(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and not form.is_valid():
        if form.tried_a_password():
            failed_sign_in(request, form)
    elif request.method == "POST":
        user = form.get_user()
        if not user.needs_two_factor:
            login(request, user)
            services.user_signed_in(user=user, request=request)
            return redirect(safe_next(request))
        request.session[PENDING_USER] = user.pk
        request.session[PENDING_BACKEND] = user.backend
        request.session[PENDING_NEXT] = safe_next(request)
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        return redirect("login_verify" if has_device else "login_setup")
    return render(request, "accounts/login.html", {"form": form, "next": safe_next(request, "")})


def pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def finish_two_factor_login(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    backend = request.session.get(PENDING_BACKEND)
    target = request.session.get(PENDING_NEXT) or "/"
    login(request, user, backend=backend)
    otp_login(request, device)
    services.user_signed_in(user=user, request=request)
    return redirect(target)


def login_verify(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None:
        return redirect("login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("login_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _detail = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["code"]):
            return finish_two_factor_login(request, user, device)
        form.add_error(
            "code",
            _("That code did not work. Wait for a new code and try again.")
            if allowed
            else _("Too many wrong codes. Wait a minute and try again."),
        )
    return render(request, "accounts/login_verify.html", {"form": form})


def login_setup(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None:
        return redirect("login")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("login_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return finish_two_factor_login(request, user, device)
        form.add_error(
            "code", _("That code did not work. Check the time on your phone and try again.")
        )
    qr_svg = segno.make(device.config_url).svg_inline(
        scale=4, title=_("QR code for your authenticator app")
    )
    secret = services.totp_secret_for_display(device)
    return render(
        request,
        "accounts/login_setup.html",
        {"form": form, "qr_svg": mark_safe(qr_svg), "secret": secret},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def rendered(request: HttpRequest, panels: list[ShownPanel]) -> list[str]:
    return [render_to_string(panel.template, panel.context, request) for panel in panels]


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """Each person's morning: staff and trust officers get the blocks for what they do, a
    pupil their week; a parent's home is the list of their children."""
    actor = actor_of(request)
    today = timezone.localdate()
    if actor.is_staff_member or actor.is_trust_officer:
        view = home_get(actor=actor, today=today)
        context = {"home": view, "panels": rendered(request, view.panels)}
        return render(request, "accounts/home.html", context)
    if actor.is_guardian:
        return redirect("parent_home")
    if actor.is_pupil:
        pupil_home = pupil_home_get(actor=actor, today=today)
        context = {
            "first_name": pupil_home.first_name,
            "panels": rendered(request, pupil_home.panels),
        }
        return render(request, "accounts/home_pupil.html", context)
    return render(request, "accounts/home.html", {"home": None, "panels": []})


def has_confirmed_totp(user: User) -> bool:
    """Whether the account page says two-step sign-in is on (it says so only to staff and
    trust officers). django-otp's middleware has already loaded the device this session was
    verified with, and kept it only if it is this user's and confirmed: no need to ask again."""
    if not user.needs_two_factor:
        return False
    if isinstance(getattr(user, "otp_device", None), TOTPDevice):
        return True
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "accounts/account.html",
        {
            "language_form": LanguageForm(initial={"language": translation.get_language()}),
            "password_form": PasswordChangeForm(user),
            "has_totp": has_confirmed_totp(user),
        },
    )


@signed_in
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PasswordChangeForm(user, request.POST)
    if form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        services.password_changed(actor=actor_of(request))
        messages.success(request, _("Your password has been changed."))
        return redirect("account")
    return render(
        request,
        "accounts/account.html",
        {
            "language_form": LanguageForm(initial={"language": translation.get_language()}),
            "password_form": form,
            "has_totp": has_confirmed_totp(user),
        },
        status=400,
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch language: saved on the account when signed in, in a cookie always."""
    form = LanguageForm(request.POST)
    response = HttpResponseRedirect(safe_next(request))
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_language_set(user=request.user, language=language)
        translation.activate(language)
        response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = people_services.guardian_invitation_find(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = people_services.guardian_invitation_accept(
            invitation=invitation, password=form.cleaned_data["password1"]
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to School Window. Your password is set."))
        return redirect("parent_home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lock-out page (AXES_LOCKOUT_CALLABLE): when the pause ends, in local time."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    cool_off = get_cool_off(request) or dt.timedelta(0)
    last = (
        AccessAttempt.objects.filter(
            username=username, ip_address=getattr(request, "axes_ip_address", None)
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    until = timezone.localtime((last or timezone.now()) + cool_off)
    context = {"until": until, "minutes": services.lockout_minutes()}
    return render(request, "accounts/locked_out.html", context, status=LOCKED_OUT_STATUS)
