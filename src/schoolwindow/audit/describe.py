"""The audit log in plain words: a sentence for each kind of event.

The app that writes a kind of event registers how to say it (`register_kind`) in its
`AppConfig.ready()`, so `audit` never imports the apps above it. A sentence often names
people and pupils the row only holds ids for; a kind says which (`refers_to`), and the app that
owns those records registers a namer that turns a batch of ids into names
(`register_namer("staff", fn)`). A page of events then costs one query per kind of name, not
one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.permissions import Actor

Ref = tuple[str, str]  # (namer, id)
Names = Mapping[Ref, str]
Namer = Callable[[set[str]], dict[str, str]]
PupilSearch = Callable[[Actor, str], QuerySet[Any]]


def no_refs(event: AuditEvent) -> Iterable[Ref]:
    return ()


@dataclass(frozen=True)
class EventKind:
    """How one kind of event (`action`) reads: its name in the filter, and its sentence."""

    action: str
    label: str | Promise
    sentence: Callable[[AuditEvent, Names, str], str]  # (event, names, who did it)
    refers_to: Callable[[AuditEvent], Iterable[Ref]] = field(default=no_refs)


_kinds: dict[str, EventKind] = {}
_namers: dict[str, Namer] = {}
_pupil_search: list[PupilSearch] = []


def register_kind(kind: EventKind) -> EventKind:
    _kinds[kind.action] = kind
    return kind


def register_namer(name: str, namer: Namer) -> None:
    _namers[name] = namer


def register_pupil_search(search: PupilSearch) -> None:
    """The owner of pupils says how a name typed in the filter finds pupils' ids."""
    _pupil_search[:] = [search]


def pupils_matching(actor: Actor, text: str) -> QuerySet[Any] | None:
    return _pupil_search[0](actor, text) if _pupil_search else None


def kind_choices() -> list[tuple[str, str]]:
    """(action, plain name) for every registered kind, by name."""
    return sorted(((k.action, str(k.label)) for k in _kinds.values()), key=lambda c: c[1])


def kind_for(action: str) -> EventKind | None:
    kind = _kinds.get(action)
    if kind is None and "." in action:
        # Families of kinds (`import.signals.attendance`) register their common prefix.
        kind = _kinds.get(action.rsplit(".", 1)[0] + ".*")
    return kind


def ref(name: str, value: object) -> list[Ref]:
    return [(name, str(value))] if value not in (None, "") else []


def detail_ref(event: AuditEvent, name: str, key: str) -> list[Ref]:
    return ref(name, event.detail.get(key)) if isinstance(event.detail, dict) else []


def name_of(names: Names, name: str, value: object, fallback: str = "") -> str:
    return names.get((name, str(value)), fallback) or fallback or _("someone")


def actor_refs(event: AuditEvent) -> list[Ref]:
    return ref("user", event.actor_id)


def who(event: AuditEvent, names: Names) -> str:
    """The person who did it, by the name the school knows them by."""
    if event.actor_id is not None:
        return name_of(names, "user", event.actor_id, event.actor_label)
    if event.actor_label.startswith("system"):
        return _("School Window")
    return event.actor_label or _("someone")


@dataclass(frozen=True)
class DescribedEvent:
    event: AuditEvent
    sentence: str


def fallback_sentence(event: AuditEvent, names: Names, actor: str) -> str:
    what = event.action.replace("_", " ").replace(".", ": ")
    if event.object_label:
        return _("%(who)s — %(what)s — %(record)s") % {
            "who": actor,
            "what": what,
            "record": event.object_label,
        }
    return _("%(who)s — %(what)s") % {"who": actor, "what": what}


def resolve(refs: Iterable[Ref]) -> dict[Ref, str]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for name, value in refs:
        wanted[name].add(value)
    names: dict[Ref, str] = {}
    for name, values in wanted.items():
        namer = _namers.get(name)
        if namer is None:
            continue
        for value, label in namer(values).items():
            names[(name, value)] = label
    return names


def describe(events: Sequence[AuditEvent]) -> list[DescribedEvent]:
    """A sentence for each event, naming people in as few queries as there are kinds of name."""
    refs: list[Ref] = []
    for event in events:
        refs.extend(actor_refs(event))
        kind = kind_for(event.action)
        if kind is not None:
            refs.extend(kind.refers_to(event))
    names = resolve(refs)
    described = []
    for event in events:
        kind = kind_for(event.action)
        actor = who(event, names)
        sentence = (kind.sentence if kind else fallback_sentence)(event, names, actor)
        described.append(DescribedEvent(event=event, sentence=sentence))
    return described
