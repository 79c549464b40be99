"""How the audit log says what was done with calls, referrals and the help linked to a flag."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent


def _about(template: str, event: AuditEvent, names: Names, who: str) -> str:
    pupil = name_of(names, "pupil", event.pupil_id, _("a pupil"))
    return template % {"who": who, "pupil": pupil}


KINDS = [
    EventKind(
        action="support_action.created",
        label=gettext_lazy("Recorded a call or referral"),
        sentence=lambda e, n, who: _about(
            _("%(who)s recorded a call or referral for %(pupil)s"), e, n, who
        ),
        refers_to=lambda e: ref("pupil", e.pupil_id) if e.pupil_id is not None else [],
    ),
    EventKind(
        action="support_action.updated",
        label=gettext_lazy("Changed a call or referral"),
        sentence=lambda e, n, who: _about(
            _("%(who)s changed a call or referral for %(pupil)s"), e, n, who
        ),
        refers_to=lambda e: ref("pupil", e.pupil_id) if e.pupil_id is not None else [],
    ),
    EventKind(
        action="flag.help_linked",
        label=gettext_lazy("Resolved a flag with the help given"),
        sentence=lambda e, n, who: _about(
            _("%(who)s resolved %(pupil)s's flag and linked the help given"), e, n, who
        ),
        refers_to=lambda e: ref("pupil", e.pupil_id) if e.pupil_id is not None else [],
    ),
]


def register_actions_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
