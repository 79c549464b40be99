"""Writing the audit log. Services call audit_record in the same transaction as their change."""

from __future__ import annotations

from typing import Any

from django.db import models

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.permissions import Actor

PUPIL_LABEL = "people.Pupil"


def pupil_of(target: models.Model | None, detail: dict[str, Any] | None) -> int | None:
    """The pupil an event is about: the target itself, the target's pupil, or one named in the
    detail. Read by label and attribute because `audit` may not import `people`."""
    if target is not None and target._meta.label == PUPIL_LABEL:
        return int(target.pk)
    pupil_id = getattr(target, "pupil_id", None) if target is not None else None
    if pupil_id is None and detail:
        pupil_id = detail.get("pupil_id")
    return pupil_id if isinstance(pupil_id, int) else None


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    school_id: int | None = None,
    trust_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if school_id is None and target is not None:
        school_id = getattr(target, "school_id", None)
    if trust_id is None and target is not None:
        trust_id = getattr(target, "trust_id", None)
    user = actor.user
    return AuditEvent.objects.create(
        pupil_id=pupil_of(target, detail),
        school_id=school_id,
        trust_id=trust_id,
        actor=user,
        actor_label=(user.get_full_name() or user.username)
        if user
        else (f"system ({actor.system_label})" if actor.system_label else "system"),
        action=action,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_label=str(target)[:200] if target is not None else "",
        detail=detail or {},
        ip_address=actor.ip_address,
        user_agent=actor.user_agent,
    )
