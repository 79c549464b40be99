from __future__ import annotations

import base64
from functools import partial

from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwindow.audit.services import audit_record
from schoolwindow.core.middleware import client_ip
from schoolwindow.core.models import User
from schoolwindow.core.permissions import Actor
from schoolwindow.people.actors import actor_for

# What we keep of a typed username or email: enough to recognise it, never a whole essay.
TYPED_MAX = 150


def totp_secret_for_display(device: TOTPDevice) -> str:
    """The shared secret in the base32 form authenticator apps accept for typing in."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def visitor(request: HttpRequest) -> Actor:
    """Someone not signed in, with where they came from for the audit log."""
    return Actor(
        user=None,
        system_label="sign-in page",
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def account_named(username: str) -> User | None:
    return User.objects.filter(username__iexact=username.strip()).first() if username else None


def user_signed_in(*, user: User, request: HttpRequest) -> None:
    actor = actor_for(
        user, ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
    )
    audit_record(actor=actor, action="account.signed_in", target=user)


def sign_in_failed(
    *, username: str, request: HttpRequest, attempt: int | None, locked: bool
) -> None:
    """A wrong password (never recorded) for `username`; `attempt` counts this one, and `locked`
    says it paused signing in for this username and address."""
    actor = visitor(request)
    user = account_named(username)
    detail: dict[str, object] = {"username": username.strip()[:TYPED_MAX]}
    if attempt is not None:
        detail["attempt"] = attempt
    with transaction.atomic():
        audit_record(actor=actor, action="account.sign_in_failed", target=user, detail=detail)
        if locked:
            detail["minutes"] = lockout_minutes()
            audit_record(actor=actor, action="account.locked_out", target=user, detail=detail)


def lockout_minutes() -> int:
    cool_off = get_cool_off()
    return round(cool_off.total_seconds() / 60) if cool_off else 0


def user_language_set(*, user: User, language: str) -> None:
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def password_changed(*, actor: Actor) -> None:
    audit_record(actor=actor, action="account.password_changed", target=actor.user)


def accounts_for_email(email: str) -> list[User]:
    """Active accounts with this address that sign in with a password (staff and parents)."""
    users = User.objects.filter(email__iexact=email.strip(), is_active=True)
    return [user for user in users if user.has_usable_password()]


def password_reset_request(*, email: str, request: HttpRequest) -> None:
    """Record the request and email each matching account a one-time link. The person asking
    is told the same whether or not an account matched, so nothing here returns that."""
    actor = visitor(request)
    users = accounts_for_email(email)
    with transaction.atomic():
        if not users:
            audit_record(
                actor=actor,
                action="account.password_reset_requested",
                detail={"email": email.strip()[:TYPED_MAX], "matched": False},
            )
        for user in users:
            audit_record(
                actor=actor,
                action="account.password_reset_requested",
                target=user,
                detail={"matched": True},
            )
            transaction.on_commit(partial(enqueue_reset_email, user.pk))


def enqueue_reset_email(user_id: int) -> None:
    # Imported here: tasks.py imports this module for the sending itself.
    from schoolwindow.accounts.tasks import password_reset_email_task

    password_reset_email_task.enqueue(user_id)


def password_reset_link(user: User) -> str:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def password_reset_email_send(*, user_id: int) -> bool:
    """Send the link, in the account's language. False when the account went meanwhile."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    with translation.override(user.language or settings.LANGUAGE_CODE):
        send_mail(
            subject=_("Choose a new School Window password"),
            message=_(
                "Hello %(name)s,\n\nSomeone, probably you, asked to choose a new password for "
                "your School Window account (%(username)s). Open this link to choose it. It "
                "works once, for %(minutes)s minutes:\n\n%(link)s\n\n"
                "If you did not ask, you can ignore this email: your password stays the same."
            )
            % {
                "name": user.first_name or user.username,
                "username": user.username,
                "minutes": minutes,
                "link": password_reset_link(user),
            },
            from_email=None,
            recipient_list=[user.email],
        )
    return True


def password_reset_complete(*, user: User, password: str, request: HttpRequest) -> None:
    """Set the new password (which also spends the link) and lift any pause on signing in.
    It signs nobody in: staff still give their two-step code when they next sign in."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(password)
        locked.save(update_fields=["password"])
        audit_record(
            actor=visitor(request),
            action="account.password_reset",
            target=locked,
        )
    axes_reset(username=locked.username)
    user.password = locked.password
