"""Writes: a call or referral recorded and changed, and a flag resolved with the help given.
Each service locks what it checks, writes, audits, in one transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import SUPPORT_ACTIONS
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.engagement import services as engagement
from schoolwindow.engagement.models import Flag, FlagStatus
from schoolwindow.engagement.selectors import can_triage
from schoolwindow.people.models import Pupil, Staff
from schoolwindow.support.actions.models import ActionKind, FlagLink, ReferralType, SupportAction
from schoolwindow.support.actions.policies import CHANGE
from schoolwindow.support.actions.selectors import flag_for_support, help_since_flag
from schoolwindow.support.timeline import EntryStatus

MAX_SUMMARY = 200
MAX_OUTCOME = 300


def _owner(school_id: int, owner_id: int | None) -> Staff:
    owner = (
        Staff.objects.filter(pk=owner_id, school_id=school_id, active=True).first()
        if owner_id is not None
        else None
    )
    if owner is None:
        raise Invalid(_("Choose who owns this from the school's staff."), field="owner")
    return owner


def _check_status(status: str) -> None:
    if status not in EntryStatus.values:
        raise Invalid(_("Choose a status."), field="status")


def action_url(action_id: int) -> str:
    return reverse("actions:action", kwargs={"action_id": action_id})


def action_create(
    *,
    actor: Actor,
    pupil_id: int,
    kind: str,
    summary: str,
    on: dt.date,
    owner_id: int | None,
    due: dt.date | None = None,
    status: str = EntryStatus.PLANNED,
    outcome: str = "",
    referral_type: str = "",
    flag_id: int | None = None,
    once: uuid.UUID | None = None,
) -> SupportAction:
    """Record a call with the family or a referral for the pupil."""
    summary = " ".join(summary.split())[:MAX_SUMMARY]
    outcome = " ".join(outcome.split())[:MAX_OUTCOME]
    if kind not in ActionKind.values:
        raise Invalid(_("Choose a call or a referral."), field="kind")
    if kind == ActionKind.REFERRAL and referral_type not in ReferralType.values:
        raise Invalid(_("Choose where the referral goes."), field="referral_type")
    if kind == ActionKind.CALL:
        referral_type = ""
    if not summary:
        raise Invalid(_("Say in a few words what it is about."), field="summary")
    _check_status(status)
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This was already recorded."))
        pupil = policy_for(Pupil).visible(actor).filter(pk=pupil_id).first()
        if pupil is None or not actor.is_staff_member:
            raise NotFound
        if not actor.can(SUPPORT_ACTIONS, pupil.school_id):
            raise Refused(_("Only pastoral staff and the pupil's advocate record support."))
        # Lock the pupil: two records at once are written one after the other.
        Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
        owner = _owner(pupil.school_id, owner_id)
        flag = None
        if flag_id is not None:
            flag = Flag.objects.filter(pk=flag_id, school_id=pupil.school_id, pupil=pupil).first()
            if flag is None:
                raise Invalid(_("Choose one of this pupil's flags."), field="flag")
        action = SupportAction.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            kind=kind,
            referral_type=referral_type,
            summary=summary,
            on=on,
            owner=owner,
            due=due,
            status=status,
            outcome=outcome,
            flag=flag,
            created_by=actor.user,
        )
        audit_record(
            actor=actor,
            action="support_action.created",
            target=action,
            detail={"kind": kind, "referral_type": referral_type, "status": status},
        )
        once_done(claim, action_url(action.pk))
    return action


def action_update(
    *,
    actor: Actor,
    action_id: int,
    status: str,
    outcome: str,
    due: dt.date | None,
    owner_id: int | None,
) -> SupportAction:
    """Change how a call or referral stands: its status, outcome, due date and owner."""
    outcome = " ".join(outcome.split())[:MAX_OUTCOME]
    _check_status(status)
    with transaction.atomic():
        policy = policy_for(SupportAction)
        if not policy.visible(actor).filter(pk=action_id).exists():
            raise NotFound
        action = SupportAction.objects.select_for_update().get(pk=action_id)
        policy.check(actor, CHANGE, action)
        owner = _owner(action.school_id, owner_id)
        before = {
            "status": action.status,
            "owner_id": action.owner_id,
            "due": action.due.isoformat() if action.due else None,
        }
        action.status = status
        action.outcome = outcome
        action.due = due
        action.owner = owner
        action.save(update_fields=["status", "outcome", "due", "owner", "updated_at"])
        audit_record(
            actor=actor,
            action="support_action.updated",
            target=action,
            detail={
                "before": before,
                "status": status,
                "owner_id": owner.pk,
                "due": due.isoformat() if due else None,
            },
        )
    return action


def flag_resolve_with_help(
    *,
    actor: Actor,
    flag_id: int,
    outcome: str,
    note: str = "",
    refs: Collection[str] = (),
    today: dt.date | None = None,
) -> list[FlagLink]:
    """Resolve the flag (engagement's own service: it locks the flag and refuses one already
    resolved) and link the chosen help to it, in one transaction: both or neither."""
    today = today or timezone.localdate()
    flag = flag_for_support(actor=actor, flag_id=flag_id)
    if not can_triage(actor, flag):
        raise Refused(_("Only pastoral staff and the pupil's advocate resolve a flag."))
    if flag.status == FlagStatus.RESOLVED:
        raise Invalid(_("This flag is already resolved."))
    chosen = set(refs)
    with transaction.atomic():
        engagement.flag_resolve(actor=actor, flag=flag, outcome=outcome, note=note)
        # Only help of this pupil since the flag opened may be linked (a tampered form links
        # nothing else); read after the flag is locked.
        entries = {row.entry.ref: row.entry for row in help_since_flag(flag=flag, today=today)}
        unknown = chosen - set(entries)
        if unknown:
            raise Invalid(_("Choose among the help listed."), field="refs")
        links = [
            FlagLink(
                school_id=flag.school_id,
                flag=flag,
                kind=entries[ref].kind,
                ref=ref,
                linked_by=actor.user,
            )
            for ref in sorted(chosen)
        ]
        FlagLink.objects.bulk_create(links, ignore_conflicts=True)
        audit_record(
            actor=actor,
            action="flag.help_linked",
            target=flag,
            detail={"outcome": outcome, "refs": sorted(chosen)},
        )
    return links
