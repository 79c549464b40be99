"""How the audit log says what was done about needs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, name_of, ref, register_kind

KINDS = [
    EventKind(
        action="need.met",
        label=gettext_lazy("Marked a need as met"),
        sentence=lambda e, n, who: (
            _("%(who)s marked a need of %(pupil)s as met")
            % {"who": who, "pupil": name_of(n, "pupil", e.pupil_id, _("a pupil"))}
        ),
        refers_to=lambda e: ref("pupil", e.pupil_id) if e.pupil_id is not None else [],
    ),
    EventKind(
        action="need.rules_changed",
        label=gettext_lazy("Changed the needs rules"),
        sentence=lambda e, n, who: _("%(who)s changed the needs rules") % {"who": who},
    ),
]


def register_needs_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
