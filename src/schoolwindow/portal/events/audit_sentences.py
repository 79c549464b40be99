"""How the audit log says what happened to events, parents' evenings and appointments."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, Ref, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent


def pupil_refs(event: AuditEvent) -> list[Ref]:
    return ref("pupil", event.pupil_id) if event.pupil_id is not None else []


def pupil(event: AuditEvent, names: Names) -> str:
    return name_of(names, "pupil", event.pupil_id, _("a pupil"))


def titled(text: str) -> Callable[[AuditEvent, Names, str], str]:
    def sentence(event: AuditEvent, names: Names, who: str) -> str:
        return _(text) % {"who": who, "title": event.detail.get("title", "")}

    return sentence


def about_child(text: str) -> Callable[[AuditEvent, Names, str], str]:
    def sentence(event: AuditEvent, names: Names, who: str) -> str:
        return _(text) % {"who": who, "pupil": pupil(event, names)}

    return sentence


# The sentences are marked for translation here and translated when shown (titled/about_child).
_marks = [
    gettext_lazy("%(who)s added the event %(title)s"),
    gettext_lazy("%(who)s changed the event %(title)s"),
    gettext_lazy("%(who)s cancelled the event %(title)s"),
    gettext_lazy("%(who)s set up the parents' evening %(title)s"),
    gettext_lazy("%(who)s kept a parents' evening time for %(pupil)s"),
    gettext_lazy("%(who)s booked a parents' evening appointment for %(pupil)s"),
    gettext_lazy("%(who)s changed a parents' evening appointment for %(pupil)s"),
    gettext_lazy("%(who)s cancelled a parents' evening appointment for %(pupil)s"),
    gettext_lazy("%(who)s joined the other parent's appointment for %(pupil)s"),
    gettext_lazy("%(who)s left a shared appointment for %(pupil)s"),
]

KINDS = [
    EventKind(
        action="events.event_created",
        label=gettext_lazy("Added a school event"),
        sentence=titled("%(who)s added the event %(title)s"),
    ),
    EventKind(
        action="events.event_changed",
        label=gettext_lazy("Changed a school event"),
        sentence=titled("%(who)s changed the event %(title)s"),
    ),
    EventKind(
        action="events.event_cancelled",
        label=gettext_lazy("Cancelled a school event"),
        sentence=titled("%(who)s cancelled the event %(title)s"),
    ),
    EventKind(
        action="events.replied",
        label=gettext_lazy("Replied to an event invitation"),
        sentence=lambda e, n, who: _("%(who)s replied to an event invitation") % {"who": who},
    ),
    EventKind(
        action="events.reminded",
        label=gettext_lazy("Reminded families about an event"),
        sentence=lambda e, n, who: (
            _("%(who)s reminded %(count)s families to reply to an event")
            % {"who": who, "count": e.detail.get("families", 0)}
        ),
    ),
    EventKind(
        action="events.evening_created",
        label=gettext_lazy("Set up a parents' evening"),
        sentence=titled("%(who)s set up the parents' evening %(title)s"),
    ),
    EventKind(
        action="events.teacher_changed",
        label=gettext_lazy("Changed how families meet a teacher"),
        sentence=lambda e, n, who: (
            _("%(who)s changed how families meet a teacher at a parents' evening") % {"who": who}
        ),
    ),
    EventKind(
        action="events.slot_held",
        label=gettext_lazy("Kept a parents' evening time"),
        sentence=about_child("%(who)s kept a parents' evening time for %(pupil)s"),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="events.appointment_booked",
        label=gettext_lazy("Booked a parents' evening appointment"),
        sentence=about_child("%(who)s booked a parents' evening appointment for %(pupil)s"),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="events.appointment_changed",
        label=gettext_lazy("Changed a parents' evening appointment"),
        sentence=about_child("%(who)s changed a parents' evening appointment for %(pupil)s"),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="events.appointment_cancelled",
        label=gettext_lazy("Cancelled a parents' evening appointment"),
        sentence=about_child("%(who)s cancelled a parents' evening appointment for %(pupil)s"),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="events.appointment_joined",
        label=gettext_lazy("Joined a shared appointment"),
        sentence=about_child("%(who)s joined the other parent's appointment for %(pupil)s"),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="events.appointment_left",
        label=gettext_lazy("Left a shared appointment"),
        sentence=about_child("%(who)s left a shared appointment for %(pupil)s"),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="events.feed_renewed",
        label=gettext_lazy("Replaced a calendar address"),
        sentence=lambda e, n, who: (
            _("%(who)s replaced their private calendar address") % {"who": who}
        ),
    ),
]


def register_events_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
