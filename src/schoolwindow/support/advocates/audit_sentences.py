"""How the audit log says what advocates and those who manage them did."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import (
    EventKind,
    Names,
    Ref,
    detail_ref,
    name_of,
    ref,
    register_kind,
)
from schoolwindow.audit.models import AuditEvent


def pupil_refs(event: AuditEvent) -> list[Ref]:
    return ref("pupil", event.pupil_id) if event.pupil_id is not None else []


def pupil(event: AuditEvent, names: Names) -> str:
    return name_of(names, "pupil", event.pupil_id, _("a pupil"))


def staff(event: AuditEvent, names: Names) -> str:
    staff_id = event.detail.get("staff_id") if isinstance(event.detail, dict) else None
    return name_of(names, "staff", staff_id, _("an advocate"))


def assigned(event: AuditEvent, names: Names, who: str) -> str:
    over = isinstance(event.detail, dict) and event.detail.get("over_limit")
    words = {"who": who, "pupil": pupil(event, names), "staff": staff(event, names)}
    if over:
        return (
            _("%(who)s made %(staff)s the advocate of %(pupil)s, over their caseload limit") % words
        )
    return _("%(who)s made %(staff)s the advocate of %(pupil)s") % words


KINDS = [
    EventKind(
        action="advocate.assigned",
        label=gettext_lazy("Assigned an advocate"),
        sentence=assigned,
        refers_to=lambda e: [*pupil_refs(e), *detail_ref(e, "staff", "staff_id")],
    ),
    EventKind(
        action="advocate.ended",
        label=gettext_lazy("Ended an advocate's work with a pupil"),
        sentence=lambda e, n, who: (
            _("%(who)s ended the advocate's work with %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="advocate.designated",
        label=gettext_lazy("Designated a pupil as vulnerable"),
        sentence=lambda e, n, who: (
            _("%(who)s designated %(pupil)s as a vulnerable learner")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="advocate.designation_ended",
        label=gettext_lazy("Ended a designation"),
        sentence=lambda e, n, who: (
            _("%(who)s ended the designation of %(pupil)s") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="advocate.cadence_set",
        label=gettext_lazy("Set how often an advocate is in touch"),
        sentence=lambda e, n, who: (
            _("%(who)s set how often the advocate is in touch with %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="advocate.settings_changed",
        label=gettext_lazy("Changed the advocates' settings"),
        sentence=lambda e, n, who: _("%(who)s changed the advocates' settings") % {"who": who},
    ),
    EventKind(
        action="advocate.limit_set",
        label=gettext_lazy("Set an advocate's caseload limit"),
        sentence=lambda e, n, who: (
            _("%(who)s set the caseload limit of %(staff)s") % {"who": who, "staff": staff(e, n)}
        ),
        refers_to=lambda e: detail_ref(e, "staff", "staff_id"),
    ),
    EventKind(
        action="advocate.contact",
        label=gettext_lazy("Logged time with a pupil"),
        sentence=lambda e, n, who: (
            _("%(who)s logged time with %(pupil)s") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
]


def register_advocate_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
