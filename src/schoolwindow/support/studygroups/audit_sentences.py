"""How the audit log says what happened in study groups."""

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
        action="studygroup.create",
        label=gettext_lazy("Formed a study group"),
        sentence=lambda e, n, who: (
            _("%(who)s formed the study group %(name)s") % {"who": who, "name": e.object_label}
        ),
    ),
    EventKind(
        action="studygroup.update",
        label=gettext_lazy("Changed a study group"),
        sentence=lambda e, n, who: (
            _("%(who)s changed the study group %(name)s") % {"who": who, "name": e.object_label}
        ),
    ),
    EventKind(
        action="studygroup.close",
        label=gettext_lazy("Closed a study group"),
        sentence=lambda e, n, who: (
            _("%(who)s closed the study group %(name)s") % {"who": who, "name": e.object_label}
        ),
    ),
    EventKind(
        action="studygroup.reopen",
        label=gettext_lazy("Opened a study group again"),
        sentence=lambda e, n, who: (
            _("%(who)s opened the study group %(name)s again")
            % {"who": who, "name": e.object_label}
        ),
    ),
    EventKind(
        action="studygroup.member_add",
        label=gettext_lazy("Added a pupil to a study group"),
        sentence=lambda e, n, who: (
            _("%(who)s added %(pupil)s to the study group %(name)s")
            % {"who": who, "pupil": pupil(e, n), "name": e.object_label}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="studygroup.checkin",
        label=gettext_lazy("Checked in to a study group"),
        sentence=lambda e, n, who: _("%(who)s checked in to their study group") % {"who": who},
        refers_to=pupil_refs,
    ),
    EventKind(
        action="studygroup.checkin_text",
        label=gettext_lazy("Checked in to a study group by text"),
        sentence=lambda e, n, who: (
            _("%(pupil)s checked in to their study group by text") % {"pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="studygroup.member_text",
        label=gettext_lazy("Chose how a pupil checks in"),
        sentence=lambda e, n, who: (
            _("%(who)s chose how %(pupil)s checks in to the study group %(name)s")
            % {"who": who, "pupil": pupil(e, n), "name": e.object_label}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="studygroup.pupil_mobile",
        label=gettext_lazy("Recorded a pupil's own mobile"),
        sentence=lambda e, n, who: (
            _("%(who)s recorded the mobile number of %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
]


def register_studygroup_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
