"""The forms of calls, referrals and resolving a flag with the help given: parsing only; the
rules are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwindow.engagement.models import FlagOutcome
from schoolwindow.support.actions.models import ActionKind, ReferralType
from schoolwindow.support.timeline import EntryStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OwnedForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due = forms.DateField(label=_("Due by (optional)"), required=False, widget=DATE)
    status = forms.ChoiceField(
        label=_("Status"), choices=EntryStatus.choices, initial=EntryStatus.PLANNED
    )
    outcome = forms.CharField(
        label=_("Outcome (optional)"),
        required=False,
        max_length=300,
        help_text=_("A few words: what happened, what was agreed."),
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = staff  # type: ignore[attr-defined]


class ActionForm(OwnedForm):
    kind = forms.ChoiceField(
        label=_("What kind of help"),
        choices=ActionKind.choices,
        initial=ActionKind.CALL,
        widget=forms.RadioSelect,
    )
    referral_type = forms.ChoiceField(
        label=_("Referral to (for a referral)"),
        choices=[("", _("Not a referral")), *ReferralType.choices],
        required=False,
    )
    summary = forms.CharField(
        label=_("What it is about"),
        max_length=200,
        error_messages={"required": _("Say in a few words what it is about.")},
    )
    on = forms.DateField(label=_("Date"), widget=DATE)
    answers_flag = forms.BooleanField(
        label=_("It answers the pupil's watchlist flag"), required=False
    )

    field_order = ["kind", "referral_type", "summary", "on", "owner", "due", "status", "outcome"]


class UpdateForm(OwnedForm):
    pass


class ResolveForm(forms.Form):
    refs = forms.MultipleChoiceField(
        label=_("The help that was given"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=FlagOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the outcome was.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=4000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, refs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["refs"].choices = refs  # type: ignore[attr-defined]
