"""Writes: a need marked as met, and the school's rules switched on or off."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import CHANGE_NEED_RULES, SEE_NEEDS
from schoolwindow.core.errors import Invalid, Refused
from schoolwindow.core.once import once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.people.models import Pupil
from schoolwindow.people.selectors import pupil_get
from schoolwindow.support.needs.models import NeedMet, NeedRule
from schoolwindow.support.needs.rules import KEYS


def need_mark_met(
    *, actor: Actor, pupil_id: int, need: str, note: str = "", once: uuid.UUID | None = None
) -> NeedMet:
    """Record that the pupil's need was met outside the system. Marking it again (a double tap,
    a second tab) finds the first record: one per pupil and need."""
    if need not in KEYS:
        raise Invalid(_("Choose one of the needs."), field="need")
    pupil = pupil_get(actor=actor, pupil_id=pupil_id)
    if not actor.can(SEE_NEEDS, pupil.school_id):
        raise Refused
    note = " ".join(note.split())[:300]
    with transaction.atomic():
        claim = once_claim(once, actor=actor, repeated=_("This need was already marked as met."))
        # Lock the pupil: two marks at once are counted one after the other.
        Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
        met = NeedMet.objects.filter(pupil=pupil, need=need).first()
        if met is None:
            met = NeedMet.objects.create(
                school_id=pupil.school_id,
                pupil=pupil,
                need=need,
                met_by=actor.user,
                met_at=timezone.now(),
                note=note,
            )
            audit_record(
                actor=actor,
                action="need.met",
                target=pupil,
                detail={"need": need},
            )
        once_done(claim, reverse("needs:board") + f"?school={pupil.school_id}")
    return met


def need_rules_set(*, actor: Actor, school_id: int, enabled: set[str]) -> list[NeedRule]:
    """Switch the school's rules on and off; a rule switched off suggests nothing."""
    actor.require(CHANGE_NEED_RULES, school_id)
    unknown = enabled - set(KEYS)
    if unknown:
        raise Invalid(_("Choose among the rules."), field="enabled")
    with transaction.atomic():
        rules = []
        for key in KEYS:
            rule, _created = NeedRule.objects.select_for_update().get_or_create(
                school_id=school_id, need=key
            )
            rule.enabled = key in enabled
            rule.save(update_fields=["enabled"])
            rules.append(rule)
        audit_record(
            actor=actor,
            action="need.rules_changed",
            school_id=school_id,
            detail={"enabled": sorted(enabled)},
        )
    return rules
