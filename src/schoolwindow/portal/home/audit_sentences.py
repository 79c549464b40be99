"""How the audit log says what happened to the head's messages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, register_kind

KINDS = [
    EventKind(
        action="portal.head_message_posted",
        label=gettext_lazy("Posted the head's message"),
        sentence=lambda e, n, who: (
            _("%(who)s posted the head's message to families") % {"who": who}
        ),
    ),
    EventKind(
        action="portal.head_message_withdrawn",
        label=gettext_lazy("Took down the head's message"),
        sentence=lambda e, n, who: (
            _("%(who)s took down the head's message to families") % {"who": who}
        ),
    ),
]


def register_home_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
