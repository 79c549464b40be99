"""Triage: what people do with a flag. Each function checks the actor, writes the change, the
flag's history (FlagEvent) and the audit row in one transaction.

The view has already fetched the flag through `selectors.flag_get`, so the actor may see it;
here we check that they may also *act* (Refused otherwise) and that the action makes
sense (Invalid with a message for people otherwise).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import CHANGE_EARLY_WARNING, WHOLE_SCHOOL_PASTORAL
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.permissions import Actor
from schoolwindow.engagement.models import (
    Flag,
    FlagEvent,
    FlagEventKind,
    FlagOutcome,
    FlagStatus,
    RuleSetting,
)
from schoolwindow.engagement.rules import RULES_BY_KEY, rule_config
from schoolwindow.engagement.selectors import (
    advocate_staff_ids,
    can_note,
    can_triage,
)
from schoolwindow.people.models import Staff, StaffRole

MAX_SNOOZE_DAYS = 90
MAX_NOTE = 4000


# What a triage action checks before it changes the flag.
FLAG_STATE_FIELDS = ("status", "outcome", "resolved_at", "snoozed_until", "assigned_to_id")


def flag_lock(flag: Flag) -> None:
    """Lock the flag's row and read its current state into `flag` (inside a transaction), so a
    check is made on what is in the database now, not on what the page loaded."""
    current = Flag.objects.select_for_update().values(*FLAG_STATE_FIELDS).get(pk=flag.pk)
    for name, value in current.items():
        setattr(flag, name, value)


def require_triage(actor: Actor, flag: Flag) -> None:
    if not can_triage(actor, flag):
        raise Refused


def flag_event_add(
    *, actor: Actor, flag: Flag, kind: str, note: str = "", **detail: Any
) -> FlagEvent:
    return FlagEvent.objects.create(
        school_id=flag.school_id,
        flag=flag,
        kind=kind,
        actor=actor.user,
        note=note.strip()[:MAX_NOTE],
        detail=detail,
    )


def assignable(flag: Flag, staff_id: int) -> Staff | None:
    """An active member of the flag's school staff who may see the flag, or None."""
    staff = Staff.objects.filter(pk=staff_id, school_id=flag.school_id, active=True).first()
    if staff is None:
        return None
    whole = StaffRole.objects.filter(
        staff=staff, school_id=flag.school_id, role__in=list(WHOLE_SCHOOL_PASTORAL)
    ).exists()
    if whole or staff.pk in advocate_staff_ids(flag):
        return staff
    return None


def flag_assign(*, actor: Actor, flag: Flag, staff_id: int | None) -> Flag:
    """Give the flag to a person (or to nobody, with staff_id None)."""
    require_triage(actor, flag)
    staff = None
    if staff_id is not None:
        staff = assignable(flag, staff_id)
        if staff is None:
            raise Invalid(
                _("That person cannot take this flag: choose someone from the list."),
                field="staff",
            )
    with transaction.atomic():
        flag_lock(flag)
        flag.assigned_to = staff
        flag.save(update_fields=["assigned_to", "updated_at"])
        flag_event_add(
            actor=actor,
            flag=flag,
            kind=FlagEventKind.ASSIGNED,
            to=staff.display_name if staff else "",
            staff_id=staff.pk if staff else None,
        )
        audit_record(
            actor=actor,
            action="flag.assigned",
            target=flag,
            detail={"staff_id": staff.pk if staff else None},
        )
    return flag


def flag_note_add(*, actor: Actor, flag: Flag, note: str, contact: bool = False) -> FlagEvent:
    """A note on the flag, or (contact=True) a record of contact with the family."""
    if not can_note(actor, flag):
        raise Refused
    if not note.strip():
        raise Invalid(_("Write a few words first."), field="note")
    with transaction.atomic():
        event = flag_event_add(
            actor=actor,
            flag=flag,
            kind=FlagEventKind.CONTACT if contact else FlagEventKind.NOTE,
            note=note,
        )
        Flag.objects.filter(pk=flag.pk).update(updated_at=timezone.now())
        audit_record(
            actor=actor,
            action="flag.contact_logged" if contact else "flag.note_added",
            target=flag,
        )
    return event


