"""How the audit log says what roster imports write: started, finished, failed, and imports
run from the command line."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, register_kind
from schoolwindow.audit.models import AuditEvent


def detail(event: AuditEvent, key: str, default: Any = None) -> Any:
    return event.detail.get(key, default) if isinstance(event.detail, dict) else default


def imported(event: AuditEvent, names: Names, who: str) -> str:
    return _("%(who)s imported %(file)s") % {
        "who": who,
        "file": detail(event, "file") or _("a file"),
    }


def import_queued(event: AuditEvent, names: Names, who: str) -> str:
    sentence = (
        _("%(who)s checked %(file)s without importing it")
        if detail(event, "dry_run")
        else _("%(who)s started importing %(file)s")
    )
    return sentence % {"who": who, "file": detail(event, "file") or _("a file")}


def import_finished(event: AuditEvent, names: Names, who: str) -> str:
    return _("The import of %(file)s finished") % {"file": detail(event, "file") or _("a file")}


def import_failed(event: AuditEvent, names: Names, who: str) -> str:
    return _("The import of %(file)s stopped with an error; nothing was written") % {
        "file": detail(event, "file") or _("a file")
    }


KINDS = [
    EventKind(
        action="import.queued",
        label=gettext_lazy("Started an import"),
        sentence=import_queued,
    ),
    EventKind(
        action="import.finished",
        label=gettext_lazy("An import finished"),
        sentence=import_finished,
    ),
    EventKind(
        action="import.failed",
        label=gettext_lazy("An import failed"),
        sentence=import_failed,
    ),
    EventKind(
        action="import.*",
        label=gettext_lazy("Imported a roster file"),
        sentence=imported,
    ),
]


def register_connectors_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
