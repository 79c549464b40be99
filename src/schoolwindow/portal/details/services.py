"""Writes for details families keep up to date: a parent proposes or confirms, the office
accepts or rejects, leaders choose who hears of medical notes, staff mark an alert read.

Each service checks the actor, locks what it checks, writes, audits, in one transaction. A
proposal never writes the record itself: accepting does, through people's services.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import DETAILS_SEE_MEDICAL, DETAILS_SETTINGS
from schoolwindow.core.errors import Invalid, NotFound
from schoolwindow.core.once import AlreadyDone, content_token, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.models import Guardian, Pupil, Staff
from schoolwindow.people.services import (
    guardian_contact_clean,
    guardian_contact_update,
    pupil_health_notes_update,
)
from schoolwindow.portal.details.models import (
    CHILD_FIELDS,
    GUARDIAN_FIELDS,
    ChangeStatus,
    CheckKind,
    DetailsChange,
    DetailsCheck,
    DetailsSettings,
    Field,
    MedicalAlert,
)
from schoolwindow.portal.details.policies import DECIDE
from schoolwindow.portal.details.selectors import child_of

MAX_NOTES = 2000
MAX_REASON = 500


@dataclass
class Proposal:
    """What one send did: the changes now waiting, how many earlier ones they replaced, and
    whether it was a plain "nothing has changed"."""

    made: list[DetailsChange] = field(default_factory=list)
    replaced: int = 0
    unchanged: bool = False


def _clean(values: Mapping[str, str]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name, value in values.items():
        if name in GUARDIAN_FIELDS:
            cleaned[name] = guardian_contact_clean(name, value)
        elif name in CHILD_FIELDS:
            text = "\n".join(line.rstrip() for line in value.strip().splitlines())
            if len(text) > MAX_NOTES:
                raise Invalid(_("Please keep this under 2,000 characters."), field=name)
            cleaned[name] = text
        else:
            raise Invalid(_("That detail cannot be changed here."), field=name)
    return cleaned


def details_propose(
    *,
    actor: Actor,
    pupil_id: int,
    values: Mapping[str, str],
    once: uuid.UUID | None = None,
) -> Proposal:
    """A parent sends their contact details and one child's notes as they should be. Each field
    that differs from the record becomes a change waiting for the office (replacing one already
    waiting for that field); nothing differing is logged as "nothing has changed". The record
    itself is not touched."""
    child = child_of(actor, pupil_id)
    if child is None or actor.guardian_id is None:
        raise NotFound
    cleaned = _clean(values)
    repeated = _("These details were already sent. They are waiting for the school.")
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=repeated)
        # One send at a time per family: two tabs sending different changes queue here, and the
        # later one replaces the earlier (the unique "one waiting per field" rule backs this).
        guardian = Guardian.objects.select_for_update().get(pk=actor.guardian_id)
        pupil = Pupil.objects.get(pk=child.pk)
        waiting = {
            (change.pupil_id, change.field): change
            for change in DetailsChange.objects.select_for_update().filter(
                guardian_id=guardian.pk, status=ChangeStatus.WAITING
            )
            if change.pupil_id in (None, pupil.pk)
        }
        result = Proposal()
        already = 0
        for name, new in cleaned.items():
            about = pupil.pk if name in CHILD_FIELDS else None
            current = str(getattr(pupil if about else guardian, name))
            pending = waiting.get((about, name))
            if pending is not None and pending.new_value == new:
                already += 1
                continue
            if pending is not None:
                # Changed again before the office looked (or changed back): the newest wins.
                pending.status = ChangeStatus.REPLACED
                pending.decided_at = timezone.now()
                pending.save(update_fields=["status", "decided_at"])
                result.replaced += 1
            if new == current:
                continue
            result.made.append(
                DetailsChange.objects.create(
                    school_id=pupil.school_id,
                    guardian_id=guardian.pk,
                    pupil_id=about,
                    field=name,
                    old_value=current,
                    new_value=new,
                )
            )
        if not result.made and not result.replaced and already:
            raise AlreadyDone(repeated, url=reverse("portal_details:family"))
        changed = bool(result.made or result.replaced)
        result.unchanged = not changed
        check = DetailsCheck.objects.create(
            school_id=pupil.school_id,
            guardian_id=guardian.pk,
            pupil_id=pupil.pk,
            kind=CheckKind.CHANGED if changed else CheckKind.UNCHANGED,
        )
        if changed:
            audit_record(
                actor=actor,
                action="details.proposed",
                target=check,
                detail={
                    "fields": sorted(change.field for change in result.made),
                    "replaced": result.replaced,
                },
            )
        else:
            audit_record(actor=actor, action="details.confirmed", target=check)
        for change in result.made:
            if change.is_medical and change.new_value:
                _alert_named_staff(actor=actor, change=change)
        once_done(claim, f"{reverse('portal_details:family')}?child={pupil.pk}")
    return result


def details_confirm(*, actor: Actor, pupil_id: int, once: uuid.UUID | None = None) -> DetailsCheck:
    """ "Nothing has changed": logged with its date for the office, once a day per child (a
    second tab or a double tap is told it was already noted)."""
    child = child_of(actor, pupil_id)
    if child is None or actor.guardian_id is None:
        raise NotFound
    today = timezone.localdate()
    repeated = _("Thank you, we already have that. Your details are noted as checked.")
    url = f"{reverse('portal_details:family')}?child={child.pk}"
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=repeated)
        same = once_claim(
            content_token("details-confirm", actor.guardian_id, child.pk, today),
            actor=actor,
            repeated=repeated,
        )
        check = DetailsCheck.objects.create(
            school_id=child.school_id,
            guardian_id=actor.guardian_id,
            pupil_id=child.pk,
            kind=CheckKind.UNCHANGED,
        )
        audit_record(actor=actor, action="details.confirmed", target=check)
        once_done(claim, url)
        once_done(same, url)
    return check


def _alert_named_staff(*, actor: Actor, change: DetailsChange) -> int:
    """Tell the staff the school named that a child has a new or changed medical note: those
    still at the school who may see medical notes. Audited with how many were told."""
    chosen = DetailsSettings.objects.filter(school_id=change.school_id).first()
    if chosen is None or change.pupil_id is None:
        return 0
    staff = list(
        chosen.alert_staff.filter(
            school_id=change.school_id, active=True, roles__role__in=list(DETAILS_SEE_MEDICAL)
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    MedicalAlert.objects.bulk_create(
        [
            MedicalAlert(
                school_id=change.school_id,
                change=change,
                staff_id=staff_id,
                pupil_id=change.pupil_id,
            )
            for staff_id in staff
        ],
        ignore_conflicts=True,
    )
    audit_record(
        actor=actor,
        action="details.medical_alerted",
        target=change,
        detail={"staff": len(staff)},
    )
    return len(staff)


def details_decide(
    *, actor: Actor, change_id: int, accept: bool, reason: str = ""
) -> DetailsChange:
    """The office accepts (the record is changed, through people) or rejects (with an optional
    reason for the family) one waiting change. Of two people deciding at once, the second
    waits on the lock and is told it was already done."""
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise Invalid(_("Please keep the reason under 500 characters."), field="reason")
    visible = policy_for(DetailsChange).visible(actor)
    with transaction.atomic():
        change = visible.select_for_update().filter(pk=change_id).first()
        if change is None:
            raise NotFound
        policy_for(DetailsChange).check(actor, DECIDE, change)
        if change.status == ChangeStatus.REPLACED:
            raise AlreadyDone(_("The family sent a newer change for this; see the list."))
        if change.status != ChangeStatus.WAITING:
            raise AlreadyDone(_("This change was already dealt with."))
        if accept:
            if change.pupil_id is not None and change.field in CHILD_FIELDS:
                pupil_health_notes_update(
                    actor=actor, pupil_id=change.pupil_id, changes={change.field: change.new_value}
                )
            else:
                guardian_contact_update(
                    actor=actor,
                    guardian_id=change.guardian_id,
                    school_id=change.school_id,
                    changes={change.field: change.new_value},
                )
        change.status = ChangeStatus.ACCEPTED if accept else ChangeStatus.REJECTED
        change.reason = "" if accept else reason
        change.decided_by = actor.user
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="details.accepted" if accept else "details.rejected",
            target=change,
            detail={"field": change.field},
        )
    return change


def details_settings_update(
    *, actor: Actor, school_id: int, check_every_days: int, staff_ids: Iterable[int]
) -> DetailsSettings:
    """How often a school's families are asked to check, and who hears of medical notes (only
    staff of the school who may see medical notes can be named)."""
    actor.require(DETAILS_SETTINGS, school_id)
    if not 30 <= check_every_days <= 730:
        raise Invalid(_("Choose between 30 and 730 days."), field="check_every_days")
    wanted = set(staff_ids)
    allowed = set(
        Staff.objects.filter(
            pk__in=wanted,
            school_id=school_id,
            active=True,
            roles__role__in=list(DETAILS_SEE_MEDICAL),
        ).values_list("pk", flat=True)
    )
    if wanted - allowed:
        raise Invalid(_("Choose staff of this school who may see medical notes."), field="staff")
    with transaction.atomic():
        chosen, _created = DetailsSettings.objects.select_for_update().get_or_create(
            school_id=school_id
        )
        before = sorted(chosen.alert_staff.values_list("pk", flat=True))
        chosen.check_every_days = check_every_days
        chosen.save(update_fields=["check_every_days"])
        chosen.alert_staff.set(sorted(allowed))
        audit_record(
            actor=actor,
            action="details.settings_changed",
            target=chosen,
            detail={
                "check_every_days": check_every_days,
                "staff_before": before,
                "staff_after": sorted(allowed),
            },
        )
    return chosen


def medical_alert_read(*, actor: Actor, alert_id: int) -> MedicalAlert:
    with transaction.atomic():
        alert = (
            policy_for(MedicalAlert).visible(actor).select_for_update().filter(pk=alert_id).first()
        )
        if alert is None:
            raise NotFound
        if alert.read_at is None:
            alert.read_at = timezone.now()
            alert.save(update_fields=["read_at"])
            audit_record(actor=actor, action="details.alert_read", target=alert)
    return alert


__all__ = [
    "Field",
    "Proposal",
    "details_confirm",
    "details_decide",
    "details_propose",
    "details_settings_update",
    "medical_alert_read",
]
