"""How the audit log says what happened to parcels."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, Ref, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent


def pupil_refs(event: AuditEvent) -> list[Ref]:
    return ref("pupil", event.pupil_id) if event.pupil_id is not None else []


def pupil(event: AuditEvent, names: Names) -> str:
    return name_of(names, "pupil", event.pupil_id, _("a pupil"))


def by(event: AuditEvent, who: str) -> str:
    """The driver by name (they have no account, so the log would otherwise say the system)."""
    driver = event.detail.get("driver") if isinstance(event.detail, dict) else None
    if driver:
        return _("%(name)s (volunteer driver)") % {"name": driver}
    return who


KINDS = [
    EventKind(
        action="parcel.list_create",
        label=gettext_lazy("Saved a packing list"),
        sentence=lambda e, n, who: (
            _("%(who)s saved the packing list %(name)s") % {"who": who, "name": e.object_label}
        ),
    ),
    EventKind(
        action="parcel.list_update",
        label=gettext_lazy("Changed a packing list"),
        sentence=lambda e, n, who: (
            _("%(who)s changed the packing list %(name)s") % {"who": who, "name": e.object_label}
        ),
    ),
    EventKind(
        action="parcel.list_retire",
        label=gettext_lazy("Retired a packing list"),
        sentence=lambda e, n, who: (
            _("%(who)s retired the packing list %(name)s") % {"who": who, "name": e.object_label}
        ),
    ),
    EventKind(
        action="parcel.list_restore",
        label=gettext_lazy("Brought back a packing list"),
        sentence=lambda e, n, who: (
            _("%(who)s brought back the packing list %(name)s")
            % {"who": who, "name": e.object_label}
        ),
    ),
    EventKind(
        action="parcel.request",
        label=gettext_lazy("Asked for a parcel"),
        sentence=lambda e, n, who: (
            _("%(who)s asked for a parcel for the family of %(pupil)s")
            % {"who": who, "pupil": pupil(e, n)}
        ),
        refers_to=pupil_refs,
    ),
    EventKind(
        action="parcel.packed",
        label=gettext_lazy("Packed a parcel"),
        sentence=lambda e, n, who: _("%(who)s packed a parcel") % {"who": who},
    ),
    EventKind(
        action="parcel.unpacked",
        label=gettext_lazy("Took an item out of a packed parcel"),
        sentence=lambda e, n, who: _("%(who)s took an item out of a packed parcel") % {"who": who},
    ),
    EventKind(
        action="parcel.round_plan",
        label=gettext_lazy("Planned a delivery round"),
        sentence=lambda e, n, who: _("%(who)s planned a delivery round") % {"who": who},
    ),
    EventKind(
        action="parcel.round_link",
        label=gettext_lazy("Made a new link for a driver"),
        sentence=lambda e, n, who: _("%(who)s made a new link for a driver") % {"who": who},
    ),
    EventKind(
        action="parcel.delivered",
        label=gettext_lazy("Confirmed a parcel delivered"),
        sentence=lambda e, n, who: _("%(who)s confirmed a parcel delivered") % {"who": by(e, who)},
    ),
    EventKind(
        action="parcel.not_delivered",
        label=gettext_lazy("Said a parcel was not delivered"),
        sentence=lambda e, n, who: (
            _("%(who)s said a parcel was not delivered") % {"who": by(e, who)}
        ),
    ),
    EventKind(
        action="parcel.cancel",
        label=gettext_lazy("Cancelled a parcel"),
        sentence=lambda e, n, who: _("%(who)s cancelled a parcel") % {"who": who},
    ),
]


def register_parcel_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
