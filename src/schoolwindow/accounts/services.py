from __future__ import annotations

import base64

from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.audit.services import audit_record
from schoolwindow.core.middleware import client_ip
from schoolwindow.core.models import User
from schoolwindow.core.permissions import Actor
from schoolwindow.people.actors import actor_for


def totp_secret_for_display(device: TOTPDevice) -> str:
    """The shared secret in the base32 form authenticator apps accept for typing in."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def user_signed_in(*, user: User, request: HttpRequest) -> None:
    actor = actor_for(
        user, ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )
    audit_record(actor=actor, action="account.signed_in", target=user)


def user_language_set(*, user: User, language: str) -> None:
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def password_changed(*, actor: Actor) -> None:
    audit_record(actor=actor, action="account.password_changed", target=actor.user)
