"""A school's own messaging choices: quiet hours, when an unread email becomes a text, how long
without good news before a family is listed, and who approves the weekly summaries.

Leaders and the pastoral lead change them; every change is audited with what it was before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import CHANGE_MESSAGING_SETTINGS
from schoolwindow.core.permissions import Actor
from schoolwindow.messaging.models import MessagingSettings
from schoolwindow.people.models import Staff

FIELDS = ("quiet_from", "quiet_until", "unread_fallback_hours", "positive_gap_school_days")


def may_change_settings(actor: Actor) -> bool:
    return actor.can_anywhere(CHANGE_MESSAGING_SETTINGS)


def settings_schools(actor: Actor) -> list[int]:
    return sorted(actor.schools_where(CHANGE_MESSAGING_SETTINGS))


# Unparametrised: Django's own class is not subscriptable at run time.
class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Staff) -> str:
        name = f"{obj.first_name} {obj.last_name}"
        return f"{name} ({obj.job_title})" if obj.job_title else name


class MessagingSettingsForm(forms.Form):
    quiet_from = forms.TimeField(
        label=_("Quiet hours start"),
        help_text=_("From this time, messages to families wait until the morning."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_until = forms.TimeField(
        label=_("Quiet hours end"),
        help_text=_("Messages that waited overnight go out at this time."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    unread_fallback_hours = forms.IntegerField(
        label=_("Send a text when an email is still unread after (hours)"),
        min_value=1,
        max_value=336,
    )
    positive_gap_school_days = forms.IntegerField(
        label=_("List families with no good news for (school days)"),
        min_value=1,
        max_value=190,
    )
    nudge_approver = StaffChoiceField(
        label=_("Who approves the weekly summaries"),
        help_text=_("When nobody is named, any leader or the pastoral lead may approve."),
        queryset=Staff.objects.none(),
        required=False,
        empty_label=_("Any leader or the pastoral lead"),
    )

    def __init__(self, *args: Any, school_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nudge_approver"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Staff.objects.filter(school_id=school_id, active=True).order_by(
            "last_name", "first_name"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("quiet_from") and data.get("quiet_from") == data.get("quiet_until"):
            self.add_error("quiet_until", _("The end must differ from the start."))
        return data


def messaging_settings_get(school_id: int) -> MessagingSettings:
    return MessagingSettings.objects.filter(school_id=school_id).first() or MessagingSettings(
        school_id=school_id
    )


def as_text(value: object) -> object:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


def messaging_settings_update(*, actor: Actor, school_id: int, values: dict[str, Any]) -> list[str]:
    """Save what changed; returns the names of the changed settings."""
    if not actor.can(CHANGE_MESSAGING_SETTINGS, school_id):
        raise PermissionDenied
    approver = values.get("nudge_approver")
    if approver is not None and approver.school_id != school_id:
        raise PermissionDenied
    with transaction.atomic():
        current = MessagingSettings.objects.select_for_update().filter(
            school_id=school_id
        ).first() or MessagingSettings(school_id=school_id)
        changed: dict[str, dict[str, object]] = {}
        for name in FIELDS:
            old, new = getattr(current, name), values[name]
            if old != new:
                changed[name] = {"from": as_text(old), "to": as_text(new)}
                setattr(current, name, new)
        new_approver_id = approver.pk if approver is not None else None
        if current.nudge_approver_id != new_approver_id:
            changed["nudge_approver"] = {"from": current.nudge_approver_id, "to": new_approver_id}
            current.nudge_approver_id = new_approver_id
        if changed:
            current.save()
            audit_record(
                actor=actor,
                action="messaging.settings_updated",
                school_id=school_id,
                detail=changed,
            )
    return list(changed)
