"""How the audit log says what happened to details families sent. Never the values themselves:
a medical note is read on the pupil's record, by those who may."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, Ref, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent


def pupil_refs(event: AuditEvent) -> list[Ref]:
    return ref("pupil", event.pupil_id) if event.pupil_id is not None else []


def pupil(event: AuditEvent, names: Names) -> str:
    return name_of(names, "pupil", event.pupil_id, _("a pupil"))


def family(event: AuditEvent, names: Names) -> str:
    return name_of(names, "pupil", event.pupil_id, _("a family"))


KINDS = [
    EventKind(
        action="details.proposed",
        label=gettext_lazy("Sent changes to family details"),
        sentence=lambda e, n, who: (
            _("%(who)s sent changes to the details held for %(pupil)s, for the office to check")
            % {"who": who, "pupil": family(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="details.confirmed",
        label=gettext_lazy("Confirmed family details"),
        sentence=lambda e, n, who: (
            _("%(who)s confirmed nothing has changed in the details held for %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="details.accepted",
        label=gettext_lazy("Accepted a change to family details"),
        sentence=lambda e, n, who: (
            _("%(who)s accepted a change a family sent (%(pupil)s)")
            % {"who": who, "pupil": family(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="details.rejected",
        label=gettext_lazy("Did not make a change to family details"),
        sentence=lambda e, n, who: (
            _("%(who)s did not make a change a family sent (%(pupil)s)")
            % {"who": who, "pupil": family(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="details.medical_alerted",
        label=gettext_lazy("Told staff of a new medical note"),
        sentence=lambda e, n, who: (
            _("%(who)s sent a new medical note for %(pupil)s; %(count)s named staff were told")
            % {"who": who, "pupil": pupil(e, n), "count": e.detail.get("staff", 0)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="details.alert_read",
        label=gettext_lazy("Read a medical note alert"),
        sentence=lambda e, n, who: (
            _("%(who)s read the alert about a medical note for %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="details.settings_changed",
        label=gettext_lazy("Changed who hears of medical notes"),
        sentence=lambda e, n, who: (
            _(
                "%(who)s changed how often families check their details "
                "and who hears of medical notes"
            )
            % {"who": who}
        ),
    ),
]


def register_details_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
