"""How the audit log says the sign-in events `accounts` writes. No password is ever in them."""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import ordinal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, Ref, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.models import User


def account_refs(event: AuditEvent) -> list[Ref]:
    return ref("user", event.object_id) if event.object_type == User._meta.label else []


def account(event: AuditEvent, names: Names) -> str:
    return name_of(names, "user", event.object_id, event.object_label)


def typed(event: AuditEvent, key: str) -> str:
    value = event.detail.get(key, "") if isinstance(event.detail, dict) else ""
    return str(value)


def sign_in_failed(event: AuditEvent, names: Names, who: str) -> str:
    attempt = event.detail.get("attempt") if isinstance(event.detail, dict) else None
    username = typed(event, "username")
    if attempt:
        return _("Sign-in failed for username %(username)s (%(nth)s try)") % {
            "username": username,
            "nth": ordinal(attempt),
        }
    return _("Sign-in failed for username %(username)s") % {"username": username}


def locked_out(event: AuditEvent, names: Names, who: str) -> str:
    return _(
        "Signing in was paused for username %(username)s for %(minutes)s minutes after "
        "too many wrong passwords"
    ) % {"username": typed(event, "username"), "minutes": typed(event, "minutes") or "?"}


def reset_requested(event: AuditEvent, names: Names, who: str) -> str:
    if event.object_id:
        return _("A link to choose a new password was emailed for %(account)s's account") % {
            "account": account(event, names)
        }
    return _("A new password was asked for %(email)s, which has no account; nothing was sent") % {
        "email": typed(event, "email")
    }


KINDS = [
    EventKind(
        action="account.signed_in",
        label=gettext_lazy("Signed in"),
        sentence=lambda e, n, who: _("%(who)s signed in") % {"who": who},
    ),
    EventKind(
        action="account.sign_in_failed",
        label=gettext_lazy("Sign-in failed"),
        sentence=sign_in_failed,
        refers_to=account_refs,
    ),
    EventKind(
        action="account.locked_out",
        label=gettext_lazy("Signing in paused"),
        sentence=locked_out,
        refers_to=account_refs,
    ),
    EventKind(
        action="account.password_reset_requested",
        label=gettext_lazy("New password asked for"),
        sentence=reset_requested,
        refers_to=account_refs,
    ),
    EventKind(
        action="account.password_reset",
        label=gettext_lazy("New password chosen with an emailed link"),
        sentence=lambda e, n, who: (
            _("%(account)s chose a new password with an emailed link") % {"account": account(e, n)}
        ),
        refers_to=account_refs,
    ),
    EventKind(
        action="account.password_changed",
        label=gettext_lazy("Changed their password"),
        sentence=lambda e, n, who: _("%(who)s changed their password") % {"who": who},
    ),
]


def register_accounts_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
