"""How the audit log says what home learning writes."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwindow.audit.describe import EventKind, Names, name_of, ref, register_kind
from schoolwindow.audit.models import AuditEvent
from schoolwindow.homelife.models import Source


def pupil_refs(event: AuditEvent) -> list[tuple[str, str]]:
    return ref("pupil", event.pupil_id)


def recorded(event: AuditEvent, names: Names, who: str) -> str:
    source = event.detail.get("source", "") if isinstance(event.detail, dict) else ""
    label = Source(source).label if source in Source.values else source
    return _("%(who)s recorded %(pupil)s's home-learning answers (%(source)s)") % {
        "who": who,
        "pupil": name_of(names, "pupil", event.pupil_id, _("a pupil")),
        "source": label,
    }


KINDS = [
    EventKind(
        action="homelife.answers_recorded",
        label=gettext_lazy("Recorded home-learning answers"),
        sentence=recorded,
        refers_to=pupil_refs,
    ),
    EventKind(
        action="homelife.survey_answered",
        label=gettext_lazy("A family answered the home-learning survey"),
        sentence=lambda e, n, who: _("A family answered the home-learning survey"),
    ),
    EventKind(
        action="homelife.round_opened",
        label=gettext_lazy("Opened a home-learning survey"),
        sentence=lambda e, n, who: (
            _("%(who)s opened the home-learning survey “%(title)s”")
            % {"who": who, "title": e.object_label}
        ),
    ),
    EventKind(
        action="homelife.survey_chased",
        label=gettext_lazy("Reminded families about the home-learning survey"),
        sentence=lambda e, n, who: (
            _("%(who)s reminded %(n)s families about “%(title)s”")
            % {
                "who": who,
                "n": e.detail.get("families", 0) if isinstance(e.detail, dict) else 0,
                "title": e.object_label,
            }
        ),
    ),
    EventKind(
        action="homelife.settings_changed",
        label=gettext_lazy("Changed when home-learning profiles go out of date"),
        sentence=lambda e, n, who: (
            _("%(who)s changed when home-learning profiles go out of date") % {"who": who}
        ),
    ),
]


def register_homelife_audit_sentences() -> None:
    for kind in KINDS:
        register_kind(kind)
