"""How the audit log says what was changed in "did it work?"."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, register_kind

KINDS = [
    EventKind(
        action="outcomes.settings_changed",
        label=gettext_lazy("Changed how long 'did it work?' waits"),
        sentence=lambda e, n, who: (
            _("%(who)s changed how many school days 'did it work?' looks at") % {"who": who}
        ),
    ),
]


def register_outcomes_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
