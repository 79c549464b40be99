"""How the audit log says what happened to consent requests and answers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, Ref, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent


def pupil_refs(event: AuditEvent) -> list[Ref]:
    return ref("pupil", event.pupil_id) if event.pupil_id is not None else []


def pupil(event: AuditEvent, names: Names) -> str:
    return name_of(names, "pupil", event.pupil_id, _("a pupil"))


def said(event: AuditEvent) -> str:
    return _("yes") if event.detail.get("answer") == "yes" else _("no")


KINDS = [
    EventKind(
        action="consent.requested",
        label=gettext_lazy("Asked families for consent"),
        sentence=lambda e, n, who: (
            _("%(who)s asked families about “%(title)s” (pupils: %(count)s)")
            % {"who": who, "count": e.detail.get("pupils", 0), "title": e.detail.get("title", "")}
        ),
    ),
    EventKind(
        action="consent.answered",
        label=gettext_lazy("Answered a consent request"),
        sentence=lambda e, n, who: (
            _("%(who)s answered %(answer)s for %(pupil)s")
            % {"who": who, "answer": said(e), "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="consent.changed",
        label=gettext_lazy("Changed a consent answer"),
        sentence=lambda e, n, who: (
            _("%(who)s changed their answer for %(pupil)s to %(answer)s")
            % {
                "who": who,
                "pupil": pupil(e, n),
                "answer": _("yes") if e.detail.get("after") == "yes" else _("no"),
            }
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="consent.phoned",
        label=gettext_lazy("Recorded consent given on the phone"),
        sentence=lambda e, n, who: (
            _("%(who)s recorded a parent's answer on the phone (%(answer)s) for %(pupil)s")
            % {"who": who, "answer": said(e), "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="consent.paid",
        label=gettext_lazy("Recorded a payment"),
        sentence=lambda e, n, who: (
            _("%(who)s recorded that %(pupil)s's place is paid")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="consent.unpaid",
        label=gettext_lazy("Took back a payment record"),
        sentence=lambda e, n, who: (
            _("%(who)s took back the payment record for %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="consent.reminded",
        label=gettext_lazy("Reminded families about consent"),
        sentence=lambda e, n, who: (
            _("%(who)s reminded families about consent (messages sent: %(sent)s)")
            % {"who": who, "sent": e.detail.get("sent", 0)}
        ),
    ),
]


def register_consent_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
