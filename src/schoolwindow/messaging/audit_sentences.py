"""How the audit log says what messaging writes: conversations, contacts, announcements,
weekly summaries, letters, settings, and copies held back by a contact restriction."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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


def detail(event: AuditEvent, key: str, default: Any = None) -> Any:
    return event.detail.get(key, default) if isinstance(event.detail, dict) else default


def pupil_refs(event: AuditEvent) -> list[Ref]:
    if event.pupil_id is not None:
        return ref("pupil", event.pupil_id)
    return detail_ref(event, "pupil", "pupil_id")


def pupil(event: AuditEvent, names: Names) -> str:
    pupil_id = event.pupil_id if event.pupil_id is not None else detail(event, "pupil_id")
    return name_of(names, "pupil", pupil_id, "") if pupil_id is not None else ""


def about_pupil(event: AuditEvent, names: Names, who: str, with_pupil: str, without: str) -> str:
    """The sentence naming the pupil when the event is about one, the general one otherwise."""
    name = pupil(event, names)
    if name:
        return with_pupil % {"who": who, "pupil": name}
    return without % {"who": who}


def conversation_started(event: AuditEvent, names: Names, who: str) -> str:
    return about_pupil(
        event,
        names,
        who,
        _("%(who)s started a conversation with %(pupil)s's family"),
        _("%(who)s started a conversation with a family"),
    )


def message_posted(event: AuditEvent, names: Names, who: str) -> str:
    return about_pupil(
        event,
        names,
        who,
        _("%(who)s wrote in the conversation about %(pupil)s"),
        _("%(who)s wrote in a conversation"),
    )


def contact_logged(event: AuditEvent, names: Names, who: str) -> str:
    return about_pupil(
        event,
        names,
        who,
        _("%(who)s logged a contact with %(pupil)s's family"),
        _("%(who)s logged a contact with a family"),
    )


def staff_added(event: AuditEvent, names: Names, who: str) -> str:
    return _("%(who)s added %(staff)s to a conversation") % {
        "who": who,
        "staff": name_of(names, "staff", detail(event, "staff_id")),
    }


def contact_refused(event: AuditEvent, names: Names, who: str) -> str:
    return _(
        "Nothing was sent to %(guardian)s about %(pupil)s: they may not be contacted (%(who)s)"
    ) % {
        "who": who,
        "guardian": name_of(names, "guardian", detail(event, "guardian_id"), _("a parent")),
        "pupil": pupil(event, names) or _("a pupil"),
    }


def broadcast_queued(event: AuditEvent, names: Names, who: str) -> str:
    copies = int(detail(event, "copies", 0) or 0)
    return ngettext(
        "%(who)s sent the announcement “%(subject)s” (%(copies)d copy)",
        "%(who)s sent the announcement “%(subject)s” (%(copies)d copies)",
        copies,
    ) % {"who": who, "subject": event.object_label, "copies": copies}


def announcement_answered(event: AuditEvent, names: Names, who: str) -> str:
    return _("%(guardian)s answered an announcement") % {
        "guardian": name_of(names, "guardian", detail(event, "guardian_id"), who),
    }


def nudges_approved(event: AuditEvent, names: Names, who: str) -> str:
    sent = int(detail(event, "sent", 0) or 0)
    return ngettext(
        "%(who)s approved the weekly summaries: %(sent)d sent",
        "%(who)s approved the weekly summaries: %(sent)d sent",
        sent,
    ) % {"who": who, "sent": sent}


def letters_printed(event: AuditEvent, names: Names, who: str) -> str:
    count = int(detail(event, "count", 0) or 0)
    return ngettext(
        "%(who)s printed %(count)d letter to families",
        "%(who)s printed %(count)d letters to families",
        count,
    ) % {"who": who, "count": count}


def letters_downloaded(event: AuditEvent, names: Names, who: str) -> str:
    count = int(detail(event, "count", 0) or 0)
    return ngettext(
        "%(who)s downloaded %(count)d letter to families to print",
        "%(who)s downloaded %(count)d letters to families to print",
        count,
    ) % {"who": who, "count": count}


def guardian_and_pupil_refs(event: AuditEvent) -> list[Ref]:
    return [*pupil_refs(event), *detail_ref(event, "guardian", "guardian_id")]


KINDS = [
    EventKind(
        action="messaging.conversation_started",
        label=gettext_lazy("Started a conversation"),
        sentence=conversation_started,
        refers_to=pupil_refs,
    ),
    EventKind(
        action="messaging.message_posted",
        label=gettext_lazy("Wrote a message"),
        sentence=message_posted,
        refers_to=pupil_refs,
    ),
    EventKind(
        action="messaging.contact_logged",
        label=gettext_lazy("Logged a contact"),
        sentence=contact_logged,
        refers_to=pupil_refs,
    ),
    EventKind(
        action="messaging.staff_added",
        label=gettext_lazy("Added a colleague to a conversation"),
        sentence=staff_added,
        refers_to=lambda e: detail_ref(e, "staff", "staff_id"),
    ),
    EventKind(
        action="messaging.contact_refused",
        label=gettext_lazy("Held back a message to a parent who may not be contacted"),
        sentence=contact_refused,
        refers_to=guardian_and_pupil_refs,
    ),
    EventKind(
        action="messaging.settings_updated",
        label=gettext_lazy("Changed the messaging settings"),
        sentence=lambda e, n, who: _("%(who)s changed the messaging settings") % {"who": who},
    ),
    EventKind(
        action="messaging.broadcast_created",
        label=gettext_lazy("Wrote an announcement"),
        sentence=lambda e, n, who: (
            _("%(who)s wrote the announcement “%(subject)s”")
            % {"who": who, "subject": e.object_label}
        ),
    ),
    EventKind(
        action="messaging.broadcast_queued",
        label=gettext_lazy("Sent an announcement"),
        sentence=broadcast_queued,
    ),
    EventKind(
        action="messaging.announcement_answered",
        label=gettext_lazy("A parent answered an announcement"),
        sentence=announcement_answered,
        refers_to=lambda e: detail_ref(e, "guardian", "guardian_id"),
    ),
    EventKind(
        action="messaging.nudges_approved",
        label=gettext_lazy("Approved the weekly summaries"),
        sentence=nudges_approved,
    ),
    EventKind(
        action="messaging.nudges_discarded",
        label=gettext_lazy("Discarded the weekly summaries"),
        sentence=lambda e, n, who: _("%(who)s discarded the weekly summaries") % {"who": who},
    ),
    EventKind(
        action="messaging.letters_printed",
        label=gettext_lazy("Printed letters to families"),
        sentence=letters_printed,
    ),
    EventKind(
        action="messaging.letters_downloaded",
        label=gettext_lazy("Downloaded letters to families"),
        sentence=letters_downloaded,
    ),
    EventKind(
        action="messaging.nudge_sent",
        label=gettext_lazy("Sent one weekly summary"),
        sentence=lambda e, n, who: _("%(who)s sent one weekly summary") % {"who": who},
    ),
    EventKind(
        action="messaging.nudge_skipped",
        label=gettext_lazy("Skipped one weekly summary"),
        sentence=lambda e, n, who: _("%(who)s skipped one weekly summary") % {"who": who},
    ),
]


def register_messaging_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
