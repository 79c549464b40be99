"""How the audit log says the events the early warning writes (flags, rules, signal imports)."""

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
    register_namer,
)
from schoolwindow.audit.models import AuditEvent
from schoolwindow.engagement.models import Flag, FlagOutcome


def flags_pupils(values: set[str]) -> dict[str, str]:
    """Older rows name only the flag; its pupil is found through it."""
    wanted = [int(value) for value in values if value.isdigit()]
    flags = Flag.objects.filter(pk__in=wanted).select_related("pupil")
    return {str(flag.pk): flag.pupil.display_name for flag in flags}


def flag_refs(event: AuditEvent) -> list[Ref]:
    if event.pupil_id is not None:
        return ref("pupil", event.pupil_id)
    return ref("flag_pupil", event.object_id) if event.object_type == Flag._meta.label else []


def pupil(event: AuditEvent, names: Names) -> str:
    if event.pupil_id is not None:
        return name_of(names, "pupil", event.pupil_id, _("a pupil"))
    return name_of(names, "flag_pupil", event.object_id, _("a pupil"))


def assigned(event: AuditEvent, names: Names, who: str) -> str:
    staff_id = event.detail.get("staff_id") if isinstance(event.detail, dict) else None
    if staff_id is None:
        return _("%(who)s took %(pupil)s's flag off everyone's list") % {
            "who": who,
            "pupil": pupil(event, names),
        }
    return _("%(who)s assigned %(pupil)s's flag to %(staff)s") % {
        "who": who,
        "pupil": pupil(event, names),
        "staff": name_of(names, "staff", staff_id),
    }


def resolved(event: AuditEvent, names: Names, who: str) -> str:
    outcome = event.detail.get("outcome", "") if isinstance(event.detail, dict) else ""
    label = FlagOutcome(outcome).label if outcome in FlagOutcome.values else outcome
    return _("%(who)s closed %(pupil)s's flag: %(outcome)s") % {
        "who": who,
        "pupil": pupil(event, names),
        "outcome": label,
    }


KINDS = [
    EventKind(
        action="flag.assigned",
        label=gettext_lazy("Assigned a flag"),
        sentence=assigned,
        refers_to=lambda e: [*flag_refs(e), *detail_ref(e, "staff", "staff_id")],
    ),
    EventKind(
        action="flag.contact_logged",
        label=gettext_lazy("Logged contact on a flag"),
        sentence=lambda e, n, who: (
            _("%(who)s logged contact with %(pupil)s's family on the flag")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=flag_refs,
    ),
    EventKind(
        action="flag.note_added",
        label=gettext_lazy("Added a note to a flag"),
        sentence=lambda e, n, who: (
            _("%(who)s added a note to %(pupil)s's flag") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=flag_refs,
    ),
    EventKind(
        action="flag.snoozed",
        label=gettext_lazy("Snoozed a flag"),
        sentence=lambda e, n, who: (
            _("%(who)s snoozed %(pupil)s's flag until %(until)s")
            % {"who": who, "pupil": pupil(e, n), "until": e.detail.get("until", "?")}
        ),
        refers_to=flag_refs,
    ),
    EventKind(
        action="flag.resolved",
        label=gettext_lazy("Closed a flag"),
        sentence=resolved,
        refers_to=flag_refs,
    ),
    EventKind(
        action="flag.reopened",
        label=gettext_lazy("Reopened a flag"),
        sentence=lambda e, n, who: (
            _("%(who)s reopened %(pupil)s's flag") % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=flag_refs,
    ),
    EventKind(
        action="rules.updated",
        label=gettext_lazy("Changed the early-warning rules"),
        sentence=lambda e, n, who: _("%(who)s changed the early-warning rules") % {"who": who},
    ),
    EventKind(
        action="import.signals.*",
        label=gettext_lazy("Imported attendance or activity"),
        sentence=lambda e, n, who: (
            _("%(who)s imported %(file)s")
            % {"who": who, "file": e.detail.get("file", "") or _("a file")}
        ),
    ),
    EventKind(
        action="xapi.key_create",
        label=gettext_lazy("Created a key for a learning platform"),
        sentence=lambda e, n, who: (
            _("%(who)s created a key for %(source)s to send activity")
            % {"who": who, "source": e.object_label}
        ),
    ),
    EventKind(
        action="attendance.mark_recorded",
        label=gettext_lazy("Wrote an attendance mark"),
        sentence=lambda e, n, who: (
            _("%(who)s wrote the attendance mark %(code)s for %(pupil)s")
            % {"who": who, "code": e.detail.get("code", ""), "pupil": pupil(e, n)}
        ),
        refers_to=flag_refs,
    ),
]


def register_engagement_audit_sentences() -> None:
    register_namer("flag_pupil", flags_pupils)
    for kind in KINDS:
        register_kind(kind)