def flag_snooze(
    *, actor: Actor, flag: Flag, until: dt.date, note: str = "", today: dt.date | None = None
) -> Flag:
    """Hide the flag until a date; it comes back then, or at once if a new reason appears."""
    require_triage(actor, flag)
    today = today or timezone.localdate()
    if until <= today:
        raise Invalid(_("Choose a date after today."), field="until")
    if until > today + dt.timedelta(days=MAX_SNOOZE_DAYS):
        raise Invalid(
            _("Snooze for at most %(days)d days.") % {"days": MAX_SNOOZE_DAYS}, field="until"
        )
    with transaction.atomic():
        flag_lock(flag)
        if flag.status == FlagStatus.RESOLVED:
            raise Invalid(_("This flag is resolved. Reopen it first."))
        flag.status = FlagStatus.SNOOZED
        flag.snoozed_until = until
        flag.save(update_fields=["status", "snoozed_until", "updated_at"])
        flag_event_add(
            actor=actor, flag=flag, kind=FlagEventKind.SNOOZED, note=note, until=until.isoformat()
        )
        audit_record(
            actor=actor, action="flag.snoozed", target=flag, detail={"until": until.isoformat()}
        )
    return flag


def flag_resolve(*, actor: Actor, flag: Flag, outcome: str, note: str = "") -> Flag:
    require_triage(actor, flag)
    if outcome not in FlagOutcome.values:
        raise Invalid(_("Choose what the outcome was."), field="outcome")
    with transaction.atomic():
        flag_lock(flag)
        if flag.status == FlagStatus.RESOLVED:
            raise Invalid(_("This flag is already resolved."))
        flag.status = FlagStatus.RESOLVED
        flag.outcome = outcome
        flag.resolved_at = timezone.now()
        flag.snoozed_until = None
        flag.save(update_fields=["status", "outcome", "resolved_at", "snoozed_until", "updated_at"])
        flag_event_add(
            actor=actor, flag=flag, kind=FlagEventKind.RESOLVED, note=note, outcome=outcome
        )
        audit_record(actor=actor, action="flag.resolved", target=flag, detail={"outcome": outcome})
    return flag


def flag_reopen(*, actor: Actor, flag: Flag, note: str = "") -> Flag:
    require_triage(actor, flag)
    try:
        with transaction.atomic():
            flag_lock(flag)
            if flag.status != FlagStatus.RESOLVED:
                raise Invalid(_("This flag is still open."))
            flag.status = FlagStatus.OPEN
            flag.outcome = ""
            flag.resolved_at = None
            flag.save(update_fields=["status", "outcome", "resolved_at", "updated_at"])
            flag_event_add(actor=actor, flag=flag, kind=FlagEventKind.REOPENED, note=note)
            audit_record(actor=actor, action="flag.reopened", target=flag)
    except IntegrityError:
        flag.refresh_from_db()
        raise Invalid(_("This pupil already has an open flag: add to that one instead.")) from None
    return flag


# --- Rule settings -------------------------------------------------------------------------


def rule_settings_update(
    *, actor: Actor, school_id: int, values: Mapping[str, tuple[bool, dict[str, int]]]
) -> list[str]:
    """Save a school's thresholds. Only what differs from before is written and audited.

    Returns the keys of the rules that changed.
    """
    if not actor.can(CHANGE_EARLY_WARNING, school_id):
        raise Refused
    stored = {setting.rule: setting for setting in RuleSetting.objects.filter(school_id=school_id)}
    before = rule_config(
        {key: (setting.enabled, setting.params) for key, setting in stored.items()}
    )
    changed: dict[str, dict[str, Any]] = {}
    with transaction.atomic():
        for key, (enabled, params) in values.items():
            rule = RULES_BY_KEY.get(key)
            if rule is None:
                continue
            wanted = rule_config({key: (enabled, params)})[key]
            old = before[key]
            if wanted == old:
                continue
            is_default = wanted.enabled and wanted.params == rule.defaults
            setting = stored.get(key)
            if is_default:
                if setting is not None:
                    setting.delete()
            elif setting is None:
                RuleSetting.objects.create(
                    school_id=school_id,
                    rule=key,
                    enabled=wanted.enabled,
                    params=wanted.params,
                    updated_by=actor.user,
                )
            else:
                setting.enabled = wanted.enabled
                setting.params = wanted.params
                setting.updated_by = actor.user
                setting.save(update_fields=["enabled", "params", "updated_by", "updated_at"])
            changed[key] = {
                "from": {"enabled": old.enabled, **old.params},
                "to": {"enabled": wanted.enabled, **wanted.params},
            }
        if changed:
            audit_record(actor=actor, action="rules.updated", school_id=school_id, detail=changed)
    return list(changed)
