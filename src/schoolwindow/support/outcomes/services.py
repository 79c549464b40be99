"""Writes for "did it work?": the school's choice of N."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import CHANGE_OUTCOME_SETTINGS
from schoolwindow.core.errors import Invalid
from schoolwindow.core.permissions import Actor
from schoolwindow.support.outcomes.models import OutcomeSettings

MIN_DAYS = 5
MAX_DAYS = 60


def outcome_settings_change(*, actor: Actor, school_id: int, recovery_days: int) -> OutcomeSettings:
    """How many school days after the help began "did it work?" looks at."""
    actor.require(CHANGE_OUTCOME_SETTINGS, school_id)
    if not MIN_DAYS <= recovery_days <= MAX_DAYS:
        raise Invalid(
            _("Choose between %(low)s and %(high)s school days.")
            % {"low": MIN_DAYS, "high": MAX_DAYS},
            field="recovery_days",
        )
    with transaction.atomic():
        settings, _created = OutcomeSettings.objects.select_for_update().get_or_create(
            school_id=school_id
        )
        before = settings.recovery_days
        settings.recovery_days = recovery_days
        settings.save()
        audit_record(
            actor=actor,
            action="outcomes.settings_changed",
            school_id=school_id,
            detail={"recovery_days": recovery_days, "before": before},
        )
    return settings
