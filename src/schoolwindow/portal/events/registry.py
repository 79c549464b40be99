"""Everything events and parents' evenings register when the app is ready: policies, audit
sentences, the parent home's "Coming up" section and what is waiting for the parent."""

from __future__ import annotations

from typing import Any

from schoolwindow.core.panels import ParentHomeSubject, WaitingItem
from schoolwindow.core.permissions import Actor


def coming_up_section(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    from django.utils import timezone

    from schoolwindow.portal.events.selectors import coming_up

    rows = coming_up(guardian_id=subject.guardian_id, pupil=subject.child, now=timezone.now())
    return {"rows": rows, "child": subject.child} if rows else None


def waiting_items(actor: Actor, subject: ParentHomeSubject) -> list[WaitingItem]:
    from schoolwindow.portal.events.waiting import waiting_for_parent

    return waiting_for_parent(actor, subject)


def register_events() -> None:
    from schoolwindow.core.panels import PARENT_HOME, PARENT_WAITING, Panel
    from schoolwindow.core.policy import register
    from schoolwindow.portal.events.audit_sentences import register_events_audit_sentences
    from schoolwindow.portal.events.policies import (
        AppointmentPolicy,
        EveningPolicy,
        EventPolicy,
    )

    register(EventPolicy())
    register(EveningPolicy())
    register(AppointmentPolicy())
    register_events_audit_sentences()
    PARENT_HOME.register(
        Panel(
            name="events_coming_up",
            template="portal/events/_coming_up.html",
            context=coming_up_section,
            order=60,
            modes=frozenset({"guardian"}),
        )
    )
    PARENT_WAITING.register("events", waiting_items)
