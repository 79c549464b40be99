"""How the audit log says what happened to absences families reported."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, Ref, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent


def pupil_refs(event: AuditEvent) -> list[Ref]:
    return ref("pupil", event.pupil_id) if event.pupil_id is not None else []


def pupil(event: AuditEvent, names: Names) -> str:
    return name_of(names, "pupil", event.pupil_id, _("a pupil"))


KINDS = [
    EventKind(
        action="absence.reported",
        label=gettext_lazy("Reported an absence"),
        sentence=lambda e, n, who: (
            _("%(who)s told the school %(pupil)s is away") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="absence.phoned_in",
        label=gettext_lazy("Wrote down an absence a family phoned in"),
        sentence=lambda e, n, who: (
            _("%(who)s wrote down that %(pupil)s is away, as the family said on the phone")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="absence.confirmed",
        label=gettext_lazy("Recorded a reported absence"),
        sentence=lambda e, n, who: (
            _("%(who)s recorded the absence of %(pupil)s in the register")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="absence.calling_time_changed",
        label=gettext_lazy("Changed the first-day calling time"),
        sentence=lambda e, n, who: (
            _("%(who)s set first-day calling to start at %(time)s")
            % {"who": who, "time": e.detail.get("after", "")}
        ),
    ),
]


def register_absence_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
