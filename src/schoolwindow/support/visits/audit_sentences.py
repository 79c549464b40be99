"""How the audit log says what happened to home visits (never what a concern said)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, Ref, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent


def pupil_refs(event: AuditEvent) -> list[Ref]:
    return ref("pupil", event.pupil_id)


def about(template: Promise) -> Callable[[AuditEvent, Names, str], str]:
    """A sentence "<who> <did something> <pupil>'s family" from a template with %(who)s and
    %(pupil)s."""

    def sentence(event: AuditEvent, names: Names, who: str) -> str:
        pupil = name_of(names, "pupil", event.pupil_id, _("a pupil"))
        # The lazy template is translated in the language the log is read in.
        return str(template) % {"who": who, "pupil": pupil}

    return sentence


KINDS = [
    EventKind(
        action="visit.planned",
        label=gettext_lazy("Planned a home visit"),
        sentence=about(gettext_lazy("%(who)s planned a home visit to %(pupil)s's family")),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="visit.rescheduled",
        label=gettext_lazy("Moved a home visit"),
        sentence=about(gettext_lazy("%(who)s moved the home visit to %(pupil)s's family")),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="visit.cancelled",
        label=gettext_lazy("Cancelled a home visit"),
        sentence=about(gettext_lazy("%(who)s cancelled the home visit to %(pupil)s's family")),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="visit.agreement",
        label=gettext_lazy("Recorded a family's answer to a home visit"),
        sentence=about(
            gettext_lazy("%(who)s recorded %(pupil)s's family's answer to a home visit")
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="visit.recorded",
        label=gettext_lazy("Recorded a home visit"),
        sentence=about(gettext_lazy("%(who)s recorded the home visit to %(pupil)s's family")),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="visit.concern_passed",
        label=gettext_lazy("Passed a concern from a home visit to the DSL"),
        sentence=about(
            gettext_lazy("%(who)s passed a concern from the visit to %(pupil)s's family to the DSL")
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="visit.concern_viewed",
        label=gettext_lazy("Read a concern from a home visit"),
        sentence=about(
            gettext_lazy("%(who)s read the concern from the visit to %(pupil)s's family")
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="visit.calendar_renewed",
        label=gettext_lazy("Made a new visit calendar address"),
        sentence=lambda event, names, who: (
            _("%(who)s made a new visit calendar address") % {"who": who}
        ),
    ),
]


def register_visit_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
