"""How the audit log says what happened to progress reports."""

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
        action="reports.template_created",
        label=gettext_lazy("Made a report template"),
        sentence=lambda e, n, who: (
            _("%(who)s made the report template %(name)s") % {"who": who, "name": e.object_label}
        ),
    ),
    EventKind(
        action="reports.runs_planned",
        label=gettext_lazy("Planned report runs"),
        sentence=lambda e, n, who: (
            _("%(who)s planned the report runs %(runs)s")
            % {"who": who, "runs": ", ".join(e.detail.get("runs", []))}
        ),
    ),
    EventKind(
        action="reports.saved",
        label=gettext_lazy("Saved a report draft"),
        sentence=lambda e, n, who: (
            _("%(who)s saved a draft of the report for %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="reports.submitted",
        label=gettext_lazy("Sent a report for review"),
        sentence=lambda e, n, who: (
            _("%(who)s sent the report for %(pupil)s for review")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="reports.returned",
        label=gettext_lazy("Sent a report back"),
        sentence=lambda e, n, who: (
            _("%(who)s sent the report for %(pupil)s back with a note")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="reports.approved",
        label=gettext_lazy("Approved a report"),
        sentence=lambda e, n, who: (
            _("%(who)s approved the report for %(pupil)s") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="reports.published",
        label=gettext_lazy("Published reports"),
        sentence=lambda e, n, who: (
            _("%(who)s published %(count)s reports of %(run)s to families")
            % {"who": who, "count": e.detail.get("reports", 0), "run": e.object_label}
        ),
    ),
    EventKind(
        action="reports.resent",
        label=gettext_lazy("Sent reports again"),
        sentence=lambda e, n, who: (
            _("%(who)s sent %(count)s reports of %(run)s to families again")
            % {"who": who, "count": e.detail.get("sent", 0), "run": e.object_label}
        ),
    ),
    EventKind(
        action="reports.opened",
        label=gettext_lazy("Opened a report"),
        sentence=lambda e, n, who: (
            _("%(who)s opened the report for %(pupil)s") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="reports.acknowledged",
        label=gettext_lazy("Acknowledged a report"),
        sentence=lambda e, n, who: (
            _("%(who)s said they have read the report for %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="reports.replied",
        label=gettext_lazy("Replied to a report"),
        sentence=lambda e, n, who: (
            _("%(who)s replied to the report for %(pupil)s") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
]


def register_reports_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
