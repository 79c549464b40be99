"""The visit forms: parsing only; the rules are in services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwindow.support.visits.models import PROFILE_QUESTIONS, Agreement
from schoolwindow.support.visits.services import ActionLine

ACTION_ROWS = 3


class WhenForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"), min_value=1, max_value=600, initial=45
    )

    def clean_starts_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["starts_at"]
        return value if timezone.is_aware(value) else timezone.make_aware(value)


class PlanForm(WhenForm):
    lead = forms.TypedChoiceField(label=_("Who leads the visit"), coerce=int)
    second = forms.TypedChoiceField(
        label=_("Second member of staff"), coerce=int, required=False, empty_value=None
    )
    second_interprets = forms.BooleanField(
        label=_("They will also interpret for the family"), required=False
    )
    interpreter_name = forms.CharField(
        label=_("Or an interpreter from outside the school (name)"),
        required=False,
        max_length=120,
    )
    interpreter_language = forms.CharField(
        label=_("Language interpreted"), required=False, max_length=64
    )
    agreement = forms.ChoiceField(
        label=_("Has the family agreed?"),
        choices=Agreement.choices,
        initial=Agreement.NOT_YET,
        widget=forms.RadioSelect,
    )
    agreement_how = forms.CharField(
        label=_("How and when they were asked"), required=False, max_length=200
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = staff  # type: ignore[attr-defined]
        self.fields["second"].choices = [("", _("Nobody from school")), *staff]  # type: ignore[attr-defined]


class RescheduleForm(WhenForm):
    reason = forms.CharField(label=_("Why it moved (optional)"), required=False, max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the visit is cancelled"),
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"required": _("Say why the visit is cancelled.")},
    )


class AgreementForm(forms.Form):
    agreement = forms.ChoiceField(
        label=_("What the family said"), choices=Agreement.choices, widget=forms.RadioSelect
    )
    how = forms.CharField(label=_("How and when they were asked"), required=False, max_length=200)


class FamilyAnswerForm(forms.Form):
    agreement = forms.ChoiceField(
        choices=[(Agreement.AGREED, ""), (Agreement.DECLINED, "")], widget=forms.RadioSelect
    )


class RecordForm(forms.Form):
    wellbeing = forms.CharField(
        label=_("How is the family?"), required=False, max_length=4000, widget=forms.Textarea
    )
    reflection = forms.CharField(
        label=_("A short reflection"), required=False, max_length=2000, widget=forms.Textarea
    )
    concern = forms.CharField(
        label=_("A safeguarding concern for the DSL"),
        required=False,
        max_length=8000,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in PROFILE_QUESTIONS:
            self.fields[f"answer_{key}"] = forms.CharField(
                label=label, required=False, max_length=1000
            )
        for row in range(ACTION_ROWS):
            self.fields[f"action_{row}_text"] = forms.CharField(
                label=_("Action"), required=False, max_length=300
            )
            self.fields[f"action_{row}_owner"] = forms.TypedChoiceField(
                label=_("Who"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("Choose")), *staff],
            )
            self.fields[f"action_{row}_due"] = forms.DateField(
                label=_("By"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{key}"] for key, _label in PROFILE_QUESTIONS]

    def action_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"action_{row}_text"], self[f"action_{row}_owner"], self[f"action_{row}_due"])
            for row in range(ACTION_ROWS)
        ]

    def answers(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(f"answer_{key}", "") or ""
            for key, _label in PROFILE_QUESTIONS
        }

    def actions(self) -> list[ActionLine]:
        lines = []
        for row in range(ACTION_ROWS):
            text = (self.cleaned_data.get(f"action_{row}_text") or "").strip()
            if text:
                lines.append(
                    ActionLine(
                        text=text,
                        owner_id=self.cleaned_data.get(f"action_{row}_owner"),
                        due=self.cleaned_data.get(f"action_{row}_due"),
                    )
                )
        return lines
